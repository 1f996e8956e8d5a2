"""The built-in template of the UBND xã report (cchc/catalog/builtin/xa.yaml): it loads, is
meant for communes, shares its keys and their consolidation with so-nganh where the meaning is
the same, and drafts a commune's narrative, never a department's."""

from __future__ import annotations

import datetime
import random
import re

import pytest

from cchc.catalog.models import ReportTemplate
from cchc.documents.registry import exporters
from cchc.org.models import Role, RoleAssignment, UnitKind
from cchc.periods.models import Period
from cchc.reports import services
from cchc.reports.models import Evidence, Value
from tests.test_drafting import CONTEXT_NAMES, _random_content, drafted, holes

pytestmark = pytest.mark.django_db

SO = re.compile(r"\bSở\b")


@pytest.fixture
def xa(template) -> ReportTemplate:
    return ReportTemplate.objects.get(code="xa", version=1)


@pytest.fixture
def commune_report(xa, django_user_model, province):
    unit = province["ST-HCT-XAH"]
    unit.short_name = "UBND xã"
    unit.save()
    user = django_user_model.objects.create_user("xa_an_hiep", password="x")
    RoleAssignment.objects.create(user=user, unit=unit, role=Role.REPORTER)
    return user, services.start_report(user, unit, Period.objects.for_code("Y-2026"), xa)


def test_the_xa_template_loads_for_communes(xa):
    assert xa.unit_kinds == [UnitKind.COMMUNE]
    assert xa.indicators.count() == 83
    assert xa.rules.count() == 20
    sections = list(xa.sections.values_list("title", flat=True))
    assert sections == [
        "Công tác chỉ đạo, điều hành CCHC",
        "Cải cách thể chế",
        "Cải cách thủ tục hành chính",
        "Cải cách tổ chức bộ máy",
        "Xây dựng đội ngũ cán bộ, công chức cấp xã",
        "Cải cách tài chính công",
        "Xây dựng chính quyền số, chuyển đổi số",
    ]
    outline = [s.title for s in xa.outline.filter(level=1)]
    assert outline[1:] == [
        "Đánh giá chung",
        "Phương hướng, nhiệm vụ thời gian tới",
        "Kiến nghị, đề xuất",
    ]


def test_shared_keys_mean_the_same_and_consolidate_alike(xa, template):
    department = {i.key: i for i in template.indicators.all()}
    shared = [i for i in xa.indicators.all() if i.key in department]
    assert len(shared) == 67
    for indicator in shared:
        other = department[indicator.key]
        assert (indicator.value_type, indicator.consolidation, indicator.period_consolidation) == (
            other.value_type,
            other.consolidation,
            other.period_consolidation,
        ), indicator.key
        assert indicator.consolidation_weight == other.consolidation_weight, indicator.key
        assert indicator.source == other.source, indicator.key
        assert indicator.formula == other.formula, indicator.key
    # The register sources are the ones so-nganh uses, and then some of the dossier register.
    sources = set(xa.indicators.exclude(source="").values_list("source", flat=True))
    assert {"tasks.plan_total", "dossiers.received", "staffing.civil_servants_quota"} <= sources
    assert {"dossiers.early", "dossiers.late", "dossiers.apology_letters"} <= sources


def test_every_xa_draft_parses_and_names_only_its_indicators(xa):
    keys = set(xa.indicators.values_list("key", flat=True))
    with_draft = [s for s in xa.outline.all() if s.draft.strip()]
    assert len(with_draft) == 12
    for section in with_draft:
        assert not SO.search(section.draft), section.number
        unknown = {key for _, key in CONTEXT_NAMES.findall(section.draft)} - keys
        assert not unknown, f"{section.number}: {sorted(unknown)}"


def test_a_commune_report_drafts_as_a_commune(commune_report):
    user, report = commune_report
    for key, raw in {
        "plan_tasks_total": "22",
        "plan_tasks_done": "20",
        "ppc_tasks_assigned": "9",
        "ppc_tasks_on_time": "8",
        "ppc_tasks_late": "1",
        "dossiers_received": "1250",
        "dossiers_returned": "1240",
        "dossiers_resolved_early": "800",
        "dossiers_resolved_on_time": "430",
        "dossiers_resolved_late": "10",
        "dossiers_on_time_rate": "99,19",
        "staff_quota": "24",
        "staff_present": "23",
    }.items():
        services.save_value(user, report, key, raw)
    texts = drafted(report)
    assert texts["1.1."].startswith(
        "Trong năm, UBND xã đã triển khai thực hiện 20/22 nhiệm vụ theo Kế hoạch cải cách hành chính năm "
        "2026, đạt tỷ lệ 90,91%."
    )
    assert texts["1.2."] == (
        "Trong năm, UBND xã được giao 09 nhiệm vụ, đã hoàn thành đúng hạn 08 nhiệm vụ, hoàn "
        "thành nhưng quá hạn 01 nhiệm vụ."
    )
    assert "đã giải quyết 1.240 hồ sơ (800 trước hạn, 430 đúng hạn, 10 quá hạn)" in texts["3."]
    assert texts["5."].startswith("UBND xã được giao 24 biên chế, hiện có 23 cán bộ, công chức")
    for number, text in texts.items():
        assert not SO.search(text), f"{number}: {text}"


def test_a_commune_report_exports_to_docx(commune_report):
    _, report = commune_report
    rendered = exporters()["docx"](report).render()
    assert rendered.content[:2] == b"PK"


def test_any_mix_of_figures_drafts_without_holes_or_a_so(commune_report, xa):
    _, report = commune_report
    indicators = list(xa.indicators.all())
    numeric = [i for i in indicators if i.is_numeric and not i.is_derived]
    rng = random.Random(20261203)
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
                issued_on=datetime.date(2026, 1, n),
            )
            for n, i in enumerate(indicators, start=1)
            if n <= 28 and rng.random() < share / 2
        )
        for number, text in drafted(report).items():
            assert not holes(text), f"trial {trial}, {number}: {holes(text)} in {text!r}"
            assert not SO.search(text), f"trial {trial}, {number}: {text!r}"
