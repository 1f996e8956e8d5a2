"""Draft → submitted → approved; returned with a reason; deadlines; locking; audit."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from cchc.audit.models import AuditEntry
from cchc.audit.services import coalesced
from cchc.catalog.values import InvalidValue
from cchc.reports import services
from cchc.reports.models import Evidence, Report, Source, Status, Value

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def stored(report, key):
    return Value.objects.get(report=report, indicator__key=key)


def test_save_value_reads_vietnamese_numbers_and_stores_derived(report, reporter):
    services.save_value(reporter, report, "plan_tasks_total", "46")
    sheet = services.save_value(reporter, report, "plan_tasks_done", "40")
    assert sheet.derived["plan_completion_rate"] == Decimal("86.96")
    assert sheet.derived_display()["plan_completion_rate"] == "86,96"
    derived = stored(report, "plan_completion_rate")
    assert derived.number == Decimal("86.96") and derived.source == Source.FORMULA
    services.save_value(reporter, report, "docs_outgoing_total", "1.714")
    assert stored(report, "docs_outgoing_total").number == 1714


def test_bad_value_is_refused_with_message_naming_indicator_and_nothing_stored(report, reporter):
    with pytest.raises(InvalidValue) as error:
        services.save_value(reporter, report, "plan_tasks_total", "bốn mươi")
    assert "Số nhiệm vụ đề ra trong kế hoạch" in str(error.value)
    assert "mục I.1" in str(error.value)
    assert not Value.objects.filter(report=report, indicator__key="plan_tasks_total").exists()
    with pytest.raises(services.WorkflowError, match="tính tự động"):
        services.save_value(reporter, report, "plan_completion_rate", "90")


def test_rule_violation_is_reported_with_its_message(report, reporter):
    services.save_value(reporter, report, "plan_tasks_total", "10")
    sheet = services.save_value(reporter, report, "plan_tasks_done", "12")
    messages = [issue.message for issue in sheet.errors]
    assert any("không được lớn hơn" in m or "vượt" in m for m in messages), messages
    assert any("120" in m and "0 đến 100" in m for m in messages), messages


def test_submit_refused_while_errors_remain(report, reporter):
    with pytest.raises(services.WorkflowError, match="Chưa nhập chỉ tiêu bắt buộc"):
        services.submit_report(reporter, report)
    report.refresh_from_db()
    assert report.status == Status.DRAFT and report.submitted_at is None


def test_submit_on_time_approve_locks(complete_report, reporter, approver):
    with time_machine.travel(datetime.datetime(2022, 9, 16, 16, 55, tzinfo=TZ), tick=False):
        report = services.submit_report(reporter, complete_report)
    assert report.status == Status.SUBMITTED
    assert report.deadline == datetime.date(2022, 9, 16)
    assert report.is_late is False and report.timeliness_label == "đúng hạn"
    with pytest.raises(PermissionDenied):
        services.save_value(reporter, report, "plan_tasks_total", "47")
    report = services.approve_report(approver, report)
    assert report.status == Status.APPROVED and report.approved_by == approver
    with pytest.raises(PermissionDenied):
        services.save_value(reporter, report, "plan_tasks_total", "47")
    assert stored(report, "plan_tasks_total").number == 46


def test_submission_after_deadline_is_late(complete_report, reporter):
    # 14/09/2022 cut-off + 2 working days = Friday 16/09; Monday 19/09 is late.
    with time_machine.travel(datetime.datetime(2022, 9, 19, 8, 0, tzinfo=TZ), tick=False):
        report = services.submit_report(reporter, complete_report)
    assert report.is_late is True and report.timeliness_label == "trễ hạn"
    entry = AuditEntry.objects.get(report=report, action="report.submit")
    assert entry.data["late"] is True and "trễ hạn" in entry.summary


def test_return_requires_reason_and_reopens_for_editing(complete_report, reporter, consolidator):
    report = services.submit_report(reporter, complete_report)
    with pytest.raises(services.WorkflowError, match="lý do"):
        services.return_report(consolidator, report, "   ")
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    report = services.return_report(consolidator, report, "Số liệu biên chế chưa khớp")
    assert report.status == Status.RETURNED and report.return_reason == "Số liệu biên chế chưa khớp"
    services.save_value(reporter, report, "staff_present", "28")
    assert stored(report, "staff_present").number == 28
    assert services.submit_report(reporter, report).status == Status.SUBMITTED


def test_reopen_approved_is_audited_with_reason(complete_report, reporter, approver):
    report = services.approve_report(approver, services.submit_report(reporter, complete_report))
    with pytest.raises(services.WorkflowError):
        services.return_report(approver, report, "sửa")
    with pytest.raises(services.WorkflowError, match="lý do"):
        services.reopen_report(approver, report, "")
    report = services.reopen_report(approver, report, "Bổ sung minh chứng kế hoạch")
    assert report.status == Status.RETURNED and report.approved_at is None
    entry = AuditEntry.objects.get(report=report, action="report.reopen")
    assert entry.user == approver and entry.data["reason"] == "Bổ sung minh chứng kế hoạch"
    assert entry.data["before"] == Status.APPROVED


def test_wrong_people_cannot_take_steps(
    complete_report, reporter, other_reporter, approver, consolidator
):
    with pytest.raises(PermissionDenied):
        services.submit_report(other_reporter, complete_report)
    with pytest.raises(PermissionDenied):
        services.submit_report(approver, complete_report)
    report = services.submit_report(reporter, complete_report)
    with pytest.raises(PermissionDenied):
        services.approve_report(reporter, report)
    with pytest.raises(PermissionDenied):
        services.approve_report(consolidator, report)
    with pytest.raises(PermissionDenied):
        services.return_report(other_reporter, report, "x")


def test_every_change_is_audited_before_and_after(report, reporter):
    services.save_value(reporter, report, "plan_tasks_total", "46")
    services.save_value(reporter, report, "plan_tasks_total", "45")
    services.save_value(reporter, report, "plan_tasks_total", None, note="Kế hoạch số 02")
    entries = AuditEntry.objects.filter(report=report, action="value.value").order_by("pk")
    # Every autosave is its own stored row; the trail shows them as one line (see
    # test_audit_trail.py): first before, last after.
    assert [(e.data["before"], e.data["after"]) for e in entries] == [("", "46"), ("46", "45")]
    (line,) = coalesced(entries)
    assert line.user == reporter and line.before == "" and line.after == "45"
    assert "Số nhiệm vụ đề ra trong kế hoạch" in line.summary
    note = AuditEntry.objects.get(report=report, action="value.note")
    assert note.data["after"] == "Kế hoạch số 02"


def test_edits_separated_by_other_changes_are_separate_entries(report, reporter):
    services.save_value(reporter, report, "plan_tasks_total", "46")
    services.save_value(reporter, report, "plan_tasks_done", "40")
    services.save_value(reporter, report, "plan_tasks_total", "47")
    entries = AuditEntry.objects.filter(report=report, action="value.value").order_by("pk")
    afters = [entry.data["after"] for entry in entries]
    assert afters == ["46", "40", "47"]


def test_evidence_from_citation_fills_issuer_from_symbol(report, reporter, province):
    fields = services.evidence_from_citation(
        "Kế hoạch số 02/KH-STTTT ngày 27/01/2022 về việc thực hiện cải cách hành chính năm 2022",
        report,
    )
    assert fields == {
        "doc_type": "Kế hoạch",
        "number_symbol": "02/KH-STTTT",
        "issued_on": datetime.date(2022, 1, 27),
        "issuer": "Sở Thông tin và Truyền thông",
        "summary": "thực hiện cải cách hành chính năm 2022",
    }
    evidence = services.add_evidence(reporter, report, "plan_completion_rate", fields)
    assert Evidence.objects.get(pk=evidence.pk).indicator.key == "plan_completion_rate"
    assert str(evidence).startswith("Kế hoạch số 02/KH-STTTT ngày 27/01/2022")
    assert AuditEntry.objects.filter(report=report, action="evidence.add").exists()


def test_narrative_saved_and_audited(report, reporter, template):
    section = template.outline.get(number="1.1.1.")
    services.save_narrative(reporter, report, section, "Sở đã triển khai 40/46 nhiệm vụ.")
    assert report.narrative.get(section=section).text == "Sở đã triển khai 40/46 nhiệm vụ."
    assert AuditEntry.objects.filter(report=report, action="narrative.edit").count() == 1


def test_previous_period_values_shown(report, reporter, province, period, template):
    services.save_value(reporter, report, "plan_tasks_total", "46")
    from cchc.periods.models import Period
    from cchc.reports.sheet import ReportSheet

    q4 = services.start_report(reporter, province["ST-STTTT"], Period.objects.for_code("Q4-2022"))
    rows = {row.indicator.key: row for _, rows in ReportSheet(q4).rows() for row in rows}
    assert rows["plan_tasks_total"].previous_display == "46"
    assert Report.objects.filter(unit=province["ST-STTTT"]).count() == 2


def test_report_keeps_its_template_version(report, template):
    template.is_active = False
    template.save(update_fields=["is_active"])
    report.refresh_from_db()
    assert report.template_id == template.pk and report.template.version == 1
