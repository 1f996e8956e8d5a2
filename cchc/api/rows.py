"""JSON rows turned into the import file an importer reads, so that the API takes the one
path the pages take: the importer's checks, messages, audit and all-or-nothing write."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from rest_framework import exceptions


def cell(value: Any) -> str:
    """A JSON value as an official's file would hold it: Có/Không, ISO 8601 dates as
    dd/mm/yyyy and date-times as dd/mm/yyyy HH:MM in local time; anything else as it is (the
    importer names the row and column of a bad one)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    text = str(value).strip()
    if not text[:4].isdigit() or "-" not in text[:5]:
        return text
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    if "T" not in text and " " not in text:
        return f"{moment:%d/%m/%Y}"
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment:%d/%m/%Y %H:%M}"


def rows_as_csv(
    headers: list[str],
    by_field: dict[str, str],
    rows: list[dict[str, Any]],
    field: str,
    unknown: Callable[[int, str], str],
) -> bytes:
    """The rows as a CSV with `headers`, each key a header or a field name (`by_field`). A key
    that is neither is refused, naming the row (`unknown(number, key)`), in the `field` of
    the request: silently dropping a column would lose its values."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    problems = []
    for number, row in enumerate(rows, start=1):
        named = {}
        for key, value in row.items():
            header = key if key in headers else by_field.get(key)
            if header is None:
                problems.append(unknown(number, key))
                continue
            named[header] = cell(value)
        writer.writerow([named.get(header, "") for header in headers])
    if problems:
        raise exceptions.ValidationError({field: problems[:50]})
    return out.getvalue().encode()
