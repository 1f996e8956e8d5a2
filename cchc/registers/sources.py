"""Register queries a template indicator can be filled from (`source:` in the template YAML),
registered in cchc.base.sources when the app starts (RegistersConfig.ready()).

Each source takes the unit and the period's window and returns a number, or None when the
register holds no rows for the period: the report row then stays empty (and required rows
must be typed), never a 0 nobody counted. Which indicator uses which source is template data,
so a province maps its own form without code changes.

What "no rows for the period" means here:
- dossiers: no dossier in play in the window (received in it, or carried over: received
  before and unfinished at its start). Their outcome (early, on time, late, overdue) is then
  counted among them, 0 included; a count of one channel (online, by post) gives a figure
  only when a dossier of that channel was received in the window;
- rates: no dossier in the rate's denominator (resolved, received, new);
- what the import files tell yes or no to (fee due, paid online, electronic result): no
  dossier counted whose file told; a dossier whose file did not tell is not counted;
- apology letters: no overdue dossier in the window;
- catalogue: no procedure in the unit's catalogue; a count of one kind (full online, BCCI)
  gives a figure only when the catalogue holds a procedure of that kind, except online
  payment: 0 when no procedure of a catalogue has it integrated."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, Q

from cchc.base import sources as registry
from cchc.base.sources import register_value as register_value
from cchc.org.models import Unit
from cchc.registers.figures import Rates, on_time_rate, progress_rate, rates
from cchc.registers.models import Dossier, OnlineLevel, Procedure
from cchc.registers.stats import grouped_stats, window_stats

Source = Callable[[Unit, datetime.date, datetime.date], Decimal | None]

# Figures of window_stats that count dossiers of one channel: no such dossier, no figure.
CHANNEL_KEYS = {"new_online", "new_direct", "new_postal"}


def _window_figures(unit: Unit, start: datetime.date, end: datetime.date) -> dict[str, int]:
    return registry.shared(
        ("dossiers.window", unit.pk, start, end),
        lambda: window_stats(Dossier.objects.filter(unit=unit), start, end),
    )


def _stat(key: str) -> Source:
    def source(unit: Unit, start: datetime.date, end: datetime.date) -> Decimal | None:
        figures = _window_figures(unit, start, end)
        if not figures["received"] or (key in CHANNEL_KEYS and not figures[key]):
            return None
        return Decimal(figures[key])

    return source


def _figures_rate(rate: Callable[[dict[str, int]], Decimal | None]) -> Source:
    """A rate of the window's Biểu II.06a figures; None when its denominator is 0."""

    def source(unit: Unit, start: datetime.date, end: datetime.date) -> Decimal | None:
        return rate(_window_figures(unit, start, end))

    return source


def _rate(read: Callable[[Rates], Decimal | int | None]) -> Source:
    def source(unit: Unit, start: datetime.date, end: datetime.date) -> Decimal | None:
        figures = registry.shared(
            ("dossiers.rates", unit.pk, start, end), lambda: rates(unit, start, end)
        )
        value = read(figures)
        return None if value is None else Decimal(value)

    return source


def _told(count: str) -> Source:
    """A count of Rates that the import files tell yes or no (its `<count>_known` says how
    many told); None when none told, never a 0 nobody counted."""
    return _rate(lambda r: getattr(r, count) if getattr(r, f"{count}_known") else None)


def _per_procedure(
    unit: Unit, start: datetime.date, end: datetime.date
) -> tuple[dict[str, dict[str, int]], set[str]]:
    """The window's statistics per procedure code, and the codes of the procedures offered
    online (toàn trình or một phần, the former levels 3 and 4)."""
    per_code = grouped_stats(Dossier.objects.filter(unit=unit), start, end, "procedure_code")
    online = set(
        Procedure.objects.filter(unit=unit)
        .exclude(online_level=OnlineLevel.NONE)
        .values_list("code", flat=True)
    )
    return per_code, online


def _by_procedure(count: Callable[[dict[str, dict[str, int]], set[str]], int]) -> Source:
    """A count from _per_procedure; None when it counts nothing (no dossier of the kind it
    counts in the window)."""

    def source(unit: Unit, start: datetime.date, end: datetime.date) -> Decimal | None:
        per_code, online = registry.shared(
            ("dossiers.per_procedure", unit.pk, start, end),
            lambda: _per_procedure(unit, start, end),
        )
        counted = count(per_code, online)
        return Decimal(counted) if counted else None

    return source


def _new(figures: dict[str, int]) -> int:
    return figures["new_online"] + figures["new_direct"] + figures["new_postal"]


