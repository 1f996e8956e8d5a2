"""The figures scoring rules are computed from, each a filter on one register's rows, so that
the figure of 200 units is one grouped query per register and the rows behind any figure can
be listed (the dossiers behind a QĐ 766 numerator or denominator).

Dossier figures follow Biểu II.06a (cchc.registers.stats): the dossiers of a period are those
carried over and those received in it; on track = resolved early or on time within the
period plus those still within time at its end (more than one supplement request counts as
overdue). Feedback is due 15 working days after receipt (cchc.records.models)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q

from cchc.records.models import Feedback
from cchc.registers.models import Channel, Dossier, OnlineLevel, Procedure
from cchc.registers.stats import received_within, window_filters

# Fee texts of the catalogue that mean "no fee" (the column is free text).
NO_FEE = ["", "0", "không", "không có", "không thu", "miễn phí", "miễn"]


@dataclass(frozen=True)
class Measure:
    label: str
    model: type[Dossier] | type[Procedure] | type[Feedback]
    # (start, end) -> the rows counted; a register without a window ignores them.
    where: Callable[[datetime.date, datetime.date], Q]


def _dossiers(build: Callable[[dict[str, Q], Q], Q]) -> Callable[[datetime.date, datetime.date], Q]:
    """A dossier filter from the period's Biểu II.06a filters and "received within"."""

    def where(start: datetime.date, end: datetime.date) -> Q:
        filters, _ = window_filters(start, end)
        return build(filters, received_within(start, end))

    return where


def _full_online_procedure() -> Q:
    return Q(
        Exists(
            Procedure.objects.filter(
                unit_id=OuterRef("unit_id"),
                code=OuterRef("procedure_code"),
                online_level=OnlineLevel.FULL,
            )
        )
    )


def _fee_bearing() -> Q:
    no_fee = Q()
    for text in NO_FEE:
        no_fee |= Q(fee__iexact=text)
    return ~no_fee


def _feedback_received(start: datetime.date, end: datetime.date) -> Q:
    return Q(received_on__gte=start, received_on__lte=end)


def _feedback_on_track(start: datetime.date, end: datetime.date) -> Q:
    """Received in the period and handled by its due date, or still within time at the
    period's end."""
    handled_on_time = Q(handled_on__lte=end) & Q(handled_on__lte=F("due_on"))
    still_within = (Q(handled_on__isnull=True) | Q(handled_on__gt=end)) & Q(due_on__gte=end)
    return _feedback_received(start, end) & (handled_on_time | still_within)


def _always(start: datetime.date, end: datetime.date) -> Q:
    return Q()


