"""Register queries over the CCHC work registers, for `source:` in the template YAML
(registered in cchc.base.sources when the app starts, RecordsConfig.ready()).

Each source takes the unit and the period's window [start, end] and returns a number, or None
when the register holds no rows for the period: then the report row stays empty (and, when
required, must be typed), never 0 that nobody counted. Counts come in two kinds: "in the
period" (the window) and "lũy kế" (from the start of the reporting year, 15/12 of the year
before, to the cut-off), as the quarterly reports count their activity.

What "no rows for the period" means, per register:
- tasks: no task of the kind (plan / UBND tỉnh) of the plan year of the cut-off that was
  assigned by the cut-off. Tasks belong to the plan year of their deadline; their status is
  judged at the cut-off, so "0 done late" out of ten tasks is a figure;
- posts, outgoing documents, inspections, trainings: no row dated in the source's window
  (the period, or the year to the cut-off) of the kind the row counts (a channel, a form, a
  flag, a kind of inspected unit): a count of one kind gives a figure only when the register
  holds a row of that kind. A sum (issues found, participants) is no figure when no row of
  the window states it;
- feedback: none in play in the window (received in it, or received before and still open
  at its start);
- staffing: no snapshot of the category taken within the look-back declared with the source
  (see `_staffing`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Aggregate, Count, Max, Q, QuerySet, Sum

from cchc.base import sources as registry
from cchc.org.models import Unit
from cchc.periods.windows import CUT_OFF_DAY
from cchc.records.models import (
    MEDIA_CHANNELS,
    DocumentForm,
    Feedback,
    InspectedKind,
    Inspection,
    OutgoingDocument,
    Post,
    PostChannel,
    Progress,
    StaffCategory,
    StaffingSnapshot,
    Task,
    TaskKind,
    Training,
)

Source = Callable[[Unit, datetime.date, datetime.date], Decimal | None]


def reporting_year(end: datetime.date) -> int:
    """The year whose reports a cut-off date belongs to: 15/12/2022 opens 2023."""
    return end.year + 1 if (end.month, end.day) >= (12, CUT_OFF_DAY) else end.year


def year_start(end: datetime.date) -> datetime.date:
    return datetime.date(reporting_year(end) - 1, 12, CUT_OFF_DAY)


def plan_year(tasks: QuerySet[Task], start: datetime.date, end: datetime.date) -> QuerySet[Task]:
    """The tasks of the plan year of `end` known at `end` (assigned on or before it)."""
    return tasks.filter(deadline__year=reporting_year(end)).exclude(assigned_on__gt=end)


def latest_snapshots(
    rows: QuerySet[StaffingSnapshot], start: datetime.date, end: datetime.date
) -> QuerySet[StaffingSnapshot]:
    """For each category, its latest row on or before `end` (the register page's view of a
    period; the report sources apply their look-back on top): a snapshot may list only the
    categories that changed."""
    latest = rows.filter(as_of__lte=end).values("category").annotate(day=Max("as_of"))
    wanted = Q(pk__in=[])
    for row in latest:
        wanted |= Q(category=row["category"], as_of=row["day"])
    return rows.filter(wanted)


# A member of a group: the aggregate expression it adds, given the window (start, end).
Expression = Callable[[datetime.date, datetime.date], Aggregate]
Rows = Callable[[Unit, datetime.date, datetime.date], QuerySet]


class Group:
    """Sources that aggregate the same rows (one register over one window), read in one
    query: each source adds its expression as a member, and the first member read inside a
    shared_queries() block (a pre-fill) computes every member's figure at once."""

    def __init__(self, name: str, rows: Rows):
        self.name, self.rows = name, rows
        self.members: dict[str, Expression] = {}
        self.row_count = self.member(lambda start, end: Count("pk"))

    def member(self, expression: Expression) -> Callable[[Unit, datetime.date, datetime.date], Any]:
        alias = f"m{len(self.members)}"
        self.members[alias] = expression

        def read(unit: Unit, start: datetime.date, end: datetime.date) -> Any:
            figures = registry.shared(
                (self.name, unit.pk, start, end),
                lambda: self.rows(unit, start, end).aggregate(
                    **{name: member(start, end) for name, member in self.members.items()}
                ),
            )
            return figures[alias]

        return read


