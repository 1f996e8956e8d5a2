"""Deadlines and verdicts of one-stop dossiers (cchc/registers/classify.py) on the
Vietnamese working-day calendar (cchc/periods/workdays.py).

Every expected date below was worked out by hand from the `holidays` package's list for
Vietnam (holidays.country_holidays("VN", years=...)); the relevant entries are:

2023: Sun 01/01, Mon 02/01 (observed); Tết Fri 20/01 .. Thu 26/01; Sat 29/04 (Giỗ Tổ),
      Sun 30/04, Mon 01/05, Tue 02/05 + Wed 03/05 (observed); Fri 01/09, Sat 02/09,
      Mon 04/09 (observed).
2024: Mon 01/01; Tết Thu 08/02 .. Wed 14/02; Thu 18/04 (Giỗ Tổ); Mon 29/04 (day off
      swapped from a Saturday), Tue 30/04, Wed 01/05; Mon 02/09, Tue 03/09.
March 2023 and June 2024 have no holidays. Saturday 04/05/2024, the Saturday worked in
exchange for 29/04/2024, is not in the list: it is a working day only through an override.

Conventions under test (classify's docstring): the start day is the receipt day when that
is a working day and the time is before the cut-off (15:00), else the next working day; an
N-working-day procedure is due on the N-th working day after the start day (the start day
itself is day 0); a supplement request on day R uses up the working days in (start, R]; the
clock restarts by the start rule when the complete dossier is back, and the restart day is
day 0 again.
"""

from __future__ import annotations

import datetime
from datetime import date, timedelta

import holidays
import numpy
import pandas
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.periods.workdays import WorkdayTable, WorkingCalendar
from cchc.registers.classify import CUT_OFF_MINUTES, classify, in_progress_state

CALENDAR = WorkingCalendar()
TABLE = WorkdayTable(CALENDAR)
# 2024: Saturday 04/05 worked in exchange for Monday 29/04 (already off in the holidays list).
SWAP_CALENDAR = WorkingCalendar.from_overrides([(date(2024, 5, 4), True, "làm bù")])
SWAP_TABLE = WorkdayTable(SWAP_CALENDAR)

DATETIME_COLUMNS = (
    "received_at",
    "supplement_requested_at",
    "supplement_completed_at",
    "result_on",
    "promised_on",
)
VERDICT_RANK = {"early": 0, "on_time": 1, "late": 2}


def d(text: str) -> date:
    return date.fromisoformat(text)


def dossier(
    received,
    days,
    *,
    calendar=False,
    supplements=0,
    requested=None,
    completed=None,
    result=None,
    promised=None,
) -> dict:
    """One row of the frame classify reads (days None: procedure not in the catalogue)."""
    return {
        "received_at": received,
        "processing_time": numpy.nan if days is None else float(days),
        "calendar_days": calendar,
        "supplement_count": supplements,
        "supplement_requested_at": requested,
        "supplement_completed_at": completed,
        "result_on": result,
        "promised_on": promised,
    }


def frame_of(rows: list[dict]) -> pandas.DataFrame:
    frame = pandas.DataFrame(rows)
    for column in DATETIME_COLUMNS:
        frame[column] = pandas.to_datetime(frame[column])
    frame["processing_time"] = frame["processing_time"].astype(float)
    frame["calendar_days"] = frame["calendar_days"].astype(bool)
    frame["supplement_count"] = frame["supplement_count"].astype("int64")
    return frame


def as_date(value) -> date | None:
    return None if pandas.isna(value) else pandas.Timestamp(value).date()


SHORT_NAMES = {
    "result": "result_on",
    "promised": "promised_on",
    "supplements": "supplement_count",
    "requested": "supplement_requested_at",
    "completed": "supplement_completed_at",
}


def changed(row: dict, **changes) -> dict:
    """`row` with some columns replaced, named as in dossier()."""
    return {**row, **{SHORT_NAMES[name]: value for name, value in changes.items()}}


def classify_row(row: dict, table=TABLE, cut_off=CUT_OFF_MINUTES) -> dict:
    got = classify(frame_of([row]), table, cut_off).iloc[0]
    return {
        "start": as_date(got["start_on"]),
        "due": as_date(got["due_on"]),
        "verdict": got["verdict"],
        "differs": bool(got["promised_differs"]),
    }


def classify_one(table=TABLE, cut_off=CUT_OFF_MINUTES, **kwargs) -> dict:
    return classify_row(dossier(**kwargs), table, cut_off)


def check(row: dict, start: str, due: str | None, verdict: str, table=TABLE, **options):
    got = classify_row(row, table, **options)
    assert got["start"] == d(start)
    assert got["due"] == (None if due is None else d(due))
    assert got["verdict"] == verdict


