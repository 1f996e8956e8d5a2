"""Drafting the narrative from the figures: the built-in templates' `draft` sentences on the
demo report (seed 004), comparisons with the previous quarter, empty and partly filled
reports (no holes), and compare() itself."""

from __future__ import annotations

import datetime
import random
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from cchc.catalog.models import Indicator, ReportTemplate, ValueType
from cchc.demo.loader import load_demo
from cchc.periods.models import Period
from cchc.reports import services
from cchc.reports.drafting import ENGINE, DraftContext, compare, draft_report, draft_section
from cchc.reports.models import Evidence, Report, Value

PLAN_SENTENCE = (
    "Tính đến thời điểm báo cáo, Sở đã triển khai thực hiện 40/46 nhiệm vụ theo Kế hoạch CCHC "
    "năm 2022 của Sở (Kế hoạch số 02/KH-STTTT ngày 27/01/2022), đạt tỷ lệ 86,96%."
)
# Sections that are prose only: no figure in the appendix to draft them from.
PROSE_ONLY = {
    "so-nganh": {"I.", "1.", "1.1.", "1.3.", "1.4.", "1.5.", "1.4.5.", "2.", "3."},
    "so-nganh-nam": {"II.", "III.", "IV.", "V."},
}
CONTEXT_NAMES = re.compile(r"\b(v|z|n|note|doc|cmp|cmp_year)\.([a-z][a-z0-9_]*)")


def drafted(report: Report) -> dict[str, str]:
    """Drafted text by outline number."""
    texts = draft_report(report)
    return {s.number: texts[s.pk] for s in report.template.outline.all() if s.pk in texts}


def holes(text: str) -> list[str]:
    """What an empty template branch or a missing figure would leave behind."""
    found = []
    checked = text.replace("zalo,...)", "zalo)")
    for piece in ("  ", " ,", " .", " ;", " :", " )", "( ", "()", "/ ", " /", "None"):
        if piece in checked:
            found.append(repr(piece))
    for piece in (",,", ",.", ";.", ":.", ".,", ";,", ",;", ";;", "..", ", và", "và ."):
        if piece in checked:
            found.append(repr(piece))
    if re.search(r"\b00\b", checked):
        found.append("a zero written as 00")
    for paragraph in checked.split("\n\n"):
        body = paragraph.removeprefix("- ").strip()
        if not body:
            found.append("an empty paragraph or bullet")
            continue
        if body[-1] in ",;:" and not body.endswith("cụ thể:"):
            found.append(f"a paragraph ending with {body[-1]!r}")
        if not (body[0].isupper() or body[0].isdigit() or body[0] == "("):
            found.append(f"a paragraph starting in lower case: {body[:30]!r}")
    return found


def assert_no_holes(texts: dict[str, str]) -> None:
    for number, text in texts.items():
        assert not holes(text), f"{number}: {holes(text)} in {text!r}"


@pytest.fixture
def demo(db) -> Report:
    load_demo()
    return Report.objects.get(unit__code="ST-STTTT", period__code="Q3-2022")


# ---------------------------------------------------------------- the demo report


