"""Dossiers made directly with their computed dates and verdict, for the scoring tests (the
import computes these; here they are what the test states)."""

import datetime

from django.utils import timezone

from cchc.registers.models import Channel, Dossier


def at(day: str, time: str = "08:00") -> datetime.datetime:
    naive = datetime.datetime.fromisoformat(f"{day}T{time}")
    return timezone.make_aware(naive, timezone.get_current_timezone())


def dossier(unit, code, received, due=None, result=None, verdict="", **fields) -> Dossier:
    return Dossier.objects.create(
        unit=unit,
        code=code,
        procedure_code=fields.pop("procedure_code", "P1"),
        channel=fields.pop("channel", Channel.DIRECT),
        received_at=at(*received) if isinstance(received, tuple) else at(received),
        start_on=datetime.date.fromisoformat(
            received if isinstance(received, str) else received[0]
        ),
        due_on=datetime.date.fromisoformat(due) if due else None,
        result_on=datetime.date.fromisoformat(result) if result else None,
        verdict=verdict,
        **fields,
    )