def test_holiday_list_is_the_one_reasoned_from():
    """The hand-checked dates below rest on these entries of the holidays package."""
    vn = holidays.country_holidays("VN", years=[2023, 2024])
    for day in [
        "2023-01-02",
        *(f"2023-01-{n}" for n in range(20, 27)),
        "2023-04-29",
        "2023-04-30",
        "2023-05-01",
        "2023-05-02",
        "2023-05-03",
        "2023-09-01",
        "2023-09-04",
        "2024-01-01",
        *(f"2024-02-{n:02d}" for n in range(8, 15)),
        "2024-04-18",
        "2024-04-29",
        "2024-04-30",
        "2024-05-01",
        "2024-09-02",
        "2024-09-03",
    ]:
        assert d(day) in vn, day
    for day in ["2023-01-19", "2023-01-27", "2023-04-28", "2023-05-04", "2024-02-07"]:
        assert d(day) not in vn, day
    assert d("2024-05-04") not in vn  # the worked Saturday: only an override knows it
    assert not any(day.month == 3 for day in vn if day.year == 2023)
    assert not any(day.month == 6 for day in vn)


# --- Tết ---------------------------------------------------------------------------------------

# Thu 19/01/2023 09:00: working day, before 15:00 → start 19/01. Fri 20/01 .. Thu 26/01 are
# Tết (21–22 also weekend), so the 1st working day after is Fri 27/01 and the 2nd is Mon 30/01.
TET_2023 = dossier("2023-01-19 09:00", 2)
# Wed 07/02/2024 10:00 → start 07/02. Tết Thu 08/02 .. Wed 14/02 → 1st Thu 15/02, 2nd Fri
# 16/02, (17–18 weekend) 3rd Mon 19/02.
TET_2024 = dossier("2024-02-07 10:00", 3)


@pytest.mark.parametrize(
    ("base", "result", "start", "due", "verdict"),
    [
        # result ready on the receipt day, long before the due date
        (TET_2023, "2023-01-19", "2023-01-19", "2023-01-30", "early"),
        # first working day after Tết is still before the due date
        (TET_2023, "2023-01-27", "2023-01-19", "2023-01-30", "early"),
        (TET_2023, "2023-01-30", "2023-01-19", "2023-01-30", "on_time"),
        (TET_2023, "2023-01-31", "2023-01-19", "2023-01-30", "late"),
        # unfinished: no verdict, but the due date is known
        (TET_2023, None, "2023-01-19", "2023-01-30", ""),
        (TET_2024, "2024-02-16", "2024-02-07", "2024-02-19", "early"),
        (TET_2024, "2024-02-19", "2024-02-07", "2024-02-19", "on_time"),
        (TET_2024, "2024-02-20", "2024-02-07", "2024-02-19", "late"),
    ],
)
def test_tet(base, result, start, due, verdict):
    check(changed(base, result=result), start, due, verdict)


@pytest.mark.parametrize(
    ("received", "days", "start", "due"),
    [
        # Thu 19/01/2023 15:30, after the cut-off: the next working day is Fri 27/01 (20–26
        # Tết); 2 working days after it: Mon 30/01, Tue 31/01.
        ("2023-01-19 15:30", 2, "2023-01-27", "2023-01-31"),
        # Wed 07/02/2024 15:00 (at the cut-off counts as after): next working day Thu 15/02;
        # 3 working days after: Fri 16/02, Mon 19/02, Tue 20/02.
        ("2024-02-07 15:00", 3, "2024-02-15", "2024-02-20"),
        # Online on Fri 20/01/2023 (29 Tết) at 08:00: Tết until Thu 26/01 → start Fri 27/01;
        # 1 working day → Mon 30/01.
        ("2023-01-20 08:00", 1, "2023-01-27", "2023-01-30"),
    ],
)
def test_tet_after_cut_off_or_during_holiday(received, days, start, due):
    check(dossier(received, days), start, due, "")


# --- 30/4 – 1/5 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "verdict"),
    [("2023-05-04", "early"), ("2023-05-05", "on_time"), ("2023-05-08", "late")],
)
def test_reunification_and_labour_day_2023(result, verdict):
    # Fri 28/04/2023 10:00 → start 28/04. Sat 29/04 .. Wed 03/05 are all off (Giỗ Tổ on the
    # Saturday, 30/4, 1/5, observed 02/05 and 03/05) → 1st working day Thu 04/05, 2nd Fri 05/05.
    check(dossier("2023-04-28 10:00", 2, result=result), "2023-04-28", "2023-05-05", verdict)


# Fri 26/04/2024 10:00, 3 working days, start 26/04. Off: 27–28 weekend, Mon 29/04 (swapped),
# Tue 30/04, Wed 01/05 → 1st Thu 02/05, 2nd Fri 03/05; 3rd is Mon 06/05 on the plain calendar,
# but Sat 04/05 when that Saturday is worked (override).
MAY_2024 = dossier("2024-04-26 10:00", 3)


