"""Every view that changes data answers 405 to GET and changes nothing; the form views
(start a report, add/edit/delete a register row, the column mapping) answer GET with their
form and refuse any other method."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.audit.models import AuditEntry
from cchc.catalog.models import OutlineSection
from cchc.records.models import Task
from cchc.registers.models import Dossier, Procedure
from cchc.reports.models import Evidence, NarrativeText, Report, Value
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _counts() -> tuple:
    return tuple(
        model.objects.count()
        for model in (AuditEntry, Report, Value, Evidence, NarrativeText, Procedure, Dossier, Task)
    )


def _post_only_urls(report: Report) -> list[str]:
    section_id = OutlineSection.objects.filter(template=report.template).first().pk
    urls = [
        reverse("save_value", args=[report.pk]),
        reverse("save_narrative", args=[report.pk, section_id]),
        reverse("add_evidence", args=[report.pk]),
        reverse("remove_evidence", args=[report.pk, 1]),
        reverse("update_header", args=[report.pk]),
        reverse("prefill", args=[report.pk]),
        reverse("fill_drafts", args=[report.pk]),
        reverse("upload_dossiers", args=["ST-STTTT"]),
        reverse("upload_procedures", args=["ST-STTTT"]),
        reverse("dossier_apology", args=["ST-STTTT", "H001"]),
        reverse("record_import", args=["ST-STTTT", "tasks"]),
        reverse("record_import", args=["ST-STTTT", "procedures"]),
        reverse("logout"),
    ]
    urls += [
        reverse("workflow", args=[report.pk, a]) for a in ("submit", "approve", "return", "reopen")
    ]
    return urls


def test_views_that_change_data_refuse_get(client, complete_report, reporter, approver):
    report = complete_report
    for user in (reporter, approver):
        assert client.login(username=user.username, password=PASSWORD)
        before = _counts()
        status = Report.objects.get(pk=report.pk).status
        for url in _post_only_urls(report):
            response = client.get(url)
            assert response.status_code == 405, url
            assert "POST" in response["Allow"], url
        assert _counts() == before
        assert Report.objects.get(pk=report.pk).status == status
        client.logout()


def test_form_views_refuse_other_methods(client, reporter, period):
    assert client.login(username=reporter.username, password=PASSWORD)
    before = _counts()
    for url in (
        reverse("unit_period", args=["ST-STTTT", period.code]),
        reverse("record_create", args=["ST-STTTT", "tasks"]),
    ):
        assert client.get(url).status_code == 200, url
        for method in (client.put, client.delete, client.patch):
            response = method(url)
            assert response.status_code == 405, (url, method)
            assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert _counts() == before
    assert not Report.objects.exists()
