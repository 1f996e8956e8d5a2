"""Workflow steps taken out of order are refused, through the service and through the page,
and the stored report is left exactly as it was (status, dates, who approved)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cchc.audit.models import AuditEntry
from cchc.reports import services
from cchc.reports.models import Report, Status
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _state(report: Report) -> tuple:
    stored = Report.objects.get(pk=report.pk)
    return (stored.status, stored.submitted_at, stored.approved_at, stored.approved_by_id)


def _refused(client, user, report: Report, action: str, message: str) -> None:
    """The page refuses the step with the service's message; nothing changes."""
    before, entries = _state(report), AuditEntry.objects.count()
    assert client.login(username=user.username, password=PASSWORD)
    response = client.post(
        reverse("workflow", args=[report.pk, action]), {"reason": "Lý do"}, follow=True
    )
    assert response.status_code == 200
    assert message in [str(m) for m in response.context["messages"]]
    assert _state(report) == before
    assert AuditEntry.objects.count() == entries
    client.logout()


def test_approving_a_draft_is_refused(client, complete_report, approver):
    with pytest.raises(services.WorkflowError, match="Chỉ phê duyệt được báo cáo đã gửi"):
        services.approve_report(approver, complete_report)
    assert _state(complete_report)[0] == Status.DRAFT
    _refused(client, approver, complete_report, "approve", "Chỉ phê duyệt được báo cáo đã gửi.")


def test_approving_twice_is_refused(client, complete_report, reporter, approver):
    services.submit_report(reporter, complete_report)
    approved = services.approve_report(approver, complete_report)
    before = _state(approved)
    assert before[0] == Status.APPROVED
    with pytest.raises(services.WorkflowError):
        services.approve_report(approver, approved)
    assert _state(approved) == before
    _refused(client, approver, approved, "approve", "Chỉ phê duyệt được báo cáo đã gửi.")


def test_reopening_what_is_not_approved_is_refused(client, complete_report, reporter, approver):
    _refused(client, approver, complete_report, "reopen", "Chỉ mở khóa được báo cáo đã phê duyệt.")
    submitted = services.submit_report(reporter, complete_report)
    with pytest.raises(services.WorkflowError, match="Chỉ mở khóa được"):
        services.reopen_report(approver, submitted, "Sửa số liệu")
    assert _state(submitted)[0] == Status.SUBMITTED
    _refused(client, approver, submitted, "reopen", "Chỉ mở khóa được báo cáo đã phê duyệt.")


def test_returning_an_approved_report_is_refused(client, complete_report, reporter, approver):
    services.submit_report(reporter, complete_report)
    approved = services.approve_report(approver, complete_report)
    with pytest.raises(services.WorkflowError, match="Chỉ trả lại được báo cáo đã gửi"):
        services.return_report(approver, approved, "Sai số liệu")
    _refused(
        client,
        approver,
        approved,
        "return",
        "Chỉ trả lại được báo cáo đã gửi; báo cáo đã phê duyệt phải mở khóa.",
    )


def test_submitting_with_errors_is_refused(client, report, reporter):
    with pytest.raises(services.WorkflowError, match="Chưa nhập chỉ tiêu bắt buộc"):
        services.submit_report(reporter, report)
    before = _state(report)
    assert before[0] == Status.DRAFT and before[1] is None
    assert client.login(username=reporter.username, password=PASSWORD)
    response = client.post(reverse("workflow", args=[report.pk, "submit"]), follow=True)
    assert any("Chưa nhập chỉ tiêu bắt buộc" in str(m) for m in response.context["messages"])
    assert _state(report) == before


def test_submitting_twice_is_refused(complete_report, reporter):
    submitted = services.submit_report(reporter, complete_report)
    before = _state(submitted)
    with pytest.raises(PermissionDenied):  # a submitted report is no longer the reporter's
        services.submit_report(reporter, submitted)
    assert _state(submitted) == before
