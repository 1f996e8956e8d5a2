"""No invented figures: a register with no rows for the period gives no value (the report
row stays empty and required), staffing counts only snapshots within the declared
look-back, and a value that differs from its register figure needs a reason whether it was
typed before or after the register existed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cchc.periods.models import Period
from cchc.records.models import Post, StaffingSnapshot, TaskKind
from cchc.records.sources import STAFFING_LOOK_BACK_DAYS
from cchc.registers.catalogue import import_procedures
from cchc.registers.imports import import_dossiers
from cchc.registers.models import Dossier
from cchc.registers.sources import register_value
from cchc.reports import services
from cchc.reports.models import Source, Value
from cchc.reports.sheet import ReportSheet
from tests.conftest import COMPLETE_VALUES, PASSWORD
from tests.test_dossier_import import CATALOGUE, DOSSIERS
from tests.test_records import task

pytestmark = pytest.mark.django_db

D = datetime.date
Q3_2022 = (D(2022, 6, 15), D(2022, 9, 14))


def value(report, key) -> Value | None:
    return Value.objects.filter(report=report, indicator__key=key).first()


def keep_2022_registers(unit) -> None:
    """Tasks, posts and staffing of 2022 only."""
    for kind, deadline in [(TaskKind.PLAN, D(2022, 3, 31)), (TaskKind.PPC, D(2022, 6, 30))]:
        task(unit, deadline, completed=deadline, kind=kind)
    Post.objects.create(unit=unit, published_on=D(2022, 7, 8), channel="unit_site", title="Tin")
    StaffingSnapshot.objects.create(
        unit=unit, as_of=D(2022, 1, 7), category="civil_servants", quota=29, actual=27
    )


def test_registers_without_rows_for_the_period_give_no_value_and_required_rows_stay_required(
    province, reporter, template
):
    unit = province["ST-STTTT"]
    keep_2022_registers(unit)
    report = services.start_report(reporter, unit, Period.objects.for_code("Q1-2026"), template)

    for key in ["plan_tasks_total", "plan_tasks_done", "ppc_tasks_assigned"]:
        assert value(report, key) is None, key  # no task of the 2026 plan year
    assert value(report, "communication_unit_site_articles") is None  # no post in 2026
    assert value(report, "staff_quota") is None  # a 2022 snapshot says nothing of 2026
    assert value(report, "staff_present") is None
    messages = [issue.message for issue in ReportSheet(report).errors]
    for label in [
        "Số nhiệm vụ đề ra trong kế hoạch",
        "Số nhiệm vụ đã hoàn thành",
        "Tổng số nhiệm vụ được giao",
        "Tổng số biên chế được giao trong năm",
        "Tổng số biên chế có mặt tại thời điểm báo cáo",
    ]:
        assert any("Chưa nhập chỉ tiêu bắt buộc" in m and label in m for m in messages), label
    with pytest.raises(services.WorkflowError, match="Chưa nhập chỉ tiêu bắt buộc"):
        services.submit_report(reporter, report)

    # The same registers give 2022's report its figures.
    q3 = services.start_report(reporter, unit, Period.objects.for_code("Q3-2022"), template)
    assert value(q3, "plan_tasks_total").number == 1
    assert value(q3, "ppc_tasks_late").number == 0  # a status among existing tasks: a figure
    assert value(q3, "staff_quota").number == 29


def test_a_count_of_one_kind_needs_a_row_of_that_kind(province):
    unit = province["ST-STTTT"]
    Post.objects.create(unit=unit, published_on=D(2022, 7, 8), channel="unit_site", title="Tin")
    assert register_value("posts.unit_site_ytd", unit, *Q3_2022) == 1
    assert register_value("posts.province_page_ytd", unit, *Q3_2022) is None
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    assert register_value("procedures.total", unit, *Q3_2022) == 2
    assert register_value("procedures.postal", unit, *Q3_2022) is None  # none offers BCCI
    online_only = DOSSIERS.replace("Bưu chính", "Trực tiếp")
    import_dossiers(online_only.encode(), "hs.csv", unit)
    assert register_value("dossiers.received", unit, *Q3_2022) == 5
    assert register_value("dossiers.received_postal", unit, *Q3_2022) is None
    assert register_value("procedures.postal_received", unit, *Q3_2022) is None


def test_staffing_counts_only_snapshots_within_the_look_back(province):
    unit = province["ST-STTTT"]
    end = Q3_2022[1]
    assert STAFFING_LOOK_BACK_DAYS == 366
    oldest = end - datetime.timedelta(days=STAFFING_LOOK_BACK_DAYS)
    StaffingSnapshot.objects.create(unit=unit, as_of=oldest, category="contract", actual=4)
    StaffingSnapshot.objects.create(
        unit=unit, as_of=oldest - datetime.timedelta(days=1), category="public_employees", actual=9
    )
    StaffingSnapshot.objects.create(
        unit=unit, as_of=end + datetime.timedelta(days=1), category="civil_servants", actual=30
    )
    assert register_value("staffing.contract_actual", unit, *Q3_2022) == 4  # on the edge
    assert register_value("staffing.public_employees_actual", unit, *Q3_2022) is None
    assert register_value("staffing.civil_servants_actual", unit, *Q3_2022) is None  # after
    # A 2026 report does not reuse them.
    q1_2026 = (D(2025, 12, 15), D(2026, 3, 14))
    assert register_value("staffing.contract_actual", unit, *q1_2026) is None


@pytest.fixture
def typed_before_registers(report, reporter):
    """dossiers_received typed by hand (6) before the unit kept a dossier register, which
    then gives 5 for the period; dossiers_returned typed equal to the register's 3. The
    other required rows are filled, so only the override stands in the way of submitting."""
    for key, raw in COMPLETE_VALUES.items():
        if not key.startswith("dossiers_"):
            services.save_value(reporter, report, key, raw)
    services.save_value(reporter, report, "dossiers_received", "6")
    services.save_value(reporter, report, "dossiers_returned", "3")
    unit = report.unit
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    services.prefill_from_registers(reporter, report)
    return report


def test_a_value_typed_before_the_register_needs_a_reason_once_they_differ(
    typed_before_registers, reporter, client
):
    report = typed_before_registers
    kept = value(report, "dossiers_received")
    assert (kept.number, kept.register_number, kept.source) == (6, 5, Source.MANUAL)
    errors = [issue for issue in ReportSheet(report).errors if "dossiers_received" in issue.keys]
    assert len(errors) == 1 and "khác số liệu sổ theo dõi (5)" in errors[0].message
    with pytest.raises(services.WorkflowError, match=r"khác số liệu sổ theo dõi \(5\)"):
        services.submit_report(reporter, report)
    client.login(username=reporter.username, password=PASSWORD)
    page = client.get(reverse("report", args=[report.pk])).content.decode()
    assert 'id="src-dossiers_received">Khác sổ theo dõi (5): cần ghi lý do' in page

    services.save_value(
        reporter, report, "dossiers_received", "6", reason="01 hồ sơ giấy chưa vào một cửa"
    )
    assert not [i for i in ReportSheet(report).errors if "dossiers_received" in i.keys]
    page = client.get(reverse("report", args=[report.pk])).content.decode()
    assert "Đã sửa; sổ theo dõi: 5" in page


def test_a_value_equal_to_the_register_figure_is_the_registers(typed_before_registers, client):
    report = typed_before_registers
    equal = value(report, "dossiers_returned")
    assert (equal.number, equal.register_number) == (3, 3)
    assert equal.source == Source.REGISTER and equal.override_reason == ""
    assert not [i for i in ReportSheet(report).errors if "dossiers_returned" in i.keys]
    client.login(username="reporter", password=PASSWORD)
    page = client.get(reverse("report", args=[report.pk])).content.decode()
    assert 'id="src-dossiers_returned">Từ sổ theo dõi' in page


def test_making_the_value_equal_clears_the_override(typed_before_registers, reporter):
    report = typed_before_registers
    services.save_value(reporter, report, "dossiers_received", "5")
    back = value(report, "dossiers_received")
    assert back.source == Source.REGISTER and back.override_reason == ""
    assert not [i for i in ReportSheet(report).errors if "dossiers_received" in i.keys]


def test_a_figure_whose_register_rows_are_gone_is_cleared_on_refill(province, reporter, report):
    unit = report.unit
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    services.prefill_from_registers(reporter, report)
    assert value(report, "dossiers_received").number == 5
    Dossier.objects.filter(unit=unit).delete()
    services.prefill_from_registers(reporter, report)
    cleared = value(report, "dossiers_received")
    assert cleared.content is None and cleared.register_number is None
    assert report.audit_entries.filter(
        action="value.value", summary__contains="5 → (trống)"
    ).exists()
    assert Decimal(0) not in [
        v.number
        for v in Value.objects.filter(report=report, indicator__source__startswith="dossiers.")
    ]