def _count_or_none(read: Callable[[Unit, datetime.date, datetime.date], Any], rows) -> Source:
    """A count that is a figure only when the window holds rows (`rows`, a member counting
    what the count is taken among; the count itself for a count of one kind): no such row,
    no figure."""

    def source(unit: Unit, start: datetime.date, end: datetime.date) -> Decimal | None:
        return Decimal(read(unit, start, end)) if rows(unit, start, end) else None

    return source


def _plan_year_tasks(kind: str) -> Group:
    return Group(
        f"tasks.{kind}",
        lambda unit, start, end: plan_year(Task.objects.filter(unit=unit, kind=kind), start, end),
    )


TASKS = {kind: _plan_year_tasks(kind) for kind in TaskKind}


def _tasks(kind: str, status: Progress | None = None, done: bool = False) -> Source:
    """Tasks of the plan year by their status at the cut-off; None without a task of the
    plan year (a register kept for 2022 says nothing about 2026)."""

    def wanted(start: datetime.date, end: datetime.date) -> Aggregate:
        states = Task.status_q(end)
        if done:
            return Count("pk", filter=states[Progress.ON_TIME] | states[Progress.LATE])
        if status is not None:
            return Count("pk", filter=states[status])
        return Count("pk")

    group = TASKS[TaskKind(kind)]
    return _count_or_none(group.member(wanted), group.row_count)


# The rows of one register dated in the window (or from the year's start), by model, date
# field and window kind; each group is read in one aggregate.
DATED: dict[tuple[type, str, bool], Group] = {}


def _dated(model, date_field: str, cumulative: bool) -> Group:
    def rows(unit: Unit, start: datetime.date, end: datetime.date) -> QuerySet:
        first = year_start(end) if cumulative else start
        return model.objects.filter(unit=unit, **{f"{date_field}__range": (first, end)})

    key = (model, date_field, cumulative)
    if key not in DATED:
        window = "ytd" if cumulative else "period"
        DATED[key] = Group(f"{model._meta.label_lower}.{date_field}.{window}", rows)
    return DATED[key]


def _only(filters: dict) -> Q | None:
    return Q(**filters) if filters else None


def _count(model, date_field: str, cumulative: bool, total: str | None = None, **filters):
    """Rows of the kind `filters` select dated in the window (or from the year's start), or
    the sum of `total` over them; None when there is no such row, or no row states `total`."""
    group = _dated(model, date_field, cumulative)
    if total is None:
        read = group.member(lambda start, end: Count("pk", filter=_only(filters)))
        return _count_or_none(read, read)
    summed = group.member(lambda start, end: Sum(total, filter=_only(filters)))

    def sum_source(unit: Unit, start: datetime.date, end: datetime.date) -> Decimal | None:
        value = summed(unit, start, end)  # NULL when no row states it
        return None if value is None else Decimal(value)

    return sum_source


def _inspected_units(cumulative: bool, **filters) -> Source:
    """Distinct units inspected: one unit inspected twice counts once. None when no unit of
    the kind was inspected in the window."""
    read = _dated(Inspection, "inspected_on", cumulative).member(
        lambda start, end: Count("inspected_unit", distinct=True, filter=_only(filters))
    )
    return _count_or_none(read, read)


def _feedback_in_play(unit: Unit, first: datetime.date, end: datetime.date) -> QuerySet[Feedback]:
    """Feedback received in [first, end], or before it and still open at `first`."""
    open_at_first = Q(received_on__lt=first) & (
        Q(handled_on__isnull=True) | Q(handled_on__gte=first)
    )
    return Feedback.objects.filter(unit=unit).filter(
        Q(received_on__range=(first, end)) | open_at_first
    )


