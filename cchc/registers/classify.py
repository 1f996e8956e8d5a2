"""Deadlines and verdicts of dossiers on the Vietnamese working-day calendar, vectorised.

Conventions (configurable where marked):
- a dossier received on a working day before the cut-off hour (15:00) starts that day,
  otherwise at the next working day;
- the due date of an N-working-day procedure is the N-th working day after the start day
  (0 days: the start day); calendar-day procedures count calendar days, and a deadline that
  ends on a day off moves to the next working day (Bộ luật Dân sự 2015, Điều 148);
- a supplement request stops the clock; it restarts by the same start rule when the complete
  dossier comes back, with the days already used taken off;
- more than one supplement request makes the dossier overdue (QĐ 766/QĐ-TTg);
- the end point is the day the result was ready: before the due date = early, on it = on
  time, after it = late.
Without the procedure in the catalogue, the source system's promised date is the due date.
"""

from __future__ import annotations

import datetime

import numpy
import pandas

from cchc.periods.workdays import EPOCH, WorkdayTable

CUT_OFF_MINUTES = 15 * 60
NO_DAY = -1
VERDICT_CODES = numpy.array(["", "early", "on_time", "late"], dtype=object)


def day_numbers(values: pandas.Series | numpy.ndarray) -> numpy.ndarray:
    """Days since 2000-01-01 (NO_DAY for a missing value)."""
    stamps = _datetime64(values)
    days = stamps.astype("datetime64[D]") - numpy.datetime64(EPOCH, "D")
    return numpy.where(numpy.isnat(stamps), NO_DAY, days.astype(numpy.int64))


def minutes_of_day(values: pandas.Series | numpy.ndarray) -> numpy.ndarray:
    stamps = _datetime64(values)
    minutes = (stamps - stamps.astype("datetime64[D]")).astype("timedelta64[m]")
    return numpy.where(numpy.isnat(stamps), 0, minutes.astype(numpy.int64))


def _datetime64(values: pandas.Series | numpy.ndarray) -> numpy.ndarray:
    """Naive local datetimes as a datetime64 array, parsed only when they are not already."""
    if isinstance(values, numpy.ndarray) and values.dtype.kind == "M":
        return values
    if isinstance(values, pandas.Series) and values.dtype.kind == "M":
        return values.to_numpy()
    return pandas.to_datetime(pandas.Series(values)).to_numpy()


def start_days(
    table: WorkdayTable, days: numpy.ndarray, minutes: numpy.ndarray, cut_off: int = CUT_OFF_MINUTES
) -> numpy.ndarray:
    """The day the clock starts for a dossier received on `days` at `minutes`."""
    safe = numpy.clip(days, 0, table.size - 2)
    same_day = table.working[safe] & (minutes < cut_off)
    return numpy.where(same_day, safe, table.next_working[safe + 1])