MEASURES: dict[str, Measure] = {
    "dossiers.in_period": Measure(
        "Hồ sơ của kỳ (kỳ trước chuyển qua và mới tiếp nhận)",
        Dossier,
        _dossiers(lambda f, new: f["received"]),
    ),
    "dossiers.on_track": Measure(
        "Hồ sơ giải quyết trước, đúng hạn và đang giải quyết trong hạn",
        Dossier,
        _dossiers(lambda f, new: f["early"] | f["on_time"] | f["in_progress_within"]),
    ),
    "dossiers.new": Measure("Hồ sơ mới tiếp nhận trong kỳ", Dossier, _dossiers(lambda f, n: n)),
    "dossiers.online": Measure(
        "Hồ sơ mới tiếp nhận trực tuyến",
        Dossier,
        _dossiers(lambda f, new: new & Q(channel=Channel.ONLINE)),
    ),
    "dossiers.new_of_full_online": Measure(
        "Hồ sơ mới tiếp nhận của các TTHC có DVC trực tuyến toàn trình",
        Dossier,
        _dossiers(lambda f, new: new & _full_online_procedure()),
    ),
    "dossiers.online_of_full_online": Measure(
        "Hồ sơ trực tuyến của các TTHC có DVC trực tuyến toàn trình",
        Dossier,
        _dossiers(lambda f, new: new & Q(channel=Channel.ONLINE) & _full_online_procedure()),
    ),
    "dossiers.fee_due": Measure(
        "Hồ sơ mới tiếp nhận phải nộp phí, lệ phí",
        Dossier,
        _dossiers(lambda f, new: new & Q(fee_due=True)),
    ),
    "dossiers.paid_online": Measure(
        "Hồ sơ phải nộp phí, lệ phí đã thanh toán trực tuyến",
        Dossier,
        _dossiers(lambda f, new: new & Q(fee_due=True, paid_online=True)),
    ),
    "dossiers.digitised": Measure(
        "Hồ sơ mới tiếp nhận đã số hóa",
        Dossier,
        _dossiers(lambda f, new: new & Q(digitised=True)),
    ),
    "dossiers.resolved": Measure(
        "Hồ sơ đã giải quyết trong kỳ", Dossier, _dossiers(lambda f, new: f["resolved"])
    ),
    "dossiers.electronic_result": Measure(
        "Hồ sơ đã giải quyết có kết quả điện tử",
        Dossier,
        _dossiers(lambda f, new: f["resolved"] & Q(electronic_result=True)),
    ),
    "dossiers.overdue": Measure(
        "Hồ sơ quá hạn (giải quyết quá hạn và đang giải quyết quá hạn)",
        Dossier,
        _dossiers(lambda f, new: f["late"] | f["in_progress_overdue"]),
    ),
    "procedures.total": Measure("TTHC trong danh mục", Procedure, _always),
    "procedures.online_service": Measure(
        "TTHC cung cấp DVC trực tuyến (toàn trình hoặc một phần)",
        Procedure,
        lambda start, end: Q(online_level__in=[OnlineLevel.FULL, OnlineLevel.PARTIAL]),
    ),
    "procedures.fee_bearing": Measure(
        "TTHC có phí, lệ phí", Procedure, lambda start, end: _fee_bearing()
    ),
    "procedures.fee_online_payment": Measure(
        "TTHC có phí, lệ phí đã tích hợp thanh toán trực tuyến",
        Procedure,
        lambda start, end: _fee_bearing() & Q(online_payment=True),
    ),
    "feedback.in_period": Measure(
        "Phản ánh, kiến nghị tiếp nhận trong kỳ", Feedback, _feedback_received
    ),
    "feedback.on_track": Measure(
        "Phản ánh, kiến nghị tiếp nhận trong kỳ xử lý đúng hạn hoặc đang trong hạn",
        Feedback,
        _feedback_on_track,
    ),
}


def counts(
    names: Iterable[str], unit_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict[str, dict[int, Decimal]]:
    """name -> unit id -> count, one grouped query per register for all the units; a unit
    without a row in the register is absent (no data, not zero)."""
    ids = list(unit_ids)
    by_model: dict[type[Dossier] | type[Procedure] | type[Feedback], list[str]] = {}
    for name in dict.fromkeys(names):
        by_model.setdefault(MEASURES[name].model, []).append(name)
    result: dict[str, dict[int, Decimal]] = {}
    for model, wanted in by_model.items():
        aliases = {f"m{i}": name for i, name in enumerate(wanted)}
        rows = (
            model.objects.filter(unit_id__in=ids)
            .order_by()
            .values("unit_id")
            .annotate(
                **{
                    alias: Count("pk", filter=MEASURES[name].where(start, end))
                    for alias, name in aliases.items()
                }
            )
        )
        for name in wanted:
            result[name] = {}
        for row in rows:
            for alias, name in aliases.items():
                result[name][row["unit_id"]] = Decimal(row[alias])
    return result


def rows(name: str, unit_id: int, start: datetime.date, end: datetime.date):
    """The rows behind a measure for one unit (a queryset of its register's model)."""
    measure = MEASURES[name]
    return measure.model.objects.filter(unit_id=unit_id).filter(measure.where(start, end))