def test_demo_report_drafts_in_the_seed_phrasing(demo):
    texts = drafted(demo)

    assert texts["1.1.1."] == PLAN_SENTENCE
    whole = "\n\n".join(texts.values())
    for figure in ("40/46", "86,96%", "10 nhiệm vụ", "714", "655", "15 hồ sơ"):
        assert figure in whole
    assert texts["1.8."] == "Chi tiết theo Phụ lục đính kèm."
    assert "10 văn bản triển khai, chỉ đạo, đôn đốc" in texts["1.1.2."]
    assert "04/04 phòng chuyên môn và 01 đơn vị trực thuộc" in texts["1.1.3."]
    assert "(Kế hoạch số 16/KH-STTTT ngày 08/03/2022)" in texts["1.1.3."]
    assert "(Kế hoạch số 07/KH-STTTT ngày 24/02/2022)" in texts["1.1.4."]
    assert "đạt 85,71%" in texts["1.1.4."]
    assert "12 tin, bài trên Chuyên mục CCHC" in texts["1.1.4."]
    assert texts["1.1.5."] == (
        "Từ đầu năm đến nay, UBND tỉnh giao 10 nhiệm vụ, đã hoàn thành đúng hạn 09 nhiệm vụ, "
        "hoàn thành nhưng quá hạn 01 nhiệm vụ."
    )
    assert "chưa ghi nhận sáng kiến, giải pháp mới về CCHC" in texts["1.1.6."]
    assert "01 VBQPPL (Quyết định số 16/2022/QĐ-UBND ngày 03/08/2022)" in texts["1.2."]
    assert "tuyên truyền, phổ biến 35 văn bản" in texts["1.2."]
    # The decision is of 08/06/2022, before the quarter (from 15/06): the one TTHC is that
    # decision's, said once and as earlier work, not one more of the quarter's.
    assert (
        "- Về công bố TTHC: Sở đã tham mưu công bố 01 TTHC mới (Quyết định số 1547/QĐ-UBND "
        "ngày 08/06/2022, ban hành trước kỳ báo cáo)."
    ) in texts["1.3.1."]
    assert texts["1.3.1."].count("1547") == 1
    assert "43 thủ tục" in texts["1.3.1."]
    assert "mức độ 4 đối với 43/43 TTHC đủ điều kiện" in texts["1.3.2."]
    assert "06/06 TTHC có yêu cầu nghĩa vụ tài chính" in texts["1.3.2."]
    assert texts["1.3.3."].startswith(
        "Trong quý III năm 2022 (từ ngày 15/06/2022 đến ngày 14/09/2022), "
        "Sở đã tiếp nhận 15 hồ sơ yêu cầu giải quyết TTHC"
    )
    assert "15/15 hồ sơ" in texts["1.3.3."] and "đúng hạn đạt 100%" in texts["1.3.3."]
    # The seed's appendix leaves the feedback counts empty: the draft says nothing of them.
    assert "1.3.4." not in texts
    assert "04 phòng chuyên môn" in texts["1.4.2."]
    assert "biên chế được giao 29, có mặt 27" in texts["1.4.3."]
    assert "14 người được đào tạo, bồi dưỡng" in texts["1.5.1."]
    assert "đã cử 03 người" in texts["1.5.1."]
    assert "bổ nhiệm lại 01 lãnh đạo cấp phòng" in texts["1.5.2."]  # QĐ 56: bổ nhiệm lại
    assert "thực hiện cơ chế tự chủ" in texts["1.6."]
    assert "714 văn bản đi, trong đó 655 văn bản hoàn toàn điện tử" in texts["1.7."]
    assert "04 lãnh đạo được cấp chứng thư số" in texts["1.7."]
    assert (
        "10 TTHC triển khai tiếp nhận hồ sơ, trả kết quả qua dịch vụ bưu chính" in (texts["1.7."])
    )
    # The first quarter has no previous report here: no comparison is made up.
    assert "so với" not in whole
    assert not PROSE_ONLY["so-nganh"] & set(texts)
    assert_no_holes(texts)


def test_charts_sit_after_the_tasks_and_dossiers_sections(template):
    charts = {s.number: s.chart for s in template.outline.all() if s.chart}
    assert charts == {"1.1.1.": "tasks", "1.3.3.": "dossiers"}
    annual = ReportTemplate.objects.get(code="so-nganh-nam")
    assert {s.number: s.chart for s in annual.outline.all() if s.chart} == {
        "I.": "tasks",
        "2.": "dossiers",
    }


def test_next_quarter_compares_with_the_previous_one(demo):
    reporter = User.objects.get(username="bctuyen")
    q4 = Report.objects.get(unit__code="ST-STTTT", period__code="Q4-2022")
    for key, raw in {
        "plan_tasks_total": "46",
        "plan_tasks_done": "44",
        "dossiers_received": "20",
        "dossiers_returned": "18",
        "dossiers_on_time_rate": "95",
        "docs_outgoing_total": "700",
        "docs_electronic_only": "690",
    }.items():
        # The draft was started from the registers; figures other than theirs need a reason.
        services.save_value(reporter, q4, key, raw, reason="Số liệu phòng chuyên môn báo cáo")

    texts = drafted(q4)

    assert texts["1.1.1."] == (
        "Tính đến thời điểm báo cáo, Sở đã triển khai thực hiện 44/46 nhiệm vụ theo Kế hoạch "
        "CCHC năm 2022 của Sở, đạt tỷ lệ 95,65%, tăng 8,69 điểm phần trăm so với quý III năm 2022."
    )
    assert texts["1.3.3."].startswith(
        "Trong quý IV năm 2022 (từ ngày 15/09/2022 đến ngày 14/12/2022), Sở đã tiếp nhận 20 hồ sơ "
        "yêu cầu giải quyết TTHC, tăng 5 (33,33%) so với quý III năm 2022, trong đó 01 hồ sơ "
        "tiếp nhận trực tuyến."  # the register's online dossier of 20/09/2022
    )
    assert "18/20 hồ sơ" in texts["1.3.3."]
    assert "đạt 95% (giảm 5 điểm phần trăm so với quý III năm 2022)" in texts["1.3.3."]
    assert "Tổng số văn bản đi giảm 14 (1,96%) so với quý III năm 2022." in texts["1.7."]
    assert_no_holes(texts)


