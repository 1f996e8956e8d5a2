"""Changes to the dossier register that are not a file import: the apology letter of an
overdue dossier, and recomputing deadlines after the cut-off hour or the calendar changed."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import numpy
import pandas
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cchc.audit.services import log_action
from cchc.org.models import Unit
from cchc.periods.models import workday_table
from cchc.registers.classify import classify
from cchc.registers.imports import procedure_times
from cchc.registers.models import Dossier

RECLASSIFY_CHUNK = 20_000


def cut_off_minutes() -> int:
    """The cut-off hour in force (CCHC_DOSSIER_CUTOFF), in minutes after midnight."""
    return int(settings.CCHC_DOSSIER_CUTOFF)


def cut_off_label(minutes: int | None = None) -> str:
    minutes = cut_off_minutes() if minutes is None else minutes
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@transaction.atomic
def record_apology(
    user,
    dossier: Dossier,
    number: str,
    apology_on: datetime.date | None,
    new_due_on: datetime.date | None,
) -> None:
    """Record (or clear, with an empty number) the apology letter (Mẫu 04, QĐ 766) sent for
    an overdue dossier; the form has checked the dates."""
    before = {
        "apology_number": dossier.apology_number,
        "apology_on": dossier.apology_on.isoformat() if dossier.apology_on else None,
        "new_due_on": dossier.new_due_on.isoformat() if dossier.new_due_on else None,
    }
    dossier.apology_number = number
    dossier.apology_on = apology_on
    dossier.new_due_on = new_due_on
    dossier.save(update_fields=["apology_number", "apology_on", "new_due_on"])
    after = {
        "apology_number": number,
        "apology_on": apology_on.isoformat() if apology_on else None,
        "new_due_on": new_due_on.isoformat() if new_due_on else None,
    }
    summary = (
        f"Văn bản xin lỗi số {number} ngày {apology_on:%d/%m/%Y} cho hồ sơ {dossier.code}, "
        f"hẹn trả lại ngày {new_due_on:%d/%m/%Y}"
        if number and apology_on and new_due_on
        else f"Xóa văn bản xin lỗi của hồ sơ {dossier.code}"
    )
    log_action(
        user,
        "dossier.apology",
        summary,
        data={"unit": dossier.unit.code, "dossier": dossier.code, "before": before, "after": after},
        obj=dossier,
    )


def _stored_rows(units: list[Unit]) -> Iterator[tuple[Unit, pandas.DataFrame]]:
    """The stored dossiers of `units`, unit by unit in chunks, as the columns classify()
    reads."""
    zone = timezone.get_current_timezone()
    fields = [
        "pk",
        "unit_id",
        "procedure_code",
        "received_at",
        "supplement_count",
        "supplement_requested_at",
        "supplement_completed_at",
        "result_on",
        "promised_on",
        "start_on",
        "due_on",
        "verdict",
        "promised_differs",
    ]
    for unit in units:
        last = 0
        while True:
            rows = list(
                Dossier.objects.filter(unit=unit, pk__gt=last)
                .order_by("pk")
                .values_list(*fields)[:RECLASSIFY_CHUNK]
            )
            if not rows:
                break
            last = rows[-1][0]
            frame = pandas.DataFrame(rows, columns=fields)
            for name in ("received_at", "supplement_requested_at", "supplement_completed_at"):
                # classify() reads the local wall-clock time (the cut-off is local).
                frame[name] = (
                    pandas.to_datetime(frame[name], utc=True)
                    .dt.tz_convert(zone)
                    .dt.tz_localize(None)
                )
            for name in ("result_on", "promised_on", "start_on", "due_on"):
                frame[name] = pandas.to_datetime(frame[name])
            yield unit, frame


def reclassify(units: list[Unit], cut_off: int | None = None) -> tuple[int, int]:
    """Recompute start day, due date and verdict of the stored dossiers of `units` with the
    cut-off hour and calendar now in force; returns (dossiers checked, dossiers changed)."""
    cut_off = cut_off_minutes() if cut_off is None else cut_off
    table = workday_table()
    checked = changed = 0
    for unit, frame in _stored_rows(units):
        days, calendar = procedure_times(unit, frame["procedure_code"])
        frame["processing_time"] = numpy.where(days >= 0, days, numpy.nan)
        frame["calendar_days"] = calendar
        computed = classify(frame, table, cut_off)
        differs = (
            (computed["start_on"] != frame["start_on"])
            | ~(
                (computed["due_on"] == frame["due_on"])
                | (computed["due_on"].isna() & frame["due_on"].isna())
            )
            | (computed["verdict"] != frame["verdict"])
            | (computed["promised_differs"] != frame["promised_differs"])
        )
        checked += len(frame)
        if not differs.any():
            continue
        rows = [
            Dossier(
                pk=int(pk),
                start_on=start.date(),
                due_on=None if pandas.isna(due) else due.date(),
                verdict=verdict,
                promised_differs=bool(flag),
            )
            for pk, start, due, verdict, flag in zip(
                frame["pk"][differs],
                computed["start_on"][differs],
                computed["due_on"][differs],
                computed["verdict"][differs],
                computed["promised_differs"][differs],
                strict=True,
            )
        ]
        with transaction.atomic():
            Dossier.objects.bulk_update(
                rows, ["start_on", "due_on", "verdict", "promised_differs"], batch_size=2000
            )
        changed += len(rows)
    if changed:
        log_action(
            None,
            "dossier.reclassify",
            f"Tính lại hạn giải quyết {changed} hồ sơ "
            f"(giờ chốt tiếp nhận {cut_off_label(cut_off)})",
            data={"units": [unit.code for unit in units], "checked": checked, "changed": changed},
        )
    return checked, changed
