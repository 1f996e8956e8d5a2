"""The built-in template of the UBND cấp huyện report (cchc/catalog/builtin/huyen.yaml): it
loads, is chosen for districts, every formula and rule names its own rows, it shares keys and
their consolidation with so-nganh and xa where the meaning is the same (province totals meet
by key), and a district's drafts and appendix speak as the UBND huyện, never as a Sở."""

from __future__ import annotations

import datetime
import io
import random
import re
from decimal import Decimal

import pytest
from docx import Document

from cchc.catalog.formulas import expression_names
from cchc.catalog.models import ReportTemplate
from cchc.consolidation.engine import consolidate, consolidate_all
from cchc.documents.registry import exporters
from cchc.org.models import Role, RoleAssignment, UnitKind
from cchc.periods.models import Period
from cchc.reports import services
from cchc.reports.models import Evidence, Value
from tests.conftest import COMPLETE_VALUES
from tests.test_drafting import CONTEXT_NAMES, _random_content, drafted, holes

pytestmark = pytest.mark.django_db

SO = re.compile(r"\bSở\b")
DEPARTMENT_WORDS = re.compile(r"\bSở\b|(?i:sở, ngành|sở ngành|cấp sở)")


@pytest.fixture
def huyen(template) -> ReportTemplate:
    return ReportTemplate.objects.get(code="huyen", version=1)


@pytest.fixture
def district_reporter(django_user_model, province):
    user = django_user_model.objects.create_user("chauthanh", password="x")
    RoleAssignment.objects.create(user=user, unit=province["ST-HCT"], role=Role.REPORTER)
    return user


@pytest.fixture
def district_report(huyen, district_reporter, province):
    # No template named: the best fit for a district is the district template.
    report = services.start_report(
        district_reporter, province["ST-HCT"], Period.objects.for_code("Q3-2022")
    )
    assert report.template == huyen
    return district_reporter, report


def test_the_huyen_template_loads_for_districts(huyen):
    assert huyen.unit_kinds == [UnitKind.DISTRICT]
    assert huyen.indicators.count() == 128
    assert huyen.rules.count() == 31
    sections = list(huyen.sections.values_list("title", flat=True))
    assert sections == [
        "Công tác chỉ đạo, điều hành CCHC",
        "Cải cách thể chế",
        "Cải cách thủ tục hành chính",
        "Cải cách tổ chức bộ máy hành chính nhà nước",
        "Cải cách chế độ công vụ; cán bộ, công chức, viên chức",
        "Cải cách tài chính công",
        "Xây dựng chính quyền điện tử, chính quyền số",
    ]
    outline = [s.title for s in huyen.outline.filter(level=1)]
    assert outline[1:] == [
        "Đánh giá chung",
        "Phương hướng, nhiệm vụ thời gian tới",
        "Kiến nghị, đề xuất",
    ]
    # The district's one-stop section and its communes' figures are rows of their own.
    keys = set(huyen.indicators.values_list("key", flat=True))
    assert {
        "interconnected_across_levels",
        "dossiers_resolved_early",
        "dossiers_apology_letters",
    } <= keys
    assert {"commune_dossiers_received", "commune_officials_present", "leaders_division"} <= keys


def test_every_formula_weight_and_rule_names_rows_of_the_template(huyen):
    keys = set(huyen.indicators.values_list("key", flat=True))
    formulas = [i for i in huyen.indicators.all() if i.formula]
    assert {i.key for i in formulas} == {"plan_completion_rate", "sncl_autonomy_units"}
    for indicator in formulas:
        assert expression_names(indicator.formula) <= keys, indicator.key
    for indicator in huyen.indicators.exclude(consolidation_weight=""):
        assert indicator.consolidation_weight in keys, indicator.key
    for rule in huyen.rules.all():
        assert expression_names(rule.expression) <= keys, rule.expression
        assert not SO.search(rule.message), rule.message


@pytest.mark.parametrize("other_code, count", [("so-nganh", 101), ("xa", 81)])
def test_shared_keys_mean_the_same_and_consolidate_alike(huyen, other_code, count):
    other = {i.key: i for i in ReportTemplate.objects.get(code=other_code).indicators.all()}
    shared = [i for i in huyen.indicators.all() if i.key in other]
    assert len(shared) == count
    for indicator in shared:
        theirs = other[indicator.key]
        assert (indicator.value_type, indicator.consolidation, indicator.period_consolidation) == (
            theirs.value_type,
            theirs.consolidation,
            theirs.period_consolidation,
        ), indicator.key
        assert indicator.consolidation_weight == theirs.consolidation_weight, indicator.key
        assert indicator.source == theirs.source, indicator.key
        assert indicator.formula == theirs.formula, indicator.key
        assert indicator.cumulative == theirs.cumulative, indicator.key
    # The dossier rows are mapped to the dossier register as so-nganh and xa map them.
    sources = dict(huyen.indicators.exclude(source="").values_list("key", "source"))
    assert sources["dossiers_received"] == "dossiers.received"
    assert sources["dossiers_returned"] == "dossiers.resolved"
    assert sources["dossiers_on_time_rate"] == "dossiers.on_time_rate"
    assert sources["dossiers_resolved_late"] == "dossiers.late"


