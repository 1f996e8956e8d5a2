"""Drafting never states what the data does not say: every built-in template drafted from
empty, partial and full data, with no figure at zero, must say no "không"/"chưa" (a
negative statement comes only from a figure that is 0 or a "Không" answer); year-to-date
figures say so; documents from before the period are said as earlier work; a personnel row
is worded by its act; headings follow the kind of unit; section II names the role holders."""

from __future__ import annotations

import datetime
import random
import re
from decimal import Decimal

import pytest

from cchc.catalog.loader import load_builtin_templates
from cchc.catalog.models import Indicator, ReportTemplate, ValueType
from cchc.org.models import Role, RoleAssignment, Unit, UnitKind
from cchc.periods.models import Period
from cchc.reports import services
from cchc.reports.drafting import DraftContext, draft_report, draft_section, span_words
from cchc.reports.models import Evidence, Report, Value

# Each built-in template, the unit kind it serves and a period it is drafted for.
TEMPLATES = {
    "so-nganh": (UnitKind.DEPARTMENT, "Q3-2022"),
    "so-nganh-nam": (UnitKind.DEPARTMENT, "Y-2022"),
    "xa": (UnitKind.COMMUNE, "Q3-2025"),
    "huyen": (UnitKind.DISTRICT, "Q3-2022"),
    "tinh": (UnitKind.PROVINCE, "Y-2022"),
}
NEGATION = re.compile(r"\b(không|chưa)\b", re.IGNORECASE)
# Words of a sentence that carry "không" without saying that something did not happen.
NOT_NEGATIONS = (
    "công chức không giữ chức vụ lãnh đạo",
    "không giữ chức vụ",
)


def negations(text: str) -> list[str]:
    found = []
    for sentence in re.split(r"(?<=[.;:])\s+|\n+", text):
        cleaned = sentence
        for phrase in NOT_NEGATIONS:
            cleaned = cleaned.replace(phrase, "")
        if NEGATION.search(cleaned):
            found.append(sentence)
    return found


def entered(template: ReportTemplate) -> list[Indicator]:
    """The rows a user types: neither headings nor formulas."""
    return [
        i
        for i in template.indicators.all()
        if not i.is_group and not i.formula and i.value_type != ValueType.DATE
    ]


def some_value(indicator: Indicator, rng: random.Random) -> Decimal | str:
    """A figure that is never a zero or a "Không": 1-9 for counts, a rate, the highest code."""
    if indicator.value_type == ValueType.TEXT:
        return "Nội dung đã nhập"
    if indicator.value_type in (ValueType.YES_NO, ValueType.CHOICE):
        codes = [int(c["value"]) for c in indicator.choices]
        nonzero = [c for c in codes if c]
        return Decimal(rng.choice(nonzero) if nonzero else max(codes))
    if indicator.value_type == ValueType.PERCENT:
        return Decimal(rng.choice(["50", "85.71", "100"]))
    return Decimal(rng.randint(1, 9))


def fill(report: Report, indicators: list[Indicator], rng: random.Random) -> None:
    # A row the start pre-filled (the province's `units.*`) is typed over.
    Value.objects.filter(report=report, indicator__in=indicators).delete()
    rows = []
    for indicator in indicators:
        value = Value(report=report, indicator=indicator)
        value.set_content(some_value(indicator, rng))
        rows.append(value)
    Value.objects.bulk_create(rows)


def start(code: str, reporter) -> Report:
    kind, period_code = TEMPLATES[code]
    load_builtin_templates()
    template = ReportTemplate.objects.get(code=code)
    parent = Unit.objects.create(code="P", name="UBND tỉnh Sóc Trăng", kind=UnitKind.PROVINCE)
    unit = (
        parent
        if kind == UnitKind.PROVINCE
        else Unit.objects.create(
            code="U", name="Đơn vị thử", kind=kind, parent=parent, must_report=True
        )
    )
    RoleAssignment.objects.create(user=reporter, unit=unit, role=Role.REPORTER)
    return services.start_report(reporter, unit, Period.objects.for_code(period_code), template)


@pytest.fixture
def someone(django_user_model):
    return django_user_model.objects.create_user("someone", first_name="Người", last_name="Thử")


