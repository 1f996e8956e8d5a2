"""Filling the narrative from drafts: through save_narrative, so every change is audited."""

from __future__ import annotations

from django.db import transaction

from cchc.reports.drafting import draft_report
from cchc.reports.models import Report
from cchc.reports.services import save_narrative


@transaction.atomic
def fill_empty_sections(user, report: Report) -> int:
    """Write the draft into every outline section the user has not written yet; returns how
    many sections were filled. Sections with text are never touched."""
    written = {item.section_id for item in report.narrative.all() if item.text.strip()}
    drafts = draft_report(report)
    filled = 0
    for section in report.template.outline.all():
        if section.pk in drafts and section.pk not in written:
            save_narrative(user, report, section, drafts[section.pk])
            filled += 1
    return filled