@pytest.mark.parametrize(
    ("result", "plain_verdict", "swap_verdict"),
    [
        ("2024-05-03", "early", "early"),
        ("2024-05-04", "early", "on_time"),
        ("2024-05-06", "on_time", "late"),
        ("2024-05-07", "late", "late"),
    ],
)
def test_reunification_and_labour_day_2024_with_worked_saturday(
    result, plain_verdict, swap_verdict
):
    check(changed(MAY_2024, result=result), "2024-04-26", "2024-05-06", plain_verdict)
    check(changed(MAY_2024, result=result), "2024-04-26", "2024-05-04", swap_verdict, SWAP_TABLE)


@pytest.mark.parametrize(
    ("received", "days", "plain", "swap"),
    [
        # Received on Sat 04/05/2024 at 09:00. Plain calendar: a Saturday → start Mon 06/05,
        # 1 working day → Tue 07/05. Override: 04/05 is a working day and 09:00 < 15:00 →
        # start 04/05, 1 working day → Mon 06/05.
        ("2024-05-04 09:00", 1, ("2024-05-06", "2024-05-07"), ("2024-05-04", "2024-05-06")),
        # Fri 26/04/2024 15:10, after the cut-off: Sat 27, Sun 28, Mon 29 (swapped), Tue 30/04,
        # Wed 01/05 off → start Thu 02/05 on both; 2 working days: Fri 03/05, then Mon 06/05
        # (plain) or Sat 04/05 (override).
        ("2024-04-26 15:10", 2, ("2024-05-02", "2024-05-06"), ("2024-05-02", "2024-05-04")),
        # Online on Mon 29/04/2024 (the swapped day off) at 09:00 → start Thu 02/05 on both;
        # 1 working day: Fri 03/05 on both (the Saturday comes after).
        ("2024-04-29 09:00", 1, ("2024-05-02", "2024-05-03"), ("2024-05-02", "2024-05-03")),
    ],
)
def test_may_2024_start_days_with_and_without_override(received, days, plain, swap):
    check(dossier(received, days), *plain, "")
    check(dossier(received, days), *swap, "", SWAP_TABLE)


def test_override_table_only_changes_the_worked_saturday():
    changed = numpy.flatnonzero(TABLE.working != SWAP_TABLE.working)
    assert [TABLE.to_date(n) for n in changed] == [date(2024, 5, 4)]
    assert SWAP_CALENDAR.is_working_day(date(2024, 5, 4))
    assert not CALENDAR.is_working_day(date(2024, 5, 4))
    assert not SWAP_CALENDAR.is_working_day(date(2024, 4, 29))


# --- the 15:00 cut-off --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "cut_off", "start", "due"),
    [
        # Tue 14/03/2023 is a working day; 1-working-day procedure.
        # 14:59 < 15:00 → start 14/03, due Wed 15/03.
        ("2023-03-14 14:59", 15 * 60, "2023-03-14", "2023-03-15"),
        # 14:59:59 is still before 15:00 → same day.
        ("2023-03-14 14:59:59", 15 * 60, "2023-03-14", "2023-03-15"),
        # 15:00 is not before the cut-off → start Wed 15/03, due Thu 16/03.
        ("2023-03-14 15:00", 15 * 60, "2023-03-15", "2023-03-16"),
        ("2023-03-14 16:30", 15 * 60, "2023-03-15", "2023-03-16"),
        # Midnight is before the cut-off.
        ("2023-03-14 00:00", 15 * 60, "2023-03-14", "2023-03-15"),
        # Cut-off moved to 17:00: 15:00 and 16:30 now start the same day, 17:00 does not.
        ("2023-03-14 14:59", 17 * 60, "2023-03-14", "2023-03-15"),
        ("2023-03-14 15:00", 17 * 60, "2023-03-14", "2023-03-15"),
        ("2023-03-14 16:30", 17 * 60, "2023-03-14", "2023-03-15"),
        ("2023-03-14 16:59", 17 * 60, "2023-03-14", "2023-03-15"),
        ("2023-03-14 17:00", 17 * 60, "2023-03-15", "2023-03-16"),
        # Fri 17/03/2023 15:00 → next working day Mon 20/03, due Tue 21/03.
        ("2023-03-17 15:00", 15 * 60, "2023-03-20", "2023-03-21"),
        # Thu 31/08/2023 16:00 → Fri 01/09, Sat 02/09 (National Day), Sun 03/09, Mon 04/09
        # (observed) off → start Tue 05/09, due Wed 06/09.
        ("2023-08-31 16:00", 15 * 60, "2023-09-05", "2023-09-06"),
    ],
)
def test_cut_off(received, cut_off, start, due):
    check(dossier(received, 1), start, due, "", cut_off=cut_off)


# --- weekend and holiday (online) submissions -------------------------------------------------