@pytest.mark.parametrize("data", ["empty", "partial", "full"])
@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_no_negative_statement_is_drafted_from_missing_figures(db, someone, code, data):
    import cchc.consolidation.drafting  # noqa: F401  (the province's `units` context)

    report = start(code, someone)
    rng = random.Random(f"{code}-{data}")
    rows = entered(report.template)
    if data == "partial":
        rows = rng.sample(rows, len(rows) // 3)
    if data != "empty":
        fill(report, rows, rng)

    texts = draft_report(report)

    sections = {s.pk: s for s in report.template.outline.all()}
    found = {sections[pk].number: said for pk, text in texts.items() if (said := negations(text))}
    assert not found, f"{code}, {data}: negative statements from missing figures: {found}"


def zero_value(indicator: Indicator) -> Decimal | str:
    """A figure saying "none": 0, or the "Không" code."""
    if indicator.value_type == ValueType.TEXT:
        return "Nội dung đã nhập"
    return Decimal(0)


def clauses(text: str) -> set[str]:
    """What each negative statement denies: from "không"/"chưa" to the end of its clause."""
    return {
        match.group(0)
        for match in re.finditer(r"\b(?:không|chưa)\b[^.;:]*", text, re.IGNORECASE)
        if not any(phrase in match.group(0) for phrase in NOT_NEGATIONS)
    }


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_a_negative_statement_holds_whatever_the_missing_figures_are(db, someone, code, seed):
    """Some figures 0, the rest missing: every "không"/"chưa" drafted must still be said once
    the missing figures are given (non-zero), or it was drafted from what nobody entered."""
    import cchc.consolidation.drafting  # noqa: F401  (the province's `units` context)

    report = start(code, someone)
    rng = random.Random(f"{code}-zeros-{seed}")
    rows = entered(report.template)
    zeros = rng.sample(rows, rng.randint(1, len(rows) - 1))
    Value.objects.filter(report=report, indicator__in=rows).delete()
    for indicator in zeros:
        value = Value(report=report, indicator=indicator)
        value.set_content(zero_value(indicator))
        value.save()
    before = draft_report(report)
    fill(report, [i for i in rows if i not in zeros], rng)
    after = "\n".join(draft_report(report).values())

    sections = {s.pk: s.number for s in report.template.outline.all()}
    lost = {
        sections[pk]: sorted(gone)
        for pk, text in before.items()
        if (gone := {c for c in clauses(text) if c not in after})
    }
    assert not lost, f"{code}: said only while figures were missing: {lost}"


# ---------------------------------------------------------------- when a figure happened


def test_year_to_date_figures_say_from_the_start_of_the_year(template, report, reporter):
    by_key = template.indicators_by_key()
    assert by_key["communication_unit_site_articles"].cumulative
    assert by_key["training_actual"].cumulative
    assert not by_key["dossiers_received"].cumulative
    services.save_value(reporter, report, "communication_unit_site_articles", "12")
    services.save_value(reporter, report, "communication_media_articles", "12")

    context = DraftContext(report).as_dict()
    text = draft_section(template.outline.get(number="1.1.4."), context)

    services.save_value(reporter, report, "inspected_divisions", "4")
    context = DraftContext(report).as_dict()
    inspection = draft_section(template.outline.get(number="1.1.3."), context)
    assert inspection.startswith("- Từ đầu năm đến nay, Sở đã thực hiện kiểm tra công tác CCHC")
    assert context["when"]["communication_unit_site_articles"] == "từ đầu năm đến nay"
    assert context["when"]["dossiers_received"] == "trong kỳ"
    assert "Trong kỳ" not in text
    assert text.startswith("Từ đầu năm đến nay, Sở đã đăng 12 tin, bài")
    # The media figure includes the unit's own site: the 12 posts are counted once, the
    # site's as part of them, not added beside them.
    assert (
        "trên các phương tiện truyền thông (báo, đài, website, zalo,...), trong đó 12 tin" in text
    )
    assert "; 12 tin" not in text


def test_a_year_and_a_period_from_the_start_of_the_year_say_it_once(db):
    year = Report(period=Period.objects.for_code("Y-2022"))
    half = Report(period=Period.objects.for_code("H1-2022"))
    quarter = Report(period=Period.objects.for_code("Q3-2022"))

    assert span_words(year, cumulative=True) == "trong năm"
    assert span_words(year, cumulative=False) == "trong năm"
    assert span_words(half, cumulative=True) == "trong kỳ"
    assert span_words(quarter, cumulative=True) == "từ đầu năm đến nay"
    assert span_words(quarter, cumulative=False) == "trong kỳ"


def test_the_periodic_template_used_for_a_year_says_in_the_year(db, someone, province):
    load_builtin_templates()
    template = ReportTemplate.objects.get(code="so-nganh")
    RoleAssignment.objects.create(user=someone, unit=province["ST-STP"], role=Role.REPORTER)
    year = services.start_report(
        someone, province["ST-STP"], Period.objects.for_code("Y-2022"), template
    )
    services.save_value(someone, year, "ppc_tasks_assigned", "10")

    text = draft_section(template.outline.get(number="1.1.5."), DraftContext(year).as_dict())

    assert text == "Trong năm, UBND tỉnh giao 10 nhiệm vụ."


def test_no_draft_says_in_the_period_of_a_year_to_date_figure(db):
    """Statically, over every built-in template: a paragraph printing a cumulative figure
    never writes "trong kỳ" itself (it says `when.KEY`)."""
    load_builtin_templates()
    figure = re.compile(r"\b(?:v|z)\.([a-z][a-z0-9_]*)")
    for template in ReportTemplate.objects.all():
        cumulative = {i.key for i in template.indicators.all() if i.cumulative}
        for section in template.outline.all():
            for paragraph in (section.draft or "").split("\n\n"):
                printed = set(figure.findall(paragraph)) & cumulative
                if printed:
                    said = paragraph.lower()
                    assert "trong kỳ" not in said and "in_period" not in said, (
                        f"{template.code} {section.number}: {sorted(printed)} in «trong kỳ»"
                    )


# ---------------------------------------------------------------- documents of the period


def _evidence(report, key, doc_type, number, day, summary=""):
    return Evidence.objects.create(
        report=report,
        indicator=report.template.indicators.get(key=key),
        doc_type=doc_type,
        number_symbol=number,
        issued_on=day,
        summary=summary,
    )


def test_a_decision_from_before_the_period_is_said_as_earlier_work(template, report, reporter):
    services.save_value(reporter, report, "procedures_newly_published", "1")
    _evidence(
        report,
        "procedures_newly_published",
        "Quyết định",
        "1547/QĐ-UBND",
        datetime.date(2022, 6, 8),
    )
    _evidence(
        report,
        "procedures_newly_published",
        "Quyết định",
        "1900/QĐ-UBND",
        datetime.date(2022, 7, 20),
    )

    text = draft_section(template.outline.get(number="1.3.1."), DraftContext(report).as_dict())

    # One sentence naming each document once, the older one as older, and the figure not
    # said to be the period's: it counts the older decision too.
    assert text == (
        "- Về công bố TTHC: Sở đã tham mưu công bố 01 TTHC mới (Quyết định số 1547/QĐ-UBND "
        "ngày 08/06/2022, ban hành trước kỳ báo cáo; Quyết định số 1900/QĐ-UBND ngày "
        "20/07/2022)."
    ) or text == (
        "- Về công bố TTHC: Sở đã tham mưu công bố 01 TTHC mới (Quyết định số 1900/QĐ-UBND "
        "ngày 20/07/2022; Quyết định số 1547/QĐ-UBND ngày 08/06/2022, ban hành trước kỳ báo "
        "cáo)."
    )


def test_a_reappointment_is_worded_as_one(template, report, reporter):
    services.save_value(
        reporter,
        report,
        "appointed_division_leaders",
        "1",
        note="Quyết định số 56/QĐ-STTTT ngày 07/6/2022 về bổ nhiệm lại ông Võ Quốc Thế",
    )
    services.save_value(reporter, report, "recruited_civil_servants_exam", "3")

    context = DraftContext(report).as_dict()
    text = draft_section(template.outline.get(number="1.5.2."), context)

    assert context["act"]["appointed_division_leaders"] == "bổ nhiệm lại"
    assert context["act"]["recruited_civil_servants_exam"] == "tuyển dụng"
    assert "bổ nhiệm lại 01 lãnh đạo cấp phòng" in text
    assert "tuyển dụng 03 công chức" in text
    assert "tuyển dụng 01" not in text and "bổ nhiệm 01" not in text


def test_a_new_appointment_stays_an_appointment(template, report, reporter):
    services.save_value(reporter, report, "appointed_division_leaders", "2")

    text = draft_section(template.outline.get(number="1.5.2."), DraftContext(report).as_dict())

    assert "bổ nhiệm 02 lãnh đạo cấp phòng" in text


# ---------------------------------------------------------------- the kind of unit


def test_a_district_report_has_no_department_heading(template, province, period):
    from cchc.reports.narrative_basis import heading

    # A district's report made with so-nganh before districts had their own template.
    district = Report(unit=province["ST-HCT"], period=period, template=template)
    section = template.outline.get(number="1.4.2.")

    assert heading(section, district) == "1.4.2. Về cơ cấu tổ chức bộ máy của UBND huyện"
    department = Report(unit=province["ST-STTTT"], period=period, template=template)
    assert heading(section, department) == "1.4.2. Về cơ cấu tổ chức bộ máy của Sở"
    for item in template.outline.all():
        assert "của Sở" not in heading(item, district), item.number


# ---------------------------------------------------------------- empty sections


def test_sections_with_nothing_to_print_are_a_warning_naming_them(complete_report, reporter):
    from cchc.reports.sheet import ReportSheet

    report = complete_report
    issue = ReportSheet(report).empty_sections

    assert issue is not None and not issue.is_error
    # Drafted from the figures: not empty. Prose only, nothing saved: named.
    assert "1.1.1. Về kế hoạch CCHC" not in issue.message
    assert "1.8." not in issue.message
    assert "1.4.5. Tình hình thực hiện quy chế làm việc" in issue.message
    assert "2. Khó khăn, hạn chế" in issue.message
    # A heading with items under it is not itself a section to fill.
    assert "1.1. Công tác chỉ đạo" not in issue.message
    assert issue in ReportSheet(report).issues

    section = report.template.outline.get(number="1.4.5.")
    services.save_narrative(reporter, report, section, "Quy chế làm việc số 01/QC-STTTT.")
    after = ReportSheet(report).empty_sections
    assert after is not None and "1.4.5." not in after.message

    # It warns; it does not stop the report being sent.
    services.submit_report(reporter, report)


# ---------------------------------------------------------------- the template picker


def test_a_quarter_start_page_offers_the_annual_template_of_its_year(client, template, reporter):
    client.force_login(reporter)
    html = client.get("/units/ST-STTTT/periods/Q3-2022/").content.decode()

    assert f'value="{template.pk}"' in html  # the quarterly template, to start now
    assert 'id="annual-templates"' in html
    assert 'href="/units/ST-STTTT/periods/Y-2022/"' in html
    assert "Báo cáo CCHC năm của sở, ban, ngành" in html

    # Followed, the year's page starts the annual report (seed 000's outline) by default.
    year_page = client.get("/units/ST-STTTT/periods/Y-2022/").content.decode()
    assert 'id="annual-templates"' not in year_page
    client.post("/units/ST-STTTT/periods/Y-2022/")
    assert Report.objects.get(period__code="Y-2022").template.code == "so-nganh-nam"


# ---------------------------------------------------------------- the template file


def test_cumulative_is_read_from_the_file_or_from_the_source_and_label():
    from cchc.catalog.loader import TemplateFileError, is_cumulative, validate_template_data

    assert is_cumulative({"label": "Số tin, bài", "source": "posts.media_ytd"})
    assert is_cumulative({"label": "Tỷ lệ hoàn thành (Lũy kế đến thời điểm báo cáo)"})
    assert not is_cumulative({"label": "Số hồ sơ tiếp nhận", "source": "dossiers.received"})
    assert is_cumulative({"label": "Số nhiệm vụ đã hoàn thành", "cumulative": True})
    assert not is_cumulative({"label": "Lũy kế", "source": "posts.media_ytd", "cumulative": False})

    data = {
        "code": "t",
        "version": 1,
        "name": "T",
        "sections": [
            {
                "code": "I",
                "title": "Phần",
                "rows": [{"key": "a", "label": "A", "type": "integer", "cumulative": "có"}],
            }
        ],
    }
    with pytest.raises(TemplateFileError, match="'cumulative' phải là true hoặc false"):
        validate_template_data(data, "t.yaml")


# ---------------------------------------------------------------- section II


def test_section_ii_names_the_units_role_holders_leaders_first(
    template, report, reporter, django_user_model, province
):
    leader = django_user_model.objects.create_user(
        "gd", first_name="Nguyễn Hữu", last_name="Hạnh", email="gdhanh@soctrang.gov.vn"
    )
    RoleAssignment.objects.create(user=leader, unit=province["ST-STTTT"], role=Role.APPROVER)
    gone = django_user_model.objects.create_user("cu", first_name="Cũ", is_active=False)
    RoleAssignment.objects.create(user=gone, unit=province["ST-STTTT"], role=Role.REPORTER)
    above = django_user_model.objects.create_user("snv", first_name="Chuyên viên Sở Nội vụ")
    RoleAssignment.objects.create(user=above, unit=province["ST"], role=Role.CONSOLIDATOR)
    reporter.first_name, reporter.last_name = "Nguyễn Bé", "Tuyên"
    reporter.save()
    report.signer_name, report.signer_title = "Nguyễn Hữu Hạnh", "GIÁM ĐỐC"
    report.save()

    text = draft_section(template.outline.get(number="II."), DraftContext(report).as_dict())

    assert text == (
        "Lãnh đạo, công chức phụ trách công tác CCHC của Sở Thông tin và Truyền thông, cụ thể:"
        "\n\n- Lãnh đạo phụ trách công tác CCHC: Nguyễn Hữu Hạnh, Giám đốc; thư điện tử: "
        "gdhanh@soctrang.gov.vn."
        "\n\n- Công chức phụ trách công tác CCHC: Nguyễn Bé Tuyên."
    )