def test_a_custom_period_is_named_by_its_dates_once(demo):
    context = DraftContext(demo).as_dict()
    context["period"] = "từ ngày 15/06/2022 đến ngày 14/09/2022"
    section = demo.template.outline.get(number="1.3.3.")

    text = draft_section(section, context)

    assert text.startswith(
        "Từ ngày 15/06/2022 đến ngày 14/09/2022, Sở đã tiếp nhận 15 hồ sơ yêu cầu giải quyết TTHC"
    )


def test_annual_template_drafts_the_demo_figures_in_seed_000_phrasing(demo):
    annual = ReportTemplate.objects.get(code="so-nganh-nam")
    reporter = User.objects.get(username="bctuyen")
    year = services.start_report(reporter, demo.unit, Period.objects.for_code("Y-2022"), annual)
    # Starting the report pre-filled it from the demo registers; copy the quarter's figures instead.
    Value.objects.filter(report=year).delete()
    by_key = {i.key: i for i in annual.indicators.all()}
    Value.objects.bulk_create(
        Value(
            report=year,
            indicator=by_key[v.indicator.key],
            number=v.number,
            text=v.text,
            date=v.date,
            note=v.note,
            source=v.source,
        )
        for v in demo.values.select_related("indicator")
    )
    Evidence.objects.bulk_create(
        Evidence(
            report=year,
            indicator=by_key[e.indicator.key],
            doc_type=e.doc_type,
            number_symbol=e.number_symbol,
            issued_on=e.issued_on,
        )
        for e in demo.evidence.select_related("indicator")
    )

    texts = drafted(year)

    assert (
        "Sở xây dựng và ban hành Kế hoạch cải cách hành chính năm 2022 (Kế hoạch số 02/KH-STTTT "
        "ngày 27/01/2022). Trong năm, Sở hoàn thành 40/46 nhiệm vụ, đạt tỉ lệ 86,96% kế hoạch "
        "đã đề ra."
    ) in texts["I."]
    assert (
        "Trong năm, Sở ban hành 10 văn bản chỉ đạo, điều hành về cải cách hành chính."
        in (texts["I."])
    )
    assert (
        "Trong năm, Ủy ban nhân dân tỉnh giao cho Sở 10 nhiệm vụ, hoàn thành đúng hạn 09 nhiệm "
        "vụ, trễ hạn 01 nhiệm vụ."
    ) in texts["I."]
    assert "Trong năm, Sở đã tiếp nhận 15 hồ sơ thủ tục hành chính" in texts["2."]
    assert "Tỷ lệ hồ sơ giải quyết sớm hạn và đúng hạn: 100%." in texts["2."]
    assert "biên chế được giao 29, có mặt 27" in texts["3."]
    assert "714 văn bản đi, trong đó 655 văn bản hoàn toàn điện tử" in texts["6."]
    assert texts["6."].endswith("Kết quả thực hiện: chi tiết theo Phụ lục đính kèm.")
    assert "Trong kỳ" not in "\n".join(texts.values())
    assert not PROSE_ONLY["so-nganh-nam"] & set(texts)
    assert_no_holes(texts)


def test_annual_plan_sentence_is_seed_000s(reporter, province, template):
    annual = ReportTemplate.objects.get(code="so-nganh-nam")
    year = services.start_report(
        reporter, province["ST-STTTT"], Period.objects.for_code("Y-2022"), annual
    )
    for key, raw in {
        "plan_tasks_total": "23",
        "plan_tasks_done": "23",
        "ppc_tasks_assigned": "117",
        "ppc_tasks_on_time": "107",
        "ppc_tasks_late": "1",
        "inspected_divisions": "4",
        "divisions": "6",
        "inspection_issues_found": "2",
        "inspection_issues_resolved": "2",
    }.items():
        services.save_value(reporter, year, key, raw)

    text = drafted(year)["I."]

    assert "Trong năm, Sở hoàn thành 23/23 nhiệm vụ, đạt tỉ lệ 100% kế hoạch đã đề ra." in text
    assert (
        "Trong năm, Ủy ban nhân dân tỉnh giao cho Sở 117 nhiệm vụ, hoàn thành đúng hạn 107 nhiệm "
        "vụ, trễ hạn 01 nhiệm vụ."
    ) in text
    assert (
        "Trong năm, 04/06 phòng chuyên môn được kiểm tra. Qua kiểm tra phát hiện 02 vấn đề cần "
        "giải quyết, 02/02 vấn đề được khắc phục, giải quyết."
    ) in text