@pytest.mark.parametrize(
    ("received", "start"),
    [
        # Sat 18/03/2023, early morning, before the cut-off hour: still a Saturday → Mon 20/03.
        ("2023-03-18 00:00", "2023-03-20"),
        ("2023-03-18 08:00", "2023-03-20"),
        # Sun 19/03/2023 23:59 → Mon 20/03.
        ("2023-03-19 23:59", "2023-03-20"),
        # Sun 01/01/2023 (New Year), Mon 02/01 observed → Tue 03/01.
        ("2023-01-01 09:00", "2023-01-03"),
        # Mon 01/05/2023 → 01/05, 02/05, 03/05 off → Thu 04/05.
        ("2023-05-01 09:00", "2023-05-04"),
        # Sat 10/02/2024 (mùng 1 Tết) → Tết until Wed 14/02 → Thu 15/02.
        ("2024-02-10 09:00", "2024-02-15"),
        # Thu 18/04/2024 (Giỗ Tổ) → Fri 19/04.
        ("2024-04-18 09:00", "2024-04-19"),
        # Mon 29/04/2024 (swapped day off) → 30/04, 01/05 off → Thu 02/05.
        ("2024-04-29 10:00", "2024-05-02"),
        # Mon 02/09/2024 → 02/09, 03/09 off → Wed 04/09.
        ("2024-09-02 10:00", "2024-09-04"),
        # Sun 01/09/2024 22:00 → Wed 04/09.
        ("2024-09-01 22:00", "2024-09-04"),
    ],
)
def test_weekend_and_holiday_submissions_start_next_working_day(received, start):
    # 0-day procedure: the due date is the start day too.
    check(dossier(received, 0), start, start, "")


# --- 0-day and calendar-day procedures ------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "result", "start", "verdict"),
    [
        # Tue 14/03/2023 10:00, 0 days → due the same day.
        ("2023-03-14 10:00", "2023-03-14", "2023-03-14", "on_time"),
        ("2023-03-14 10:00", "2023-03-15", "2023-03-14", "late"),
        # 16:00 → start and due Wed 15/03; a result ready on 14/03 is before the due date.
        ("2023-03-14 16:00", "2023-03-14", "2023-03-15", "early"),
        ("2023-03-14 16:00", "2023-03-15", "2023-03-15", "on_time"),
        ("2023-03-14 16:00", "2023-03-16", "2023-03-15", "late"),
        # Sat 10/02/2024 (Tết) → start and due Thu 15/02.
        ("2024-02-10 09:00", "2024-02-15", "2024-02-15", "on_time"),
    ],
)
def test_zero_day_procedure(received, result, start, verdict):
    check(dossier(received, 0, result=result), start, start, verdict)


@pytest.mark.parametrize(
    ("received", "days", "result", "start", "due", "verdict"),
    [
        # Wed 07/02/2024 10:00, 5 calendar days → 07 + 5 = Mon 12/02, a Tết day (Tết Giáp Thìn
        # 08–14/02): a calendar-day deadline that ends on a day off moves to the next working
        # day, Thu 15/02 (Bộ luật Dân sự 2015, Điều 148).
        ("2024-02-07 10:00", 5, "2024-02-09", "2024-02-07", "2024-02-15", "early"),
        ("2024-02-07 10:00", 5, "2024-02-15", "2024-02-07", "2024-02-15", "on_time"),
        ("2024-02-07 10:00", 5, "2024-02-16", "2024-02-07", "2024-02-15", "late"),
        # Thu 19/01/2023 16:00 → start Fri 27/01 (after Tết); + 10 calendar days = Mon 06/02,
        # a working day: it stays.
        ("2023-01-19 16:00", 10, "2023-02-06", "2023-01-27", "2023-02-06", "on_time"),
        # Fri 28/04/2023 10:00 + 3 calendar days = Mon 01/05, a holiday (29/04–03/05 off):
        # due Thu 04/05.
        ("2023-04-28 10:00", 3, "2023-05-04", "2023-04-28", "2023-05-04", "on_time"),
        ("2023-04-28 10:00", 3, "2023-05-05", "2023-04-28", "2023-05-04", "late"),
        # Sat 18/03/2023: the start still moves to the next working day, Mon 20/03; 0 calendar
        # days → due Mon 20/03.
        ("2023-03-18 09:00", 0, "2023-03-20", "2023-03-20", "2023-03-20", "on_time"),
        # Fri 17/03/2023 09:00 + 1 calendar day = Sat 18/03 → Mon 20/03.
        ("2023-03-17 09:00", 1, None, "2023-03-17", "2023-03-20", ""),
    ],
)
def test_calendar_day_procedure(received, days, result, start, due, verdict):
    check(dossier(received, days, calendar=True, result=result), start, due, verdict)


# --- supplement requests ------------------------------------------------------------------

