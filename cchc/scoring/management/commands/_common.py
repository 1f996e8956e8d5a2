"""What the score and ranking commands share: finding the scheme, unit and period."""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from cchc.org.models import Unit
from cchc.periods.windows import PeriodCodeError, Window, parse_period
from cchc.scoring.engine import newest_scheme
from cchc.scoring.models import Scheme


def scheme_of(code: str) -> Scheme:
    scheme = newest_scheme(code)
    if scheme is None:
        raise CommandError(
            f"Không có bộ tiêu chí mã '{code}' (nạp bằng: cchc scheme builtin hoặc cchc scheme "
            "load FILE)."
        )
    return scheme


def unit_of(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(f"Không có đơn vị mã '{code}'.")
    return unit


def window_of(code: str, scheme: Scheme) -> Window:
    try:
        window = parse_period(code)
    except PeriodCodeError as exc:
        raise CommandError(str(exc)) from exc
    if window.kind not in scheme.period_kinds:
        raise CommandError(
            f"Bộ tiêu chí {scheme.code} chấm theo kỳ {', '.join(scheme.period_kinds)}, không "
            f"chấm kỳ {window.code}."
        )
    return window


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