# ---------------------------------------------------------------- empty and partial reports


def test_empty_report_drafts_no_holes_and_no_numbers(report):
    texts = drafted(report)

    # Nothing is said of feedback that nobody counted; section II names the role holders.
    assert set(texts) == {"1.8.", "II."}
    assert "Công chức phụ trách công tác CCHC: reporter." in texts["II."]
    assert_no_holes(texts)
    for number, text in texts.items():
        assert not re.search(r"\d", text), f"{number}: {text!r}"


def test_missing_required_figures_give_nothing_rather_than_holes(report, reporter):
    # Done without the total, received without returned: no ratio with a hole in it.
    services.save_value(reporter, report, "plan_tasks_done", "40")
    services.save_value(reporter, report, "dossiers_received", "15")
    services.save_value(reporter, report, "ppc_tasks_on_time", "9")
    services.save_value(reporter, report, "staff_present", "27")

    texts = drafted(report)

    assert "1.1.1." not in texts
    assert "1.1.5." not in texts
    assert "1.4.3." not in texts
    assert texts["1.3.3."] == (
        "Trong quý III năm 2022 (từ ngày 15/06/2022 đến ngày 14/09/2022), Sở đã tiếp nhận 15 hồ "
        "sơ yêu cầu giải quyết TTHC."
    )
    assert_no_holes(texts)


def test_zero_figures_are_said_in_words(report, reporter):
    for key in (
        "dossiers_received",
        "ppc_tasks_assigned",
        "feedback_received",
        "feedback_resolved",
        "legal_docs_drafted",
        "directive_documents_issued",
    ):
        services.save_value(reporter, report, key, "0")
    services.save_value(reporter, report, "innovation", "0")

    texts = drafted(report)

    assert "không phát sinh hồ sơ" in texts["1.3.3."]
    assert "không được UBND tỉnh giao nhiệm vụ" in texts["1.1.5."]
    assert "không có phản ánh" in texts["1.3.4."]
    assert "không có VBQPPL tham mưu ban hành" in texts["1.2."]
    assert "không ban hành thêm văn bản chỉ đạo" in texts["1.1.2."]
    assert "chưa ghi nhận sáng kiến" in texts["1.1.6."]
    assert_no_holes(texts)


def test_innovation_yes_quotes_the_note(report, reporter):
    services.save_value(reporter, report, "innovation", "1", note="Phần mềm hẹn giờ trả kết quả")

    text = drafted(report)["1.1.6."]

    assert text == (
        "Trong kỳ, Sở có sáng kiến, giải pháp mới về CCHC, cụ thể:\n\nPhần mềm hẹn giờ trả kết quả"
    )


def _random_content(indicator: Indicator, rng: random.Random) -> Decimal:
    if indicator.value_type in (ValueType.YES_NO, ValueType.CHOICE):
        return Decimal(str(rng.choice(indicator.choices)["value"]))
    if indicator.value_type == ValueType.PERCENT:
        return rng.choice([Decimal(0), Decimal("50"), Decimal("86.96"), Decimal(100)])
    return Decimal(rng.choice([0, 1, 3, 7, 12, 43, 1500]))


@pytest.mark.parametrize("code", ["so-nganh", "so-nganh-nam"])
def test_any_mix_of_filled_and_empty_figures_drafts_without_holes(
    code, reporter, province, template
):
    chosen = ReportTemplate.objects.get(code=code)
    period = Period.objects.for_code("Q3-2022" if code == "so-nganh" else "Y-2022")
    report = services.start_report(reporter, province["ST-STTTT"], period, chosen)
    indicators = list(chosen.indicators.all())
    numeric = [i for i in indicators if i.is_numeric and not i.is_derived]
    rng = random.Random(20220915)
    for trial in range(40):
        Value.objects.filter(report=report).delete()
        Evidence.objects.filter(report=report).delete()
        share = [0.0, 1.0][trial] if trial < 2 else rng.random()
        Value.objects.bulk_create(
            Value(
                report=report,
                indicator=i,
                number=_random_content(i, rng),
                note="Ghi chú" if rng.random() < 0.2 else "",
            )
            for i in numeric
            if rng.random() < share
        )
        Evidence.objects.bulk_create(
            Evidence(
                report=report,
                indicator=i,
                doc_type="Kế hoạch",
                number_symbol=f"{n:02d}/KH-STTTT",
                issued_on=datetime.date(2022, 1, n),
            )
            for n, i in enumerate(indicators, start=1)
            if n <= 28 and rng.random() < share / 2
        )

        texts = drafted(report)

        for number, text in texts.items():
            assert not holes(text), f"trial {trial}, {number}: {holes(text)} in {text!r}"