# Mon 06/03/2023 09:00, 10 working days, start 06/03; no holidays in March 2023. Without a
# pause: Tue 07 (1), Wed 08, Thu 09, Fri 10, Mon 13, Tue 14, Wed 15, Thu 16, Fri 17 (9),
# Mon 20/03 (10).
MARCH = dossier("2023-03-06 09:00", 10)


@pytest.mark.parametrize(
    ("changes", "due", "verdict"),
    [
        # No supplement: due Mon 20/03.
        ({"result": "2023-03-20"}, "2023-03-20", "on_time"),
        # Request Thu 09/03 10:00: used Tue 07, Wed 08, Thu 09 = 3 days, 7 left. Complete
        # dossier back Tue 14/03 10:00 (before 15:00) → restart 14/03 → Wed 15 (1), Thu 16,
        # Fri 17, Mon 20, Tue 21, Wed 22, Thu 23/03 (7).
        (
            {"requested": "2023-03-09 10:00", "completed": "2023-03-14 10:00"},
            "2023-03-23",
            "",
        ),
        (
            {
                "requested": "2023-03-09 10:00",
                "completed": "2023-03-14 10:00",
                "result": "2023-03-22",
            },
            "2023-03-23",
            "early",
        ),
        (
            {
                "requested": "2023-03-09 10:00",
                "completed": "2023-03-14 10:00",
                "result": "2023-03-23",
            },
            "2023-03-23",
            "on_time",
        ),
        # Would have been on time without the pause (due 20/03) — still the pause counts.
        (
            {
                "requested": "2023-03-09 10:00",
                "completed": "2023-03-14 10:00",
                "result": "2023-03-24",
            },
            "2023-03-23",
            "late",
        ),
        # Back Tue 14/03 at 16:00 (after 15:00) → restart Wed 15/03 → Thu 16 (1) .. Fri 24/03 (7).
        (
            {
                "requested": "2023-03-09 10:00",
                "completed": "2023-03-14 16:00",
                "result": "2023-03-24",
            },
            "2023-03-24",
            "on_time",
        ),
        # Back online on Sat 18/03 → restart Mon 20/03 → Tue 21 (1), Wed 22, Thu 23, Fri 24,
        # Mon 27, Tue 28, Wed 29/03 (7).
        (
            {"requested": "2023-03-09 10:00", "completed": "2023-03-18 09:00"},
            "2023-03-29",
            "",
        ),
        # Request on the start day (Mon 06/03 11:00): nothing used; back Tue 07/03 09:00 →
        # restart 07/03, 10 working days → Tue 21/03 (one day later than without the pause).
        (
            {"requested": "2023-03-06 11:00", "completed": "2023-03-07 09:00"},
            "2023-03-21",
            "",
        ),
        # Request and completion at the same moment (Wed 08/03 10:00): used Tue 07, Wed 08 = 2,
        # restart 08/03, 8 left → Thu 09 .. Mon 20/03: same as without a pause.
        (
            {"requested": "2023-03-08 10:00", "completed": "2023-03-08 10:00"},
            "2023-03-20",
            "",
        ),
        # Request still open: the clock is stopped, no due date, no verdict.
        ({"requested": "2023-03-09 10:00"}, None, ""),
    ],
)
def test_supplement_pause(changes, due, verdict):
    row = changed(MARCH, supplements=1 if "requested" in changes else 0, **changes)
    check(row, "2023-03-06", due, verdict)


def test_supplement_pause_across_tet_2024():
    # Mon 05/02/2024 09:00, 5 working days, start 05/02. Without a pause: Tue 06 (1), Wed 07,
    # (Tết 08–14) Thu 15, Fri 16, Mon 19/02 (5).
    check(dossier("2024-02-05 09:00", 5), "2024-02-05", "2024-02-19", "")
    # Request Wed 07/02 11:00: used Tue 06, Wed 07 = 2, 3 left. Back online Sat 17/02 → restart
    # Mon 19/02 → Tue 20 (1), Wed 21, Thu 22/02 (3).
    paused = dossier(
        "2024-02-05 09:00",
        5,
        supplements=1,
        requested="2024-02-07 11:00",
        completed="2024-02-17 20:00",
        result="2024-02-22",
    )
    check(paused, "2024-02-05", "2024-02-22", "on_time")


def test_supplement_pause_on_calendar_day_procedure():
    # Mon 06/03/2023 09:00, 15 calendar days: due Tue 21/03 without a pause. Request Thu 09/03:
    # 3 calendar days used, 12 left; back Tue 14/03 10:00 → restart 14/03 → 14 + 12 = Sun 26/03,
    # a day off: due Mon 27/03 (Điều 148).
    check(dossier("2023-03-06 09:00", 15, calendar=True), "2023-03-06", "2023-03-21", "")
    paused = dossier(
        "2023-03-06 09:00",
        15,
        calendar=True,
        supplements=1,
        requested="2023-03-09 10:00",
        completed="2023-03-14 10:00",
    )
    check(paused, "2023-03-06", "2023-03-27", "")