def _feedback_group(cumulative: bool) -> Group:
    def rows(unit: Unit, start: datetime.date, end: datetime.date) -> QuerySet[Feedback]:
        return _feedback_in_play(unit, year_start(end) if cumulative else start, end)

    return Group(f"feedback.{'ytd' if cumulative else 'period'}", rows)


FEEDBACK = {cumulative: _feedback_group(cumulative) for cumulative in (False, True)}


def _feedback_count(date_field: str, cumulative: bool) -> Source:
    """Feedback received (or handled) in the window; None when none was in play in it."""
    group = FEEDBACK[cumulative]

    def counted(start: datetime.date, end: datetime.date) -> Aggregate:
        first = year_start(end) if cumulative else start
        return Count("pk", filter=Q(**{f"{date_field}__range": (first, end)}))

    return _count_or_none(group.member(counted), group.row_count)


def _feedback(status: Progress, handled_in_window: bool = False) -> Source:
    """Feedback in `status` at the cut-off; with `handled_in_window`, only those handled
    inside the window (ON_TIME or LATE: within or after the deadline). None when no feedback
    was in play in the window."""
    group = FEEDBACK[False]

    def counted(start: datetime.date, end: datetime.date) -> Aggregate:
        wanted = Feedback.status_q(end)[status]
        if handled_in_window:
            wanted &= Q(handled_on__gte=start)
        return Count("pk", filter=wanted)

    return _count_or_none(group.member(counted), group.row_count)


_documents = _dated(OutgoingDocument, "issued_on", False)
_documents_electronic = _documents.member(
    lambda start, end: Count("pk", filter=~Q(form=DocumentForm.PAPER))
)


def _electronic_rate(unit: Unit, start: datetime.date, end: datetime.date) -> Decimal | None:
    total = _documents.row_count(unit, start, end)
    if not total:
        return None
    rate = Decimal(_documents_electronic(unit, start, end)) / total * 100
    return rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _snapshots(unit: Unit, oldest: datetime.date, end: datetime.date) -> dict[str, dict]:
    """Each category's latest snapshot taken in [oldest, end]."""
    latest: dict[str, dict] = {}
    rows = StaffingSnapshot.objects.filter(unit=unit, as_of__range=(oldest, end))
    for row in rows.order_by("-as_of").values("category", "quota", "actual"):
        latest.setdefault(row["category"], dict(row))
    return latest


def _staffing(category: str, field: str, look_back_days: int) -> Source:
    """From the category's latest snapshot taken in [end - look_back_days, end]: a snapshot
    may leave out what did not change, but one older than the look-back says nothing about
    the cut-off (a 2026 report does not reuse 2022 staffing). None without such a snapshot,
    or when it leaves `field` blank."""

    def source(unit: Unit, start: datetime.date, end: datetime.date) -> Decimal | None:
        oldest = end - datetime.timedelta(days=look_back_days)
        latest = registry.shared(
            ("staffing", unit.pk, oldest, end), lambda: _snapshots(unit, oldest, end)
        )
        row = latest.get(category)
        return None if row is None or row[field] is None else Decimal(row[field])

    return source


# How far back before the cut-off a staffing snapshot may lie and still give a figure:
# staffing is assigned once a year (the UBND tỉnh decision giving each unit its biên chế, in
# January), and a snapshot lists only the categories that changed, so one year.
STAFFING_LOOK_BACK_DAYS = 366


def _ytd(label: str) -> str:
    return f"{label} (lũy kế từ đầu năm)"


