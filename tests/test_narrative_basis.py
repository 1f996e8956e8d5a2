"""Narrative that cannot go stale: a drafted section remembers its figures; a changed figure
flags it (page, checks, submission refused) until it is redrafted or confirmed; a figure with
an error-level issue cannot be drafted from."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cchc.audit.models import AuditEntry
from cchc.reports import services
from cchc.reports.drafts import fill_empty_sections
from cchc.reports.models import NarrativeText, Status
from cchc.reports.sheet import ReportSheet
from tests.conftest import PASSWORD

PLAN = "1.1.1."


@pytest.fixture
def plan_section(complete_report):
    return complete_report.template.outline.get(number=PLAN)


@pytest.fixture
def logged_in(client, reporter):
    assert client.login(username=reporter.username, password=PASSWORD)
    return client


def plan_text(report) -> NarrativeText:
    return NarrativeText.objects.get(report=report, section__number=PLAN)


def test_fill_drafts_remembers_the_figures(complete_report, reporter):
    filled, skipped = fill_empty_sections(reporter, complete_report)
    assert filled > 0 and skipped == []
    item = plan_text(complete_report)
    assert "40/46 nhiệm vụ" in item.text
    assert item.basis == {
        "plan_tasks_done": "40",
        "plan_tasks_total": "46",
        "plan_completion_rate": "86,96",
    }
    assert ReportSheet(complete_report).stale == []


def test_changed_figure_flags_the_section_until_confirmed(
    complete_report, reporter, approver, plan_section, logged_in
):
    report = complete_report
    fill_empty_sections(reporter, report)
    services.submit_report(reporter, report)  # nothing stale yet: it submits
    services.return_report(approver, report, "Sửa số nhiệm vụ đã triển khai")

    # The autosave's answer (the checks) names the section and the figure, before → now.
    response = logged_in.post(
        reverse("save_value", args=[report.pk]),
        json.dumps({"key": "plan_tasks_done", "value": "30"}),
        content_type="application/json",
    )
    stale = [i for i in response.json()["issues"] if PLAN in i["message"]]
    assert len(stale) == 1
    assert stale[0]["severity"] == "warning"
    assert "40 → 30" in stale[0]["message"]
    assert "86,96 → 65,22" in stale[0]["message"]

    page = logged_in.get(reverse("report", args=[report.pk])).content.decode()
    assert f'id="stale-{plan_section.pk}"' in page
    assert "Xác nhận nội dung vẫn đúng" in page

    with pytest.raises(services.WorkflowError, match=r"1\.1\.1\..*40 → 30"):
        services.submit_report(reporter, report)
    report.refresh_from_db()
    assert report.status == Status.RETURNED

    response = logged_in.post(reverse("confirm_narrative", args=[report.pk, plan_section.pk]))
    assert response.status_code == 302
    assert plan_text(report).basis["plan_tasks_done"] == "30"
    entry = AuditEntry.objects.get(report=report, action="narrative.confirm")
    assert "40 → 30" in entry.summary
    assert ReportSheet(report).stale == []
    page = logged_in.get(reverse("report", args=[report.pk])).content.decode()
    assert f'id="stale-{plan_section.pk}"' not in page
    services.submit_report(reporter, report)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_redrafting_clears_the_flag(complete_report, reporter, plan_section, logged_in):
    report = complete_report
    fill_empty_sections(reporter, report)
    services.save_value(reporter, report, "plan_tasks_done", "30")
    assert len(ReportSheet(report).stale) == 1

    drafted = logged_in.get(reverse("section_draft", args=[report.pk, plan_section.pk])).json()
    assert "30/46 nhiệm vụ" in drafted["text"]
    url = reverse("save_narrative", args=[report.pk, plan_section.pk])
    # A basis not signed by the server for this section is refused.
    forged = logged_in.post(
        url, json.dumps({"text": "x", "basis": "forged"}), content_type="application/json"
    )
    assert forged.status_code == 400
    assert plan_text(report).basis["plan_tasks_done"] == "40"

    saved = logged_in.post(
        url,
        json.dumps({"text": drafted["text"], "basis": drafted["basis"]}),
        content_type="application/json",
    )
    assert saved.status_code == 200
    assert not [i for i in saved.json()["issues"] if PLAN in i["message"]]
    item = plan_text(report)
    assert item.text == drafted["text"] and item.basis["plan_tasks_done"] == "30"
    # Editing the drafted text by hand keeps its basis: it is still drafted from 30/46.
    logged_in.post(url, json.dumps({"text": item.text + " Thêm."}), content_type="application/json")
    assert plan_text(report).basis["plan_tasks_done"] == "30"
    assert ReportSheet(report).stale == []


def test_hand_written_text_is_never_stale(complete_report, reporter, plan_section):
    services.save_narrative(reporter, complete_report, plan_section, "Viết tay.")
    services.save_value(reporter, complete_report, "plan_tasks_done", "30")
    assert ReportSheet(complete_report).stale == []
    with pytest.raises(services.WorkflowError, match="không được soạn từ số liệu"):
        services.confirm_narrative(reporter, complete_report, plan_section)
    assert plan_text(complete_report).basis == {}


def test_error_level_rule_blocks_drafting(complete_report, reporter, plan_section, logged_in):
    report = complete_report
    services.save_value(reporter, report, "plan_tasks_done", "50")  # 50 of 46 tasks
    response = logged_in.get(reverse("section_draft", args=[report.pk, plan_section.pk]))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error.startswith(f"Chưa soạn được mục {PLAN}")
    rule = report.template.rules.get(expression="plan_tasks_done <= plan_tasks_total")
    assert rule.message in error

    page = logged_in.post(reverse("fill_drafts", args=[report.pk]), follow=True)
    shown = page.content.decode()
    assert f"Chưa soạn được mục {PLAN}" in shown
    assert not NarrativeText.objects.filter(report=report, section=plan_section).exists()
    # Sections whose figures are sound are still drafted.
    assert NarrativeText.objects.filter(report=report).exclude(text="").exists()


def test_missing_figure_does_not_block_drafting(report, reporter):
    """A required figure not yet entered is not a wrong figure: the sentence leaves it out."""
    filled, skipped = fill_empty_sections(reporter, report)
    assert skipped == []