def test_supplement_request_after_the_due_date_does_not_rescue_the_dossier():
    # Mon 06/03/2023 09:00, 2 working days → due Wed 08/03 (Tue 07, Wed 08). Without any
    # request a result on Mon 13/03 is late.
    check(dossier("2023-03-06 09:00", 2, result="2023-03-13"), "2023-03-06", "2023-03-08", "late")
    # The supplement request comes only on Fri 10/03: Tue 07 .. Fri 10 = 4 working days used,
    # 2 more than allowed, so the deadline had passed before the clock stopped. The citizen's
    # time (10/03 → 13/03) is excluded, but the agency's own 2 days of delay are not: late.
    late_request = dossier(
        "2023-03-06 09:00",
        2,
        supplements=1,
        requested="2023-03-10 10:00",
        completed="2023-03-13 10:00",
        result="2023-03-13",
    )
    assert classify_row(late_request)["verdict"] == "late"


@pytest.mark.parametrize(
    ("changes", "due", "verdict"),
    [
        # Two requests, result Wed 15/03, well before the due date Thu 23/03 (same pause as
        # above): still late (QĐ 766: more than one supplement request counts as overdue).
        (
            {
                "supplements": 2,
                "requested": "2023-03-09 10:00",
                "completed": "2023-03-14 10:00",
                "result": "2023-03-15",
            },
            "2023-03-23",
            "late",
        ),
        # Three requests without pause dates, result Tue 07/03 (due 20/03) → late.
        ({"supplements": 3, "result": "2023-03-07"}, "2023-03-20", "late"),
        # Two requests but unfinished → no verdict yet.
        (
            {"supplements": 2, "requested": "2023-03-09 10:00", "completed": "2023-03-14 10:00"},
            "2023-03-23",
            "",
        ),
    ],
)
def test_more_than_one_supplement_request_is_late(changes, due, verdict):
    check(changed(MARCH, **changes), "2023-03-06", due, verdict)


# --- unknown procedures and the promised date -----------------------------------------------


@pytest.mark.parametrize(
    ("result", "verdict"),
    [("2023-03-17", "early"), ("2023-03-20", "on_time"), ("2023-03-21", "late"), (None, "")],
)
def test_unknown_procedure_uses_promised_date(result, verdict):
    got = classify_one(received="2023-03-06 09:00", days=None, promised="2023-03-20", result=result)
    assert got == {
        "start": date(2023, 3, 6),
        "due": date(2023, 3, 20),
        "verdict": verdict,
        "differs": False,
    }


def test_unknown_procedure_without_promised_date_has_no_due_date():
    got = classify_one(received="2023-03-06 09:00", days=None)
    assert got["due"] is None
    assert got["verdict"] == ""
    assert got["differs"] is False


@pytest.mark.parametrize(
    ("received", "days", "promised", "due", "differs"),
    [
        # Mon 06/03/2023 09:00, 10 working days → Mon 20/03 (see MARCH).
        ("2023-03-06 09:00", 10, "2023-03-20", "2023-03-20", False),
        ("2023-03-06 09:00", 10, "2023-03-21", "2023-03-20", True),
        ("2023-03-06 09:00", 10, "2023-03-17", "2023-03-20", True),
        ("2023-03-06 09:00", 10, None, "2023-03-20", False),
        # A source system that forgot Tết: Wed 07/02/2024 + 3 weekdays = Mon 12/02; the real
        # due date is Mon 19/02 (see TET_2024).
        ("2024-02-07 10:00", 3, "2024-02-12", "2024-02-19", True),
        ("2024-02-07 10:00", 3, "2024-02-19", "2024-02-19", False),
    ],
)
def test_promised_differs(received, days, promised, due, differs):
    got = classify_one(received=received, days=days, promised=promised)
    assert got["due"] == d(due)
    assert got["differs"] is differs


def test_verdict_is_judged_against_computed_due_date_not_promised():
    # Promised Mon 12/02/2024 by a system that ignored Tết; the computed due date is Mon 19/02,
    # so a result on Thu 15/02 is early and one on Mon 19/02 is on time.
    for result, verdict in [("2024-02-15", "early"), ("2024-02-19", "on_time")]:
        got = classify_one(
            received="2024-02-07 10:00", days=3, promised="2024-02-12", result=result
        )
        assert (got["due"], got["verdict"], got["differs"]) == (d("2024-02-19"), verdict, True)


# --- unfinished at a period's end --------------------------------------------------------------

Q2_2024_END = date(2024, 6, 14)  # Q2 2024 window: 15/03/2024 → 14/06/2024
Q3_2024_END = date(2024, 9, 14)  # Q3 2024 window: 15/06/2024 → 14/09/2024