def classify_days(
    table: WorkdayTable,
    *,
    received: numpy.ndarray,
    minutes: numpy.ndarray,
    days: numpy.ndarray,
    calendar: numpy.ndarray,
    supplements: numpy.ndarray,
    requested: numpy.ndarray,
    completed: numpy.ndarray,
    completed_minutes: numpy.ndarray,
    promised: numpy.ndarray,
    result_on: numpy.ndarray,
    cut_off: int = CUT_OFF_MINUTES,
) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """The core of classify() on day numbers (NO_DAY for a missing day) and minutes of the
    day: processing `days` is -1 when the procedure is unknown. Returns start day, due day
    (NO_DAY when there is none), verdict code (index into VERDICT_CODES) and
    promised_differs."""
    start = start_days(table, received, minutes, cut_off)
    known = days >= 0
    days = numpy.maximum(days, 0)
    paused = (supplements >= 1) & (requested != NO_DAY)
    stop = numpy.clip(numpy.where(paused, requested, start), 0, table.size - 1)
    used = numpy.where(calendar, stop - start, table.working_days_between(start, stop))
    used = numpy.maximum(used, 0)
    # A request made after the deadline had passed does not move it: the agency's overrun
    # stands; otherwise the days already used are taken off the remaining time.
    overran = paused & (used > days)
    restarted = paused & (completed != NO_DAY)
    restart = start_days(table, completed, completed_minutes, cut_off)
    base = numpy.where(restarted & ~overran, restart, start)
    remaining = numpy.where(paused & ~overran, days - used, days)
    # A deadline counted in calendar days that ends on a day off moves to the next working
    # day (Bộ luật Dân sự 2015, Điều 148).
    calendar_due = table.next_working_day(numpy.clip(base + remaining, 0, table.size - 1))
    due = numpy.where(
        calendar,
        calendar_due,
        table.add_working_days(numpy.clip(base, 0, table.size - 1), remaining),
    )
    has_due = known & (~paused | restarted | overran)
    use_promised = ~known & (promised != NO_DAY)
    due = numpy.where(use_promised, promised, due)
    has_due |= use_promised

    finished = result_on != NO_DAY
    verdict = numpy.select(
        [
            finished & (supplements > 1),
            finished & has_due & (result_on < due),
            finished & has_due & (result_on == due),
            finished & has_due & (result_on > due),
        ],
        [3, 1, 2, 3],
        default=0,
    )
    differs = known & has_due & (promised != NO_DAY) & (promised != due)
    return start, numpy.where(has_due, due, NO_DAY), verdict, differs


def frame_days(frame: pandas.DataFrame) -> dict[str, numpy.ndarray]:
    """classify_days' keyword arguments from a frame with classify()'s columns."""
    return dict(
        received=day_numbers(frame["received_at"]),
        minutes=minutes_of_day(frame["received_at"]),
        days=frame["processing_time"].fillna(-1).to_numpy(dtype=numpy.int64),
        calendar=frame["calendar_days"].fillna(False).to_numpy(dtype=bool),
        supplements=frame["supplement_count"].fillna(0).to_numpy(dtype=numpy.int64),
        requested=day_numbers(frame["supplement_requested_at"]),
        completed=day_numbers(frame["supplement_completed_at"]),
        completed_minutes=minutes_of_day(frame["supplement_completed_at"]),
        promised=day_numbers(frame["promised_on"]),
        result_on=day_numbers(frame["result_on"]),
    )


def classify(
    frame: pandas.DataFrame, table: WorkdayTable, cut_off: int = CUT_OFF_MINUTES
) -> pandas.DataFrame:
    """Start day, due day and verdict of every dossier in `frame`.

    Columns read: received_at, processing_time (NaN when the procedure is unknown),
    calendar_days (bool), supplement_count, supplement_requested_at,
    supplement_completed_at, result_on, promised_on. Returns start_on, due_on (NaT when
    the clock is stopped or nothing is known), verdict ('' while unfinished),
    promised_differs.
    """
    start, due, verdict, differs = classify_days(table, **frame_days(frame), cut_off=cut_off)
    epoch = numpy.datetime64(EPOCH, "D")
    return pandas.DataFrame(
        {
            "start_on": epoch + start.astype("timedelta64[D]"),
            "due_on": numpy.where(
                due != NO_DAY, epoch + due.astype("timedelta64[D]"), numpy.datetime64("NaT")
            ),
            "verdict": VERDICT_CODES[verdict],
            "promised_differs": differs,
        },
        index=frame.index,
    )


def in_progress_state(due_on, window_end: datetime.date, supplement_count: int = 0) -> str:
    """An unfinished dossier at a period's end: within time (or its clock stopped), or overdue
    (past its due date, or after more than one supplement request). `due_on` may be a date,
    None, or what classify() returns (a Timestamp or NaT)."""
    if supplement_count > 1:
        return "overdue"
    if due_on is None or pandas.isna(due_on):
        return "within"
    if isinstance(due_on, pandas.Timestamp):
        due_on = due_on.date()
    return "within" if due_on >= window_end else "overdue"
