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

from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from cchc.records.models import (
    DocumentForm,
    Feedback,
    Inspection,
    OutgoingDocument,
    Progress,
    Task,
    TaskKind,
)
from cchc.records.sources import reporting_year, year_start
from cchc.registers.models import COUNTED, Channel, Dossier, OnlineLevel, Procedure
from cchc.registers.stats import received_within, window_filters

# Fee texts of the catalogue that mean "no fee" (the column is free text).
NO_FEE = ["", "0", "không", "không có", "không thu", "miễn phí", "miễn"]


Window = Callable[[datetime.date, datetime.date], Q]
Register = (
    type[Dossier]
    | type[Procedure]
    | type[Feedback]
    | type[Task]
    | type[OutgoingDocument]
    | type[Inspection]
)


def _anything(start: datetime.date, end: datetime.date) -> Q:
    return Q()


@dataclass(frozen=True)
class Measure:
    label: str
    model: Register
    # (start, end) -> the rows counted; a register without a window ignores them.
    where: Window
    # The rows that make the figure exist: a unit with none of them has no figure (not 0);
    # by default any row of the unit in the register.
    scope: Window = _anything
    total: str = ""  # sum this field over the rows instead of counting them

    @property
    def timeless(self) -> bool:
        """The TTHC catalogue: today's state, not dated rows."""
        return self.model is Procedure


def _dossiers(build: Callable[[dict[str, Q], Q], Q]) -> Callable[[datetime.date, datetime.date], Q]:
    """A dossier filter from the period's Biểu II.06a filters and "received within"."""

    def where(start: datetime.date, end: datetime.date) -> Q:
        filters, _ = window_filters(start, end)
        return build(filters, received_within(start, end) & COUNTED)

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


def _plan_year(end: datetime.date) -> int:
    """The plan year of a period ending on `end`: a reporting window's (15/12 opens the next
    year's reports), a calendar window's own year (31/12 closes it)."""
    return end.year if (end.month, end.day) == (12, 31) else reporting_year(end)


def _plan_tasks(kind: str) -> Window:
    """The tasks of the plan year known at the period's end (as the register sources)."""

    def where(start: datetime.date, end: datetime.date) -> Q:
        return Q(kind=kind, deadline__year=_plan_year(end)) & ~Q(assigned_on__gt=end)

    return where


def _plan_tasks_in(kind: str, *states: Progress) -> Window:
    def where(start: datetime.date, end: datetime.date) -> Q:
        status = Task.status_q(end)
        wanted = Q()
        for state in states:
            wanted |= status[state]
        return _plan_tasks(kind)(start, end) & wanted

    return where


def _documents(start: datetime.date, end: datetime.date) -> Q:
    return Q(issued_on__range=(start, end))


def _inspections_ytd(start: datetime.date, end: datetime.date) -> Q:
    return Q(inspected_on__range=(year_start(end), end))


# Figures the report templates read as register sources too (same names, same rows): here a
# count of one kind is 0, not "no figure", when the register holds rows of the period, since
# it is a ratio's numerator (no electronic document among 40 sent is 0 %, not unknown).
REGISTER_MEASURES: dict[str, Measure] = {
    "tasks.plan_total": Measure(
        "Số nhiệm vụ trong Kế hoạch CCHC năm",
        Task,
        _plan_tasks(TaskKind.PLAN),
        _plan_tasks(TaskKind.PLAN),
    ),
    "tasks.plan_done": Measure(
        "Số nhiệm vụ Kế hoạch CCHC năm đã hoàn thành đến ngày chốt",
        Task,
        _plan_tasks_in(TaskKind.PLAN, Progress.ON_TIME, Progress.LATE),
        _plan_tasks(TaskKind.PLAN),
    ),
    "tasks.ubnd_total": Measure(
        "Số nhiệm vụ UBND tỉnh giao trong năm",
        Task,
        _plan_tasks(TaskKind.PPC),
        _plan_tasks(TaskKind.PPC),
    ),
    "tasks.ubnd_done_on_time": Measure(
        "Số nhiệm vụ UBND tỉnh giao đã hoàn thành đúng hạn",
        Task,
        _plan_tasks_in(TaskKind.PPC, Progress.ON_TIME),
        _plan_tasks(TaskKind.PPC),
    ),
    "documents.total": Measure("Số văn bản đi trong kỳ", OutgoingDocument, _documents, _documents),
    "documents.electronic_only": Measure(
        "Số văn bản đi gửi hoàn toàn dưới dạng điện tử, có ký số, trong kỳ",
        OutgoingDocument,
        lambda start, end: (
            _documents(start, end) & Q(form=DocumentForm.ELECTRONIC, digitally_signed=True)
        ),
        _documents,
    ),
    "inspections.issues_found_ytd": Measure(
        "Số vấn đề phát hiện qua kiểm tra CCHC (lũy kế từ đầu năm)",
        Inspection,
        _inspections_ytd,
        _inspections_ytd,
        total="issues_found",
    ),
    "inspections.issues_fixed_ytd": Measure(
        "Số vấn đề phát hiện qua kiểm tra đã xử lý xong (lũy kế từ đầu năm)",
        Inspection,
        _inspections_ytd,
        _inspections_ytd,
        total="issues_fixed",
    ),
}

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
    **REGISTER_MEASURES,
}


def counts(
    names: Iterable[str], unit_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict[str, dict[int, Decimal]]:
    """name -> unit id -> figure, one grouped query per register and scope for all the units;
    a unit without a row in the measure's scope is absent (no data, not zero)."""
    ids = list(unit_ids)
    groups: dict[tuple[Register, Window], list[str]] = {}
    for name in dict.fromkeys(names):
        measure = MEASURES[name]
        groups.setdefault((measure.model, measure.scope), []).append(name)
    result: dict[str, dict[int, Decimal]] = {}
    for (model, scope), wanted in groups.items():
        aliases = {f"m{i}": name for i, name in enumerate(wanted)}
        figures = {}
        for alias, name in aliases.items():
            measure = MEASURES[name]
            where = measure.where(start, end)
            figures[alias] = (
                Sum(measure.total, filter=where) if measure.total else Count("pk", filter=where)
            )
        rows = (
            model.objects.filter(unit_id__in=ids)
            .filter(scope(start, end))
            .order_by()
            .values("unit_id")
            .annotate(**figures)
        )
        for name in wanted:
            result[name] = {}
        for row in rows:
            for alias, name in aliases.items():
                if row[alias] is not None:  # a sum no row states
                    result[name][row["unit_id"]] = Decimal(row[alias])
    return result


def rows(name: str, unit_id: int, start: datetime.date, end: datetime.date):
    """The rows behind a measure for one unit (a queryset of its register's model)."""
    measure = MEASURES[name]
    rows = measure.model.objects.filter(unit_id=unit_id).filter(measure.scope(start, end))
    return rows.filter(measure.where(start, end))
