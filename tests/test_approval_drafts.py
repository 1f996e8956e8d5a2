"""An approved report prints what its approver approved: the sections nobody saved are drafted
at approval, shown on the approval page first, stored as the report's text (audited, marked as
drafted by the system) and never drafted anew at export; drafts keep drafting live."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.audit.models import AuditEntry
from cchc.reports import services
from cchc.reports.drafting import drafts_version, section_texts, unsaved_drafts
from cchc.reports.models import NarrativeText, Status
from tests.conftest import PASSWORD


@pytest.fixture
def submitted(complete_report, reporter):
    return services.submit_report(reporter, complete_report)


def _plan_section(report):
    return next(
        section
        for section in report.template.outline.all()
        if "plan_completion_rate" in section.draft and section.draft.strip()
    )


def test_approval_stores_every_unsaved_draft_audited_and_marked(submitted, reporter, approver):
    written = _plan_section(submitted)
    # The unit's own text for one section is kept as written.
    NarrativeText.objects.create(report=submitted, section=written, text="Lời của đơn vị.")
    drafts = unsaved_drafts(submitted)
    assert drafts, "the complete report drafts something"
    assert written.pk not in {section.pk for section, _, _ in drafts}

    report = services.approve_report(approver, submitted, drafts_seen=drafts_version(drafts))

    assert report.status == Status.APPROVED
    stored = {item.section_id: item for item in report.narrative.all()}
    for section, text, basis in drafts:
        assert stored[section.pk].text == text
        assert stored[section.pk].basis == basis
        assert stored[section.pk].drafted_at_approval
    assert (
        stored[written.pk].text == "Lời của đơn vị." and not stored[written.pk].drafted_at_approval
    )
    entries = AuditEntry.objects.filter(report=report, action="narrative.approval_draft")
    assert entries.count() == len(drafts)
    assert all(entry.user == approver for entry in entries)
    assert all("khi phê duyệt" in entry.summary for entry in entries)


def test_an_approved_report_never_drafts_anew(submitted, approver):
    report = services.approve_report(approver, submitted)
    approved_texts = section_texts(report)
    section, text, _ = _stored(report)[0]
    # The template's wording changes after approval: the approved document keeps its text.
    section.draft = "Câu soạn mới {{ v.plan_tasks_total }}."
    section.save(update_fields=["draft"])
    # A section left empty at approval that would now draft something stays empty.
    empty = report.template.outline.exclude(pk__in=approved_texts).first()
    assert empty is not None
    empty.draft = "Mục trống nay có câu soạn {{ v.plan_tasks_total }}."
    empty.save(update_fields=["draft"])
    report.refresh_from_db()
    assert section_texts(report) == approved_texts
    assert section_texts(report)[section.pk] == text


def _stored(report):
    return [
        (item.section, item.text, item.basis)
        for item in report.narrative.select_related("section")
        if item.drafted_at_approval
    ]


def test_a_draft_keeps_drafting_live(complete_report):
    section = _plan_section(complete_report)
    assert "86,96%" in section_texts(complete_report)[section.pk]
    section.draft = "Câu soạn mới {{ v.plan_tasks_total }}."
    section.save(update_fields=["draft"])
    assert section_texts(complete_report)[section.pk] == "Câu soạn mới 46."
    assert not complete_report.narrative.exists()


def test_drafts_changed_since_they_were_read_refuse_approval(submitted, approver):
    seen = drafts_version(unsaved_drafts(submitted))
    section = _plan_section(submitted)
    section.draft = "Câu khác {{ v.plan_tasks_total }}."
    section.save(update_fields=["draft"])
    with pytest.raises(services.WorkflowError, match="đã thay đổi từ khi bạn xem"):
        services.approve_report(approver, submitted, drafts_seen=seen)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not submitted.narrative.exists()


def test_reopening_drafts_the_systems_sections_live_again(submitted, approver, reporter):
    report = services.approve_report(approver, submitted)
    section = _plan_section(report)
    kept = report.narrative.filter(drafted_at_approval=True).exclude(section=section).first()
    services.reopen_report(approver, report, "Sửa số nhiệm vụ")
    report.refresh_from_db()
    assert not report.narrative.filter(drafted_at_approval=True).exists()
    entry = AuditEntry.objects.get(report=report, action="narrative.approval_draft_release")
    assert section.number in entry.summary and entry.user == approver
    # The figure changes; its section is drafted from it, nothing stale blocks the resubmission.
    services.save_value(reporter, report, "plan_tasks_done", "46")
    assert "100%" in section_texts(report)[section.pk]
    services.save_narrative(reporter, report, kept.section, "Đơn vị viết lại.")
    report = services.approve_report(approver, services.submit_report(reporter, report))
    stored = {item.section_id: item for item in report.narrative.all()}
    assert "100%" in stored[section.pk].text and stored[section.pk].drafted_at_approval
    assert stored[kept.section_id].text == "Đơn vị viết lại."
    assert not stored[kept.section_id].drafted_at_approval


def test_editing_a_system_draft_clears_its_mark(submitted, approver, reporter):
    report = services.approve_report(approver, submitted)
    item = report.narrative.filter(drafted_at_approval=True).first()
    # Reopening releases the marked sections; made editable directly, save_narrative's rule
    # is tested on its own.
    report.status = Status.RETURNED
    report.save(update_fields=["status"])
    services.save_narrative(reporter, report, item.section, "Đơn vị viết lại.")
    item.refresh_from_db()
    assert item.text == "Đơn vị viết lại." and not item.drafted_at_approval


def test_approval_page_shows_the_drafts_then_stores_them(client, submitted, approver):
    drafts = unsaved_drafts(submitted)
    assert client.login(username=approver.username, password=PASSWORD)
    report_page = client.get(reverse("report", args=[submitted.pk])).content.decode()
    assert reverse("approval", args=[submitted.pk]) in report_page

    page = client.get(reverse("approval", args=[submitted.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for section, text, _ in drafts:
        assert f'id="approval-draft-{section.pk}"' in html
        assert text.splitlines()[0][:60] in html
        # The heading once, with its number once ("1.1.1. Về kế hoạch CCHC").
        assert f"<b>{section.number} {section.number} " not in html
        assert f"<b>{section.number} " in html
    assert "86,96%" in html
    assert f'name="drafts" value="{drafts_version(drafts)}"' in html

    response = client.post(
        reverse("workflow", args=[submitted.pk, "approve"]), {"drafts": drafts_version(drafts)}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    stored = {item.section_id: item.text for item in submitted.narrative.all()}
    assert stored == {section.pk: text for section, text, _ in drafts}
    shown = client.get(reverse("report", args=[submitted.pk])).content.decode()
    assert shown.count("system-drafted") == len(drafts)


def test_a_stale_fingerprint_from_the_page_approves_nothing(client, submitted, approver):
    assert client.login(username=approver.username, password=PASSWORD)
    response = client.post(
        reverse("workflow", args=[submitted.pk, "approve"]),
        {"drafts": "0000000000000000"},
        follow=True,
    )
    assert "đã thay đổi từ khi bạn xem" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.parametrize(
    "person, status", [("reporter", 403), ("other_reporter", 404), ("consolidator", 403)]
)
def test_only_the_approver_opens_the_approval_page(
    client, request, submitted, other_reporter, consolidator, person, status
):
    user = request.getfixturevalue(person)
    assert client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("approval", args=[submitted.pk])).status_code == status


def test_approval_page_of_a_report_not_submitted_leads_back(client, complete_report, approver):
    assert client.login(username=approver.username, password=PASSWORD)
    response = client.get(reverse("approval", args=[complete_report.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("report", args=[complete_report.pk])