SOURCES: dict[str, tuple[str, Source]] = {
    "tasks.plan_total": ("Số nhiệm vụ trong Kế hoạch CCHC năm", _tasks(TaskKind.PLAN)),
    "tasks.plan_done": (
        "Số nhiệm vụ Kế hoạch CCHC năm đã hoàn thành đến ngày chốt",
        _tasks(TaskKind.PLAN, done=True),
    ),
    "tasks.plan_overdue": (
        "Số nhiệm vụ Kế hoạch CCHC năm quá hạn chưa hoàn thành",
        _tasks(TaskKind.PLAN, Progress.OVERDUE),
    ),
    "tasks.ubnd_total": ("Số nhiệm vụ UBND tỉnh giao trong năm", _tasks(TaskKind.PPC)),
    "tasks.ubnd_done_on_time": (
        "Số nhiệm vụ UBND tỉnh giao đã hoàn thành đúng hạn",
        _tasks(TaskKind.PPC, Progress.ON_TIME),
    ),
    "tasks.ubnd_done_late": (
        "Số nhiệm vụ UBND tỉnh giao đã hoàn thành nhưng quá hạn",
        _tasks(TaskKind.PPC, Progress.LATE),
    ),
    "tasks.ubnd_in_progress": (
        "Số nhiệm vụ UBND tỉnh giao đang thực hiện, trong hạn",
        _tasks(TaskKind.PPC, Progress.IN_PROGRESS),
    ),
    "tasks.ubnd_overdue": (
        "Số nhiệm vụ UBND tỉnh giao quá hạn chưa hoàn thành",
        _tasks(TaskKind.PPC, Progress.OVERDUE),
    ),
    "feedback.received": (
        "Số phản ánh, kiến nghị tiếp nhận trong kỳ",
        _feedback_count("received_on", cumulative=False),
    ),
    "feedback.handled": (
        "Số phản ánh, kiến nghị đã giải quyết trong kỳ",
        _feedback_count("handled_on", cumulative=False),
    ),
    "feedback.received_ytd": (
        _ytd("Số phản ánh, kiến nghị đã tiếp nhận"),
        _feedback_count("received_on", cumulative=True),
    ),
    "feedback.handled_ytd": (
        _ytd("Số phản ánh, kiến nghị đã giải quyết"),
        _feedback_count("handled_on", cumulative=True),
    ),
    "feedback.handled_on_time": (
        "Số phản ánh, kiến nghị giải quyết xong trong kỳ, đúng hạn",
        _feedback(Progress.ON_TIME, handled_in_window=True),
    ),
    "feedback.handled_late": (
        "Số phản ánh, kiến nghị giải quyết xong trong kỳ, quá hạn",
        _feedback(Progress.LATE, handled_in_window=True),
    ),
    "feedback.overdue": (
        "Số phản ánh, kiến nghị quá hạn chưa giải quyết tại ngày chốt",
        _feedback(Progress.OVERDUE),
    ),
    "posts.total": ("Số tin, bài tuyên truyền CCHC trong kỳ", _count(Post, "published_on", False)),
    "posts.unit_site_ytd": (
        _ytd("Số tin, bài đăng tại Chuyên mục CCHC của Trang TTĐT của đơn vị"),
        _count(Post, "published_on", True, channel=PostChannel.UNIT_SITE),
    ),
    "posts.province_page_ytd": (
        _ytd("Số tin, bài đăng tại Chuyên trang CCHC tỉnh"),
        _count(Post, "published_on", True, channel=PostChannel.PROVINCE_PAGE),
    ),
    "posts.media_ytd": (
        _ytd("Số tin, bài tuyên truyền CCHC trên phương tiện truyền thông"),
        _count(Post, "published_on", True, channel__in=MEDIA_CHANNELS),
    ),
    "documents.total": (
        "Số văn bản đi trong kỳ",
        _count(OutgoingDocument, "issued_on", False),
    ),
    "documents.electronic_rate": (
        "Tỷ lệ văn bản đi gửi dưới dạng điện tử trong kỳ (%)",
        _electronic_rate,
    ),
    "documents.electronic_only": (
        "Số văn bản đi gửi hoàn toàn dưới dạng điện tử, có ký số, trong kỳ",
        _count(
            OutgoingDocument,
            "issued_on",
            False,
            form=DocumentForm.ELECTRONIC,
            digitally_signed=True,
        ),
    ),
    "documents.electronic_and_paper": (
        "Số văn bản đi gửi dưới dạng điện tử và song song bản giấy trong kỳ",
        _count(OutgoingDocument, "issued_on", False, form=DocumentForm.BOTH),
    ),
    "documents.paper": (
        "Số văn bản đi chỉ gửi bản giấy trong kỳ",
        _count(OutgoingDocument, "issued_on", False, form=DocumentForm.PAPER),
    ),
    "documents.cchc_directives": (
        "Số văn bản chỉ đạo, điều hành CCHC ban hành trong kỳ",
        _count(OutgoingDocument, "issued_on", False, cchc_directive=True),
    ),
    "inspections.units": ("Số cơ quan, đơn vị đã kiểm tra trong kỳ", _inspected_units(False)),
    "inspections.divisions_ytd": (
        _ytd("Số phòng ban đã kiểm tra CCHC"),
        _inspected_units(True, inspected_kind=InspectedKind.DIVISION),
    ),
    "inspections.subunits_ytd": (
        _ytd("Số đơn vị trực thuộc đã kiểm tra CCHC"),
        _inspected_units(True, inspected_kind=InspectedKind.SUBUNIT),
    ),
    "inspections.issues_found_ytd": (
        _ytd("Số vấn đề phát hiện qua kiểm tra CCHC"),
        _count(Inspection, "inspected_on", True, total="issues_found"),
    ),
    "inspections.issues_fixed_ytd": (
        _ytd("Số vấn đề phát hiện qua kiểm tra đã xử lý xong"),
        _count(Inspection, "inspected_on", True, total="issues_fixed"),
    ),
    "trainings.total": ("Số lớp đào tạo, bồi dưỡng trong kỳ", _count(Training, "held_on", False)),
    "trainings.participants": (
        "Số lượt người được đào tạo, bồi dưỡng trong kỳ",
        _count(Training, "held_on", False, total="participants"),
    ),
    "trainings.participants_ytd": (
        _ytd("Số lượt người được đào tạo, bồi dưỡng"),
        _count(Training, "held_on", True, total="participants"),
    ),
    "staffing.civil_servants_quota": (
        "Biên chế công chức được giao",
        _staffing(StaffCategory.CIVIL_SERVANTS, "quota", STAFFING_LOOK_BACK_DAYS),
    ),
    "staffing.civil_servants_actual": (
        "Biên chế công chức có mặt tại ngày chốt",
        _staffing(StaffCategory.CIVIL_SERVANTS, "actual", STAFFING_LOOK_BACK_DAYS),
    ),
    "staffing.contract_actual": (
        "Số hợp đồng lao động tại cơ quan hành chính",
        _staffing(StaffCategory.CONTRACT, "actual", STAFFING_LOOK_BACK_DAYS),
    ),
    "staffing.public_employees_quota": (
        "Số người làm việc tại đơn vị sự nghiệp được giao",
        _staffing(StaffCategory.PUBLIC_EMPLOYEES, "quota", STAFFING_LOOK_BACK_DAYS),
    ),
    "staffing.public_employees_actual": (
        "Số người làm việc tại đơn vị sự nghiệp có mặt",
        _staffing(StaffCategory.PUBLIC_EMPLOYEES, "actual", STAFFING_LOOK_BACK_DAYS),
    ),
    "staffing.leaders_department": (
        "Số lãnh đạo cấp sở, ngành",
        _staffing(StaffCategory.LEADERS_DEPARTMENT, "actual", STAFFING_LOOK_BACK_DAYS),
    ),
    "staffing.leaders_division": (
        "Số lãnh đạo cấp phòng thuộc sở, ngành",
        _staffing(StaffCategory.LEADERS_DIVISION, "actual", STAFFING_LOOK_BACK_DAYS),
    ),
    "staffing.leaders_subunit": (
        "Số lãnh đạo cấp phòng trong đơn vị trực thuộc",
        _staffing(StaffCategory.LEADERS_SUBUNIT, "actual", STAFFING_LOOK_BACK_DAYS),
    ),
}

registry.register(SOURCES)