# The catalogue counts, all taken in one aggregate.
CATALOGUE_COUNTS = {
    "total": Count("pk"),
    "online_full": Count("pk", filter=Q(online_level=OnlineLevel.FULL)),
    "postal": Count("pk", filter=Q(postal=True)),
    "online_payment": Count("pk", filter=Q(online_payment=True)),
}


def _procedures(kind: str, zero: bool = False) -> Source:
    """Procedures of the catalogue (of one kind); None when the catalogue holds none of the
    kind, or with `zero` only when it holds no procedure at all (0 is then a figure)."""

    def source(unit: Unit, start: datetime.date, end: datetime.date) -> Decimal | None:
        counts = registry.shared(
            ("procedures", unit.pk),
            lambda: Procedure.objects.filter(unit=unit).aggregate(**CATALOGUE_COUNTS),
        )
        if not counts["total"] or not (counts[kind] or zero):
            return None
        return Decimal(counts[kind])

    return source


SOURCES: dict[str, tuple[str, Source]] = {
    "dossiers.received": (
        "Hồ sơ tiếp nhận trong kỳ (kể cả kỳ trước chuyển qua)",
        _stat("received"),
    ),
    "dossiers.resolved": ("Hồ sơ đã giải quyết trong kỳ", _stat("resolved")),
    "dossiers.received_online": ("Hồ sơ tiếp nhận trực tuyến trong kỳ", _stat("new_online")),
    "dossiers.on_time_rate": (
        "Tỷ lệ hồ sơ giải quyết trước và đúng hạn (%)",
        _figures_rate(on_time_rate),
    ),
    "dossiers.progress_rate": (
        "Tỷ lệ hồ sơ giải quyết trước, đúng hạn và đang trong hạn trên hồ sơ của kỳ "
        "(tiến độ giải quyết, QĐ 766/QĐ-TTg) (%)",
        _figures_rate(progress_rate),
    ),
    "dossiers.early": ("Hồ sơ giải quyết trước hạn trong kỳ", _stat("early")),
    "dossiers.on_time": ("Hồ sơ giải quyết đúng hạn trong kỳ", _stat("on_time")),
    "dossiers.late": ("Hồ sơ giải quyết quá hạn trong kỳ", _stat("late")),
    "dossiers.in_progress_overdue": (
        "Hồ sơ đang giải quyết đã quá hạn (tại ngày chốt số liệu)",
        _stat("in_progress_overdue"),
    ),
    "dossiers.received_postal": (
        "Hồ sơ mới tiếp nhận qua dịch vụ bưu chính công ích trong kỳ",
        _stat("new_postal"),
    ),
    "dossiers.received_for_online_procedures": (
        "Hồ sơ mới tiếp nhận (mọi kênh) của các TTHC cung cấp trực tuyến có phát sinh hồ sơ",
        _by_procedure(
            lambda per_code, online: sum(
                _new(figures) for code, figures in per_code.items() if code in online
            )
        ),
    ),
    "procedures.postal_received": (
        "Số TTHC có hồ sơ tiếp nhận qua dịch vụ bưu chính công ích trong kỳ",
        _by_procedure(
            lambda per_code, online: sum(
                1 for figures in per_code.values() if figures["new_postal"]
            )
        ),
    ),
    "dossiers.online_rate": (
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến trên hồ sơ mới tiếp nhận (%)",
        _rate(lambda r: r.online_rate),
    ),
    "dossiers.digitised_rate": (
        "Tỷ lệ hồ sơ được số hóa trên hồ sơ mới tiếp nhận có thông tin số hóa (%)",
        _rate(lambda r: r.digitised_rate),
    ),
    "dossiers.fee_due": (
        "Hồ sơ mới tiếp nhận trong kỳ phải nộp phí, lệ phí",
        _told("fee_due"),
    ),
    "dossiers.paid_online": (
        "Hồ sơ mới tiếp nhận trong kỳ phải nộp phí, lệ phí đã thanh toán trực tuyến",
        _told("paid_online"),
    ),
    "dossiers.electronic_result": (
        "Hồ sơ giải quyết trong kỳ có kết quả điện tử",
        _told("electronic_result"),
    ),
    "dossiers.apology_letters": (
        "Hồ sơ quá hạn trong kỳ đã có văn bản xin lỗi (Mẫu 04)",
        _rate(lambda r: r.overdue_with_apology if r.overdue else None),
    ),
    "procedures.total": ("Số TTHC trong danh mục", _procedures("total")),
    "procedures.online_full": (
        "Số TTHC cung cấp DVC trực tuyến toàn trình",
        _procedures("online_full"),
    ),
    "procedures.postal": ("Số TTHC tiếp nhận, trả kết quả qua BCCI", _procedures("postal")),
    "procedures.online_payment": (
        "Số TTHC tích hợp thanh toán trực tuyến",
        _procedures("online_payment"),
    ),
}

registry.register(SOURCES)