def test_nothing_in_the_template_speaks_as_a_department(huyen):
    keys = set(huyen.indicators.values_list("key", flat=True))
    for indicator in huyen.indicators.all():
        assert not DEPARTMENT_WORDS.search(indicator.label), indicator.key
    for title in huyen.sections.values_list("title", flat=True):
        assert not DEPARTMENT_WORDS.search(title), title
    with_draft = [s for s in huyen.outline.all() if s.draft.strip()]
    assert len(with_draft) == 12
    for section in huyen.outline.all():
        assert not SO.search(section.title + section.draft), section.number
        unknown = {key for _, key in CONTEXT_NAMES.findall(section.draft)} - keys
        assert not unknown, f"{section.number}: {sorted(unknown)}"


def test_the_chooser_prefers_the_district_template_for_every_period(huyen):
    for kind in ("quarter", "half", "nine_months", "year"):
        assert [t.code for t in services.templates_for(UnitKind.DISTRICT, kind)] == ["huyen"]
    assert "huyen" not in [t.code for t in services.templates_for(UnitKind.DEPARTMENT, "year")]
    assert services.default_template(UnitKind.DISTRICT, "year") == huyen


def test_a_department_template_is_refused_to_a_district(template, district_reporter, province):
    with pytest.raises(services.WorkflowError, match="dùng cho Sở, ban, ngành;"):
        services.start_report(
            district_reporter, province["ST-HCT"], Period.objects.for_code("Q3-2022"), template
        )


def _type(user, report, values: dict[str, str]) -> None:
    for key, raw in values.items():
        services.save_value(user, report, key, raw)


def test_a_district_report_drafts_as_the_district(district_report):
    user, report = district_report
    _type(
        user,
        report,
        {
            "plan_tasks_total": "41",
            "plan_tasks_done": "33",
            "ppc_tasks_assigned": "15",
            "ppc_tasks_on_time": "13",
            "ppc_tasks_late": "1",
            "inspected_divisions": "4",
            "divisions": "12",
            "inspected_communes": "3",
            "communes": "8",
            "dossiers_received": "2150",
            "dossiers_returned": "2100",
            "dossiers_resolved_early": "1500",
            "dossiers_resolved_on_time": "590",
            "dossiers_resolved_late": "10",
            "commune_dossiers_received": "6400",
            "commune_dossiers_returned": "6380",
            "leaders_district": "3",
            "leaders_division": "24",
            "staff_quota": "96",
            "staff_present": "91",
            "commune_officials_quota": "168",
            "commune_officials_present": "160",
            "commune_officials_qualified": "152",
        },
    )
    texts = drafted(report)
    assert texts["1.1."].startswith(
        "Từ đầu năm đến nay, UBND huyện đã triển khai thực hiện 33/41 "
        "nhiệm vụ theo Kế hoạch cải cách hành chính năm 2022, đạt tỷ lệ 80,49%."
    )
    assert texts["1.2."] == (
        "Từ đầu năm đến nay, UBND tỉnh giao cho UBND huyện 15 nhiệm vụ, "
        "đã hoàn thành đúng hạn 13 nhiệm vụ, hoàn thành nhưng quá hạn 01 nhiệm vụ."
    )
    assert "tại 04/12 phòng chuyên môn và 03/08 UBND cấp xã." in texts["1.3."]
    assert (
        "Bộ phận Tiếp nhận và Trả kết quả của UBND huyện tiếp nhận 2.150 hồ sơ thủ tục hành "
        "chính; đã giải quyết 2.100 hồ sơ (1.500 trước hạn, 590 đúng hạn, 10 quá hạn)."
    ) in texts["3."]
    assert "UBND cấp xã trên địa bàn tiếp nhận 6.400 hồ sơ thủ tục hành chính" in texts["3."]
    assert "UBND huyện có 03 lãnh đạo UBND và 24 lãnh đạo cấp phòng và tương đương" in texts["4."]
    assert texts["5."].startswith(
        "UBND huyện được giao 96 biên chế công chức, hiện có 91 công chức"
    )
    assert "160/168 cán bộ, công chức cấp xã, trong đó 152 người đạt chuẩn" in texts["5."]
    for number, text in texts.items():
        assert not SO.search(text), f"{number}: {text}"
        assert not holes(text), f"{number}: {holes(text)}"


