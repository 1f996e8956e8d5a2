"""What the dossiers page, its XLSX and charts, and the register sources show beyond the unit's
Biểu II.06a row: the same figures per procedure field (lĩnh vực), the online, digitisation,
online-payment and electronic-result rates, and the overdue dossiers with or without an
apology letter."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from cchc.org.models import Unit
from cchc.periods.windows import parse_period
from cchc.registers.models import COUNTED, Channel, Dossier, OnlineLevel, Procedure, Verdict
from cchc.registers.stats import (
    KEYS,
    grouped_stats,
    received_by,
    received_within,
    resolved_within,
    window_stats,
)

NOT_IN_CATALOGUE = "Chưa có trong danh mục"
NO_FIELD = "Chưa ghi lĩnh vực"


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / whole * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def on_time_rate(figures: dict[str, int] | None) -> Decimal | None:
    """Resolved early or on time out of all resolved, in % (None when nothing was resolved)."""
    if not figures:
        return None
    return percent(figures["early"] + figures["on_time"], figures["resolved"])


def progress_rate(figures: dict[str, int] | None) -> Decimal | None:
    """QĐ 766/QĐ-TTg's "tiến độ giải quyết": resolved early or on time plus still within time,
    out of every dossier of the period (received = resolved + in progress), in %."""
    if not figures:
        return None
    on_track = figures["early"] + figures["on_time"] + figures["in_progress_within"]
    return percent(on_track, figures["received"])


@dataclass(frozen=True)
class PeriodRow:
    code: str
    label: str
    figures: dict[str, int]

    @property
    def new(self) -> int:
        return self.figures["received"] - self.figures["carried_over"]

    @property
    def on_time_rate(self) -> Decimal | None:
        return on_time_rate(self.figures)


def year_series(unit: Unit, year: int, today: datetime.date) -> list[PeriodRow]:
    """Biểu II.06a of each quarter of `year` that has begun by `today`, then the whole year
    (its own window: carried over and in progress are not sums of the quarters')."""
    register = Dossier.objects.filter(unit=unit)
    rows = []
    for code in [f"Q{number}-{year}" for number in range(1, 5)] + [f"Y-{year}"]:
        window = parse_period(code)
        if window.start > today:
            continue
        figures = window_stats(register, window.start, window.end)
        rows.append(PeriodRow(code, window.label, figures))
    return rows


def field_stats(
    unit: Unit, start: datetime.date, end: datetime.date
) -> list[tuple[str, dict[str, int]]]:
    """Biểu II.06a per procedure field: one grouped query by procedure code, rolled up by the
    catalogue's field; codes missing from the catalogue go under NOT_IN_CATALOGUE. Fields
    with nothing in play are left out; the rows add up to window_stats of the unit."""
    by_code = grouped_stats(Dossier.objects.filter(unit=unit), start, end, "procedure_code")
    fields = dict(Procedure.objects.filter(unit=unit).values_list("code", "field"))
    rows: dict[str, dict[str, int]] = {}
    for code, figures in by_code.items():
        name = (fields[code] or NO_FIELD) if code in fields else NOT_IN_CATALOGUE
        total = rows.setdefault(name, dict.fromkeys(KEYS, 0))
        for key in KEYS:
            total[key] += figures[key]
    ordered = sorted(
        (name for name, figures in rows.items() if any(figures.values())),
        key=lambda name: (name in (NOT_IN_CATALOGUE, NO_FIELD), name),
    )
    return [(name, rows[name]) for name in ordered]


def overdue_in_window(start: datetime.date, end: datetime.date) -> Q:
    """Dossiers counted as overdue in the window: resolved late within it, or still
    unfinished at its end and past their due date (or after several supplement requests)."""
    resolved_late = resolved_within(start, end) & Q(verdict=Verdict.LATE)
    unfinished = received_by(end) & (Q(result_on__isnull=True) | Q(result_on__gt=end))
    overdue = resolved_late | (unfinished & (Q(supplement_count__gt=1) | Q(due_on__lt=end)))
    return overdue & COUNTED


def overdue_dossiers(
    register: QuerySet[Dossier], start: datetime.date, end: datetime.date
) -> QuerySet[Dossier]:
    return register.filter(overdue_in_window(start, end)).order_by("received_at", "code")


@dataclass(frozen=True)
class Rates:
    new: int  # new dossiers received in the window
    online: int
    procedures: int
    procedures_online: int  # with full online service (toàn trình)
    digitised: int
    digitised_known: int  # new dossiers whose file said digitised yes or no
    fee_due: int  # new dossiers owing a fee (phí, lệ phí)
    fee_due_known: int  # new dossiers whose file said whether a fee is due
    paid_online: int  # of the fee-owing new dossiers, paid online
    paid_online_known: int  # fee-owing new dossiers whose file said paid online or not
    resolved: int  # dossiers resolved in the window
    electronic_result: int  # of those, with an electronic result
    electronic_result_known: int  # resolved dossiers whose file said electronic or not
    overdue: int
    overdue_with_apology: int

    @property
    def online_rate(self) -> Decimal | None:
        return percent(self.online, self.new)

    @property
    def procedures_online_rate(self) -> Decimal | None:
        return percent(self.procedures_online, self.procedures)

    # What the import files tell yes or no to, out of the dossiers QĐ 766 counts: a dossier
    # whose file said nothing counts as "no"; None when no file said (never a 0 for "no data").

    @property
    def digitised_rate(self) -> Decimal | None:
        """Digitised out of every new dossier (QĐ 766 counts the dossiers received)."""
        return percent(self.digitised, self.new) if self.digitised_known else None

    @property
    def digitised_unknown(self) -> int:
        return self.new - self.digitised_known

    @property
    def online_payment_rate(self) -> Decimal | None:
        """Paid online out of the fee-owing new dossiers (QĐ 766, 3.6)."""
        return percent(self.paid_online, self.fee_due) if self.paid_online_known else None

    @property
    def paid_online_unknown(self) -> int:
        return self.fee_due - self.paid_online_known

    @property
    def electronic_result_rate(self) -> Decimal | None:
        """With an electronic result out of every resolved dossier (QĐ 766, 4.1)."""
        told = self.electronic_result_known
        return percent(self.electronic_result, self.resolved) if told else None

    @property
    def electronic_result_unknown(self) -> int:
        return self.resolved - self.electronic_result_known

    @property
    def overdue_without_apology(self) -> int:
        return self.overdue - self.overdue_with_apology


def rates(unit: Unit, start: datetime.date, end: datetime.date) -> Rates:
    register = Dossier.objects.filter(unit=unit)
    received = received_within(start, end)
    fee_owing = received & Q(fee_due=True)
    resolved = resolved_within(start, end)
    overdue = overdue_in_window(start, end)
    # Aliases must not reuse a field name ("digitised"), hence the prefix.
    counts = register.aggregate(
        n_new=Count("pk", filter=received),
        n_online=Count("pk", filter=received & Q(channel=Channel.ONLINE)),
        n_digitised=Count("pk", filter=received & Q(digitised=True)),
        n_digitised_known=Count("pk", filter=received & Q(digitised__isnull=False)),
        n_fee_due=Count("pk", filter=fee_owing),
        n_fee_due_known=Count("pk", filter=received & Q(fee_due__isnull=False)),
        n_paid_online=Count("pk", filter=fee_owing & Q(paid_online=True)),
        n_paid_online_known=Count("pk", filter=fee_owing & Q(paid_online__isnull=False)),
        n_resolved=Count("pk", filter=resolved),
        n_electronic_result=Count("pk", filter=resolved & Q(electronic_result=True)),
        n_electronic_result_known=Count("pk", filter=resolved & Q(electronic_result__isnull=False)),
        n_overdue=Count("pk", filter=overdue),
        n_overdue_with_apology=Count("pk", filter=overdue & ~Q(apology_number="")),
    )
    catalogue = Procedure.objects.filter(unit=unit).aggregate(
        n_procedures=Count("pk"),
        n_procedures_online=Count("pk", filter=Q(online_level=OnlineLevel.FULL)),
    )
    return Rates(**{key[2:]: value for key, value in {**counts, **catalogue}.items()})


def unit_figures(unit: Unit, start: datetime.date, end: datetime.date) -> dict[str, int]:
    return window_stats(Dossier.objects.filter(unit=unit), start, end)