@pytest.mark.parametrize(
    ("received", "due", "state_at_q2_end", "result", "verdict"),
    [
        # Wed 12/06/2024 09:00, 5 working days: Thu 13, Fri 14, Mon 17, Tue 18, Wed 19/06.
        # Unfinished at 14/06 and due after it → within; finished in Q3 on 19/06 → on time.
        ("2024-06-12 09:00", "2024-06-19", "within", "2024-06-19", "on_time"),
        # Mon 03/06/2024 09:00: Tue 04, Wed 05, Thu 06, Fri 07, Mon 10/06 → due before the end
        # of Q2 → overdue; finished on Mon 17/06 in Q3 → late.
        ("2024-06-03 09:00", "2024-06-10", "overdue", "2024-06-17", "late"),
        # Fri 07/06/2024 09:00: Mon 10 .. Fri 14/06 → due on the last day of the window:
        # not yet overdue.
        ("2024-06-07 09:00", "2024-06-14", "within", "2024-06-14", "on_time"),
    ],
)
def test_in_progress_across_two_periods(received, due, state_at_q2_end, result, verdict):
    unfinished = classify_one(received=received, days=5)
    assert unfinished["due"] == d(due)
    assert unfinished["verdict"] == ""
    assert in_progress_state(unfinished["due"], Q2_2024_END) == state_at_q2_end
    finished = classify_one(received=received, days=5, result=result)
    assert finished["verdict"] == verdict


def test_in_progress_paused_dossier_is_within():
    # Supplement request still open at the end of Q2: no due date → within time.
    paused = classify_one(
        received="2024-06-03 09:00", days=5, supplements=1, requested="2024-06-05 10:00"
    )
    assert paused["due"] is None
    assert in_progress_state(paused["due"], Q2_2024_END) == "within"
    assert in_progress_state(paused["due"], Q3_2024_END) == "within"


# --- properties --------------------------------------------------------------------------------

FIRST = date(2001, 1, 1)
LAST = date(2049, 12, 31)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)

days_in_range = st.dates(min_value=FIRST, max_value=LAST)
received_times = st.datetimes(
    min_value=datetime.datetime(2001, 1, 1), max_value=datetime.datetime(2049, 12, 31, 23, 59)
).map(lambda moment: moment.replace(second=0, microsecond=0))
tables = st.sampled_from([(CALENDAR, TABLE), (SWAP_CALENDAR, SWAP_TABLE)])


def reference_start(calendar: WorkingCalendar, received: datetime.datetime, cut_off: int) -> date:
    before_cut_off = received.hour * 60 + received.minute < cut_off
    return calendar.next_working_day(received.date(), include_self=before_cut_off)


@PROPERTY_SETTINGS
@given(tables, days_in_range, st.integers(0, 60))
def test_table_add_working_days_agrees_with_calendar(pair, day, count):
    calendar, table = pair
    expected = calendar.add_working_days(day, count)
    assert table.to_date(table.add_working_days(table.day_number(day), count)) == expected


@PROPERTY_SETTINGS
@given(tables, st.lists(st.tuples(days_in_range, st.integers(0, 60)), min_size=1, max_size=20))
def test_table_add_working_days_vectorised(pair, pairs):
    calendar, table = pair
    starts = numpy.array([table.day_number(day) for day, _ in pairs])
    counts = numpy.array([count for _, count in pairs])
    got = [table.to_date(n) for n in table.add_working_days(starts, counts)]
    assert got == [calendar.add_working_days(day, count) for day, count in pairs]


@PROPERTY_SETTINGS
@given(tables, days_in_range, st.integers(0, 120))
def test_table_working_days_between_and_next_working_day(pair, day, span):
    calendar, table = pair
    until = day + timedelta(days=span)
    expected = sum(calendar.is_working_day(day + timedelta(days=n)) for n in range(1, span + 1))
    assert table.working_days_between(table.day_number(day), table.day_number(until)) == expected
    nxt = table.to_date(table.next_working_day(table.day_number(day)))
    assert nxt == calendar.next_working_day(day, include_self=True)


@st.composite
def plain_dossiers(draw, known_only=False):
    """Dossiers without supplement requests."""
    received = draw(received_times)
    days = draw(st.integers(0, 60) if known_only else st.none() | st.integers(0, 60))
    promised = draw(st.none() | st.integers(-5, 120))
    return dossier(
        received.isoformat(sep=" "),
        days,
        calendar=draw(st.booleans()),
        promised=None if promised is None else (received.date() + timedelta(days=promised)),
    )


@PROPERTY_SETTINGS
@given(plain_dossiers(), st.integers(-5, 150), st.integers(0, 150))
def test_later_result_never_gives_better_verdict(row, offset, extra):
    received = pandas.Timestamp(row["received_at"]).date()
    earlier = received + timedelta(days=offset)
    later = earlier + timedelta(days=extra)
    out = classify(frame_of([{**row, "result_on": earlier}, {**row, "result_on": later}]), TABLE)
    first, second = out["verdict"].tolist()
    if first == "" or second == "":
        # no due date (unknown procedure without a promised date): no verdict at all
        assert first == second == ""
    else:
        assert VERDICT_RANK[first] <= VERDICT_RANK[second]