def test_a_town_speaks_by_its_short_name(district_report, province):
    user, report = district_report
    unit = province["ST-HCT"]
    unit.short_name = "UBND thị xã"
    unit.save()
    _type(user, report, {"staff_quota": "80", "staff_present": "78"})
    assert drafted(report)["5."].startswith("UBND thị xã được giao 80 biên chế công chức")


def test_the_docx_appendix_prints_district_labels(district_report):
    user, report = district_report
    _type(user, report, {"divisions": "12", "leaders_division": "24"})
    rendered = exporters()["docx"](report).render()
    document = Document(io.BytesIO(rendered.content))
    appendix = document.tables[-1]
    cells = [row.cells[1].text for row in appendix.rows]
    assert "Số phòng chuyên môn thuộc UBND cấp huyện" in cells
    assert "Số lãnh đạo cấp phòng và tương đương thuộc UBND cấp huyện" in cells
    assert "Kết quả giải quyết hồ sơ TTHC tại UBND cấp xã trên địa bàn" in cells
    for text in cells:
        assert not DEPARTMENT_WORDS.search(text), text
    body = "\n".join(p.text for p in document.paragraphs)
    assert "UBND HUYỆN CHÂU THÀNH" in body
    assert not SO.search(body), body


def test_any_mix_of_figures_drafts_without_holes_or_a_so(district_report, huyen):
    _, report = district_report
    indicators = list(huyen.indicators.all())
    numeric = [i for i in indicators if i.is_numeric and not i.is_derived]
    rng = random.Random(20261204)
    for trial in range(30):
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
                number_symbol=f"{n:02d}/KH-UBND",
                issued_on=datetime.date(2022, 1, n),
            )
            for n, i in enumerate(indicators, start=1)
            if n <= 28 and rng.random() < share / 2
        )
        for number, text in drafted(report).items():
            assert not holes(text), f"trial {trial}, {number}: {holes(text)} in {text!r}"
            assert not SO.search(text), f"trial {trial}, {number}: {text!r}"


def test_province_totals_meet_so_nganh_and_xa_by_key(make_report, huyen, province):
    xa = ReportTemplate.objects.get(code="xa")
    make_report("ST-STTTT", "Q3-2022", {"dossiers_received": "15", "staff_quota": "29"}, "approved")
    make_report(
        "ST-HCT",
        "Q3-2022",
        {
            "dossiers_received": "2150",
            "dossiers_returned": "2100",
            "staff_quota": "96",
            "commune_dossiers_received": "6400",
        },
        "approved",
        huyen,
    )
    make_report(
        "ST-HCT-XAH",
        "Q3-2022",
        {"dossiers_received": "830", "dossiers_returned": "830", "staff_quota": "22"},
        "approved",
        xa,
    )
    across = consolidate_all(province["ST"], "Q3-2022")
    assert sorted(u.code for u in across.counted) == ["ST-HCT", "ST-HCT-XAH", "ST-STTTT"]
    assert across.values["dossiers_received"] == Decimal(15 + 2150 + 830)
    assert across.values["staff_quota"] == Decimal(29 + 96 + 22)
    assert across.values["plan_tasks_total"] == 3 * Decimal(COMPLETE_VALUES["plan_tasks_total"])
    # A district's figure for its communes is its own key, never added to the communes' own.
    assert across.values["commune_dossiers_received"] == Decimal(6400)
    # The district template expects the districts; the department one no longer does.
    assert [p.unit.code for p in consolidate(province["ST"], "Q3-2022", "huyen").parts] == [
        "ST-HCT"
    ]
    assert "ST-HCT" not in [
        p.unit.code for p in consolidate(province["ST"], "Q3-2022", "so-nganh").parts
    ]


def test_a_database_loaded_before_has_its_department_templates_narrowed(huyen):
    """catalog 0007: so-nganh and so-nganh-nam v1 loaded when they listed districts."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "cchc.catalog.migrations.0007_department_templates_serve_departments"
    )
    loaded_before = ReportTemplate.objects.filter(code__in=["so-nganh", "so-nganh-nam"])
    loaded_before.update(unit_kinds=[UnitKind.DEPARTMENT, UnitKind.DISTRICT])
    # Then the annual department form would win a district's year.
    assert services.templates_for(UnitKind.DISTRICT, "year")[0].code == "so-nganh-nam"
    migration.narrow(apps, None)
    assert [t.unit_kinds for t in loaded_before] == [[UnitKind.DEPARTMENT]] * 2
    assert [t.code for t in services.templates_for(UnitKind.DISTRICT, "year")] == ["huyen"]