# ---------------------------------------------------------------- the templates themselves


@pytest.mark.parametrize("code", ["so-nganh", "so-nganh-nam"])
def test_every_draft_parses_and_names_only_indicators_of_its_template(code, template):
    chosen = ReportTemplate.objects.get(code=code)
    keys = set(chosen.indicators.values_list("key", flat=True))
    with_draft = [s for s in chosen.outline.all() if s.draft.strip()]

    assert with_draft
    for section in with_draft:
        ENGINE.from_string(section.draft)
        unknown = {key for _, key in CONTEXT_NAMES.findall(section.draft)} - keys
        assert not unknown, f"{section.number}: {sorted(unknown)}"
    numbers = {s.number for s in chosen.outline.all()}
    assert PROSE_ONLY[code] <= numbers
    assert not PROSE_ONLY[code] & {s.number for s in with_draft}


# ---------------------------------------------------------------- compare()


LABEL = "quý II năm 2022"


def _indicator(value_type: str) -> Indicator:
    return Indicator(key="x", label="x", value_type=value_type)


def test_compare_percent_speaks_of_percentage_points():
    result = compare(_indicator(ValueType.PERCENT), Decimal("90"), Decimal("86.5"), LABEL)
    assert result == "tăng 3,5 điểm phần trăm so với quý II năm 2022"
    result = compare(_indicator(ValueType.PERCENT), Decimal("80"), Decimal("86.96"), LABEL)
    assert result == "giảm 6,96 điểm phần trăm so với quý II năm 2022"


def test_compare_counts_gives_the_difference_and_its_share():
    integer = _indicator(ValueType.INTEGER)
    assert compare(integer, Decimal(20), Decimal(15), LABEL) == (
        "tăng 5 (33,33%) so với quý II năm 2022"
    )
    assert compare(integer, Decimal(700), Decimal(714), LABEL) == (
        "giảm 14 (1,96%) so với quý II năm 2022"
    )
    assert compare(integer, Decimal(1500), Decimal(0), LABEL) == (
        "tăng 1.500 so với quý II năm 2022"
    )


def test_compare_equal_says_bang():
    assert compare(_indicator(ValueType.INTEGER), Decimal(15), Decimal(15), LABEL) == (
        "bằng quý II năm 2022"
    )
    assert compare(_indicator(ValueType.PERCENT), Decimal(100), Decimal(100), LABEL) == (
        "bằng quý II năm 2022"
    )


def test_compare_without_both_figures_or_for_codings_says_nothing():
    integer = _indicator(ValueType.INTEGER)
    assert compare(integer, None, Decimal(15), LABEL) == ""
    assert compare(integer, Decimal(15), None, LABEL) == ""
    assert compare(integer, None, None, LABEL) == ""
    assert compare(_indicator(ValueType.YES_NO), Decimal(1), Decimal(0), LABEL) == ""
    assert compare(_indicator(ValueType.CHOICE), Decimal(2), Decimal(0), LABEL) == ""


def test_a_centrally_run_city_and_its_units_say_thanh_pho(db):
    from cchc.org.models import Unit, UnitKind
    from cchc.reports.drafting import province_word

    city = Unit.objects.create(code="CT", name="UBND thành phố Cần Thơ", kind=UnitKind.PROVINCE)
    ward = Unit.objects.create(
        code="CT-P", name="UBND phường Ninh Kiều", kind=UnitKind.COMMUNE, parent=city
    )
    province = Unit.objects.create(code="ST", name="UBND tỉnh Sóc Trăng", kind=UnitKind.PROVINCE)
    assert (province_word(city), province_word(ward), province_word(province)) == (
        "thành phố",
        "thành phố",
        "tỉnh",
    )


def test_a_heading_names_the_city_where_it_names_the_province(db, template, reporter):
    from cchc.org.models import Role, RoleAssignment, Unit, UnitKind
    from cchc.periods.models import Period
    from cchc.reports import services
    from cchc.reports.words import outline_title

    city = Unit.objects.create(code="CT", name="UBND thành phố Cần Thơ", kind=UnitKind.PROVINCE)
    department = Unit.objects.create(
        code="CT-SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=city, must_report=True
    )
    RoleAssignment.objects.create(user=reporter, unit=department, role=Role.REPORTER)
    report = services.start_report(
        reporter, department, Period.objects.for_code("Q3-2026"), template
    )
    title = "Thực hiện nhiệm vụ UBND {province_word} giao"
    assert outline_title(title, report) == "Thực hiện nhiệm vụ UBND thành phố giao"
