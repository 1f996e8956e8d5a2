"""Filling the narrative from drafts: through save_narrative, so every change is audited."""

from __future__ import annotations

from django.db import transaction

from cchc.reports.drafting import DraftContext, DraftError, draft_checked
from cchc.reports.models import Report
from cchc.reports.services import save_narrative


@transaction.atomic
def fill_empty_sections(user, report: Report) -> tuple[int, list[str]]:
    """Write the draft into every outline section the user has not written yet; returns how
    many sections were filled and the refusals of those skipped because a figure they would
    print has an error. Sections with text are never touched."""
    written = {item.section_id for item in report.narrative.all() if item.text.strip()}
    context = DraftContext(report)
    filled, skipped = 0, []
    for section in report.template.outline.all():
        if section.pk in written or not section.draft.strip():
            continue
        try:
            text, basis = draft_checked(context, section)
        except DraftError as exc:
            skipped.append(str(exc))
            continue
        if text:
            save_narrative(user, report, section, text, basis=basis)
            filled += 1
    return filled, skipped