@st.composite
def known_dossiers(draw):
    """Known procedures, at most one supplement request, dates in order."""
    received = draw(received_times)
    row = dossier(received, draw(st.integers(0, 60)), calendar=draw(st.booleans()))
    if draw(st.booleans()):
        requested = received + timedelta(minutes=draw(st.integers(0, 60 * 24 * 40)))
        completed = draw(
            st.none() | st.integers(0, 60 * 24 * 40).map(lambda m: requested + timedelta(minutes=m))
        )
        row.update(supplement_count=1, supplement_requested_at=requested)
        row["supplement_completed_at"] = completed
    return row


@PROPERTY_SETTINGS
@given(tables, st.lists(known_dossiers(), min_size=1, max_size=10), st.sampled_from([900, 1020]))
def test_start_is_working_day_and_due_not_before_start(pair, rows, cut_off):
    calendar, table = pair
    out = classify(frame_of(rows), table, cut_off)
    for row, (_, got) in zip(rows, out.iterrows(), strict=True):
        start = as_date(got["start_on"])
        assert calendar.is_working_day(start)
        assert start == reference_start(calendar, pandas.Timestamp(row["received_at"]), cut_off)
        due = as_date(got["due_on"])
        if due is not None:
            assert due >= start


@PROPERTY_SETTINGS
@given(tables, plain_dossiers(known_only=True))
def test_due_date_without_supplement_matches_calendar(pair, row):
    calendar, table = pair
    got = classify(frame_of([row]), table).iloc[0]
    start = reference_start(calendar, pandas.Timestamp(row["received_at"]), CUT_OFF_MINUTES)
    days = int(row["processing_time"])
    if row["calendar_days"]:
        # Ending on a day off, a calendar-day deadline moves to the next working day.
        expected = calendar.next_working_day(start + timedelta(days=days), include_self=True)
    else:
        expected = calendar.add_working_days(start, days)
    assert as_date(got["due_on"]) == expected


@PROPERTY_SETTINGS
@given(plain_dossiers(known_only=True), st.data())
def test_zero_length_pause_changes_nothing(row, data):
    """A supplement request answered at the same moment, on a working day from the start day
    to the due date and before the cut-off, leaves the due date unchanged."""
    plain = classify(frame_of([row]), TABLE).iloc[0]
    start, due = as_date(plain["start_on"]), as_date(plain["due_on"])
    candidates = [
        start + timedelta(days=n)
        for n in range((due - start).days + 1)
        if CALENDAR.is_working_day(start + timedelta(days=n))
    ]
    day = data.draw(st.sampled_from(candidates))
    moment = datetime.datetime.combine(day, datetime.time()) + timedelta(
        minutes=data.draw(st.integers(0, CUT_OFF_MINUTES - 1))
    )
    paused_row = {
        **row,
        "supplement_count": 1,
        "supplement_requested_at": moment,
        "supplement_completed_at": moment,
    }
    paused = classify(frame_of([paused_row]), TABLE).iloc[0]
    assert paused["due_on"] == plain["due_on"]


@st.composite
def any_dossiers(draw):
    received = draw(received_times)
    row = dossier(
        received,
        draw(st.none() | st.integers(0, 60)),
        calendar=draw(st.booleans()),
        supplements=draw(st.integers(0, 3)),
    )
    if draw(st.booleans()):
        requested = received + timedelta(minutes=draw(st.integers(-600, 60 * 24 * 40)))
        row["supplement_requested_at"] = requested
        if draw(st.booleans()):
            row["supplement_completed_at"] = requested + timedelta(
                minutes=draw(st.integers(0, 60 * 24 * 40))
            )
    for column, span in [("result_on", 150), ("promised_on", 120)]:
        offset = draw(st.none() | st.integers(-5, span))
        if offset is not None:
            row[column] = received.date() + timedelta(days=offset)
    return row


@PROPERTY_SETTINGS
@given(tables, st.lists(any_dossiers(), min_size=1, max_size=8))
def test_vectorised_equals_row_by_row(pair, rows):
    _, table = pair
    frame = frame_of(rows)
    whole = classify(frame, table)
    one_by_one = pandas.concat([classify(frame.iloc[[n]], table) for n in range(len(frame))])
    pandas.testing.assert_frame_equal(whole, one_by_one)


def test_unfinished_dossier_after_two_supplement_requests_is_overdue():
    assert in_progress_state(datetime.date(2024, 6, 30), datetime.date(2024, 6, 14), 2) == "overdue"
    assert in_progress_state(pandas.NaT, datetime.date(2024, 6, 14)) == "within"
    assert (
        in_progress_state(pandas.Timestamp("2024-06-10"), datetime.date(2024, 6, 14)) == "overdue"
    )
