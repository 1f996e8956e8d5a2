"""Reporting period windows (Nghị định 09/2019/NĐ-CP) and the Vietnamese working-day calendar."""

from datetime import date, timedelta
from io import StringIO

import holidays
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.periods.models import CalendarOverride, Period, working_calendar
from cchc.periods.windows import PeriodCodeError, current_quarter, custom_window, parse_period
from cchc.periods.workdays import WorkingCalendar, tet_day_name


def vn_holidays(year):
    return holidays.country_holidays("VN", years=year)


def working_days_between(calendar, start, end):
    """Working days strictly between start and end."""
    days = (start + timedelta(days=n) for n in range(1, (end - start).days))
    return [d for d in days if calendar.is_working_day(d)]


# --- windows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind", "year", "number", "start", "end", "label"),
    [
        ("Q3-2022", "quarter", 2022, 3, date(2022, 6, 15), date(2022, 9, 14), "quý III năm 2022"),
        ("M1-2022", "month", 2022, 1, date(2021, 12, 15), date(2022, 1, 14), "tháng 1 năm 2022"),
        ("M8-2021", "month", 2021, 8, date(2021, 7, 15), date(2021, 8, 14), "tháng 8 năm 2021"),
        (
            "M12-2022",
            "month",
            2022,
            12,
            date(2022, 11, 15),
            date(2022, 12, 14),
            "tháng 12 năm 2022",
        ),
        ("Q1-2023", "quarter", 2023, 1, date(2022, 12, 15), date(2023, 3, 14), "quý I năm 2023"),
        ("Q4-2022", "quarter", 2022, 4, date(2022, 9, 15), date(2022, 12, 14), "quý IV năm 2022"),
        ("H1-2024", "half", 2024, 1, date(2023, 12, 15), date(2024, 6, 14), "6 tháng đầu năm 2024"),
        (
            "H2-2024",
            "half",
            2024,
            2,
            date(2024, 6, 15),
            date(2024, 12, 14),
            "6 tháng cuối năm 2024",
        ),
        (
            "9M-2024",
            "nine_months",
            2024,
            None,
            date(2023, 12, 15),
            date(2024, 9, 14),
            "9 tháng năm 2024",
        ),
        ("Y-2022", "year", 2022, None, date(2021, 12, 15), date(2022, 12, 14), "năm 2022"),
    ],
)
def test_standard_windows(code, kind, year, number, start, end, label):
    window = parse_period(code)
    assert (window.code, window.kind, window.year, window.number) == (code, kind, year, number)
    assert (window.start, window.end) == (start, end)
    assert window.label == label


def test_q3_2022_text_is_the_printed_window():
    assert parse_period("Q3-2022").text == "15/06/2022 - 14/09/2022"


def test_codes_are_read_case_and_space_insensitively():
    window = parse_period("  q3-2022 ")
    assert window.code == "Q3-2022"
    assert window.text == "15/06/2022 - 14/09/2022"


@pytest.mark.parametrize(
    "code",
    [
        "01/01/2024-31/07/2024",
        "01/01/2024 - 31/07/2024",
        "1/1/2024 đến 31/7/2024",
        "C-20240101-20240731",
        "c-20240101-20240731",
    ],
)
def test_custom_window(code):
    window = parse_period(code)
    assert window.kind == "custom"
    assert window.code == "C-20240101-20240731"
    assert (window.start, window.end) == (date(2024, 1, 1), date(2024, 7, 31))
    assert window.year is None and window.number is None
    assert window.text == "01/01/2024 - 31/07/2024"
    assert window.label == "từ ngày 01/01/2024 đến ngày 31/07/2024"


def test_custom_window_of_a_single_day():
    window = custom_window(date(2024, 3, 1), date(2024, 3, 1))
    assert window.code == "C-20240301-20240301"


@pytest.mark.parametrize(
    "code", ["Q5-2022", "X", "", "M13-2022", "M0-2022", "H3-2024", "Q3 2022", "2022-Q3"]
)
def test_unknown_codes_are_refused_in_vietnamese(code):
    with pytest.raises(PeriodCodeError) as info:
        parse_period(code)
    message = str(info.value)
    assert message.startswith(f"Không hiểu mã kỳ báo cáo '{code}'.")
    assert "Q3-2022" in message and "01/01/2024-31/07/2024" in message


@pytest.mark.parametrize("code", ["31/07/2024-01/01/2024", "C-20240731-20240101"])
def test_custom_window_ending_before_it_starts_is_refused(code):
    with pytest.raises(PeriodCodeError) as info:
        parse_period(code)
    assert str(info.value) == (
        "Kỳ báo cáo tùy chọn: ngày kết thúc 01/01/2024 trước ngày bắt đầu 31/07/2024."
    )


@pytest.mark.parametrize("code", ["C-20240230-20240301", "30/02/2024-01/03/2024"])
def test_custom_window_with_an_impossible_date_is_refused(code):
    with pytest.raises(PeriodCodeError) as info:
        parse_period(code)
    assert str(info.value) == f"Kỳ báo cáo '{code}': ngày không hợp lệ."


@pytest.mark.parametrize(
    ("code", "previous"),
    [
        ("Q3-2022", "Q2-2022"),
        ("Q1-2022", "Q4-2021"),
        ("M1-2022", "M12-2021"),
        ("M8-2021", "M7-2021"),
        ("H1-2024", "H2-2023"),
        ("H2-2024", "H1-2024"),
        ("9M-2024", "9M-2023"),
        ("Y-2022", "Y-2021"),
    ],
)
def test_previous(code, previous):
    assert parse_period(code).previous() == parse_period(previous)


def test_previous_of_q1_is_q4_of_last_year_window():
    window = parse_period("Q1-2022").previous()
    assert window.text == "15/09/2021 - 14/12/2021"


@pytest.mark.parametrize(
    ("code", "last_year", "text"),
    [
        ("Q3-2022", "Q3-2021", "15/06/2021 - 14/09/2021"),
        ("M1-2022", "M1-2021", "15/12/2020 - 14/01/2021"),
        ("H1-2024", "H1-2023", "15/12/2022 - 14/06/2023"),
        ("9M-2024", "9M-2023", "15/12/2022 - 14/09/2023"),
        ("Y-2022", "Y-2021", "15/12/2020 - 14/12/2021"),
    ],
)
def test_same_period_last_year(code, last_year, text):
    window = parse_period(code).same_period_last_year()
    assert window.code == last_year
    assert window.text == text


def test_custom_window_has_no_previous_or_last_year():
    window = parse_period("01/01/2024-31/07/2024")
    assert window.previous() is None
    assert window.same_period_last_year() is None


@pytest.mark.django_db
def test_period_command_prints_the_window():
    buf = StringIO()
    call_command("period", "Q3-2022", stdout=buf)
    assert buf.getvalue() == "15/06/2022 - 14/09/2022\n"


@pytest.mark.django_db
def test_period_command_prints_the_deadline_on_request():
    CalendarOverride.objects.filter(date__range=(date(2022, 9, 1), date(2022, 9, 30))).delete()
    buf = StringIO()
    call_command("period", "Q3-2022", "--verbose-deadline", stdout=buf)
    assert buf.getvalue().splitlines() == [
        "15/06/2022 - 14/09/2022",
        "Kỳ quý III năm 2022; hạn gửi: 16/09/2022 (2 ngày làm việc sau ngày chốt số liệu)",
    ]


@pytest.mark.django_db
def test_period_command_refuses_a_bad_code():
    with pytest.raises(CommandError, match="Không hiểu mã kỳ báo cáo 'Q5-2022'"):
        call_command("period", "Q5-2022", stdout=StringIO())


# --- working days ----------------------------------------------------------------------------


def test_weekends_are_skipped():
    calendar = WorkingCalendar()
    friday = date(2022, 10, 7)
    assert calendar.is_working_day(friday)
    assert calendar.day_off_reason(date(2022, 10, 8)) == "Thứ Bảy"
    assert calendar.day_off_reason(date(2022, 10, 9)) == "Chủ nhật"
    assert calendar.add_working_days(friday, 1) == date(2022, 10, 10)
    assert calendar.add_working_days(friday, 5) == date(2022, 10, 14)
    assert calendar.add_working_days(friday, 6) == date(2022, 10, 17)


def test_zero_working_days():
    calendar = WorkingCalendar()
    assert calendar.add_working_days(date(2022, 10, 7), 0) == date(2022, 10, 7)
    assert calendar.add_working_days(date(2022, 10, 8), 0) == date(2022, 10, 10)


def test_negative_count_is_refused():
    with pytest.raises(ValueError):
        WorkingCalendar().add_working_days(date(2022, 10, 7), -1)


def test_tet_2023():
    # The holidays package lists Tết 2023 from 29 Tết (Fri 20/01) to mùng năm (Thu 26/01).
    listed = vn_holidays(2023)
    assert all(date(2023, 1, day) in listed for day in range(20, 27))
    assert date(2023, 1, 27) not in listed
    calendar = WorkingCalendar()
    thursday = date(2023, 1, 19)
    # Fri 20 … Thu 26 off (Sat 21 and Sun 22 too); Fri 27 is the first working day, then
    # the weekend, so the second working day is Monday 30/01/2023.
    assert calendar.add_working_days(thursday, 1) == date(2023, 1, 27)
    assert calendar.add_working_days(thursday, 2) == date(2023, 1, 30)
    skipped = calendar.skipped_days(thursday, date(2023, 1, 30))
    days = (20, 21, 22, 23, 24, 25, 26, 28, 29)
    assert [d for d, _ in skipped] == [date(2023, 1, d) for d in days]
    reasons = dict(skipped)
    # A Saturday that is a Tết day is named as Tết, with its lunar date.
    assert reasons[date(2023, 1, 21)] == "Tết Nguyên đán, giao thừa 30 tháng Chạp"
    assert reasons[date(2023, 1, 23)] == "Tết Nguyên đán, mùng 2 tháng Giêng"
    assert reasons[date(2023, 1, 28)] == "Thứ Bảy, mùng 7 tháng Giêng"
    assert calendar.day_off_reason(date(2023, 2, 4)) == "Thứ Bảy"  # mùng 14: past Tết


def test_tet_days_are_named_by_their_lunar_date():
    # Tết Ất Tỵ 2025: tháng Chạp of Giáp Thìn had 29 days, so Mon 27/01/2025 is 28 tháng
    # Chạp (the holidays package calls it "29 Tết") and Tue 28/01 is the eve.
    calendar = WorkingCalendar()
    reasons = dict(calendar.skipped_days(date(2025, 1, 24), date(2025, 2, 3)))
    assert reasons == {
        date(2025, 1, 25): "Thứ Bảy, 26 tháng Chạp",
        date(2025, 1, 26): "Chủ nhật, 27 tháng Chạp",
        date(2025, 1, 27): "Tết Nguyên đán, 28 tháng Chạp",
        date(2025, 1, 28): "Tết Nguyên đán, giao thừa 29 tháng Chạp",
        date(2025, 1, 29): "Tết Nguyên đán, mùng 1 tháng Giêng",
        date(2025, 1, 30): "Tết Nguyên đán, mùng 2 tháng Giêng",
        date(2025, 1, 31): "Tết Nguyên đán, mùng 3 tháng Giêng",
        date(2025, 2, 1): "Tết Nguyên đán, mùng 4 tháng Giêng",
        date(2025, 2, 2): "Chủ nhật, mùng 5 tháng Giêng",
    }
    # Tết Giáp Thìn 2024: a 30-day tháng Chạp, the eve is the 30th.
    assert tet_day_name(date(2024, 2, 8)) == "29 tháng Chạp"
    assert tet_day_name(date(2024, 2, 9)) == "giao thừa 30 tháng Chạp"
    assert tet_day_name(date(2026, 2, 17)) == "mùng 1 tháng Giêng"  # Bính Ngọ
    assert tet_day_name(date(2026, 3, 17)) is None


def test_a_day_off_announced_for_tet_keeps_its_note_and_gets_its_lunar_date():
    calendar = WorkingCalendar.from_overrides(
        [(date(2026, 2, 13), False, "Nghỉ Tết Bính Ngọ (Thông báo của Bộ Nội vụ)")]
    )
    assert calendar.day_off_reason(date(2026, 2, 13)) == (
        "Nghỉ Tết Bính Ngọ (Thông báo của Bộ Nội vụ), 26 tháng Chạp"
    )
    assert calendar.day_off_reason(date(2026, 9, 2)) == "Quốc khánh"


def test_tet_2024():
    listed = vn_holidays(2024)
    assert all(date(2024, 2, day) in listed for day in range(8, 15))
    calendar = WorkingCalendar()
    # Wed 07/02/2024, then Thu 08 … Wed 14/02 off: next working days Thu 15 and Fri 16.
    assert calendar.add_working_days(date(2024, 2, 7), 1) == date(2024, 2, 15)
    assert calendar.add_working_days(date(2024, 2, 7), 2) == date(2024, 2, 16)
    assert calendar.next_working_day(date(2024, 2, 7)) == date(2024, 2, 15)


def test_30_4_and_1_5_2024_without_the_working_saturday():
    listed = vn_holidays(2024)
    assert {date(2024, 4, 29), date(2024, 4, 30), date(2024, 5, 1)} <= set(listed)
    assert date(2024, 5, 4) not in listed
    calendar = WorkingCalendar()
    friday = date(2024, 4, 26)
    assert calendar.day_off_reason(date(2024, 4, 29)) == "Ngày nghỉ (thay cho ngày 04/05/2024)"
    assert calendar.day_off_reason(date(2024, 5, 4)) == "Thứ Bảy"
    # Mon 29/4, Tue 30/4, Wed 1/5 off → Thu 2/5, Fri 3/5, then Mon 6/5.
    assert calendar.add_working_days(friday, 1) == date(2024, 5, 2)
    assert calendar.add_working_days(friday, 2) == date(2024, 5, 3)
    assert calendar.add_working_days(friday, 3) == date(2024, 5, 6)


def test_30_4_and_1_5_2024_with_the_working_saturday_override():
    calendar = WorkingCalendar.from_overrides(
        [(date(2024, 5, 4), True, "Làm bù cho ngày nghỉ 29/4/2024")]
    )
    assert calendar.is_working_day(date(2024, 5, 4))
    assert calendar.day_off_reason(date(2024, 5, 4)) is None
    assert calendar.add_working_days(date(2024, 4, 26), 3) == date(2024, 5, 4)
    assert calendar.add_working_days(date(2024, 4, 26), 4) == date(2024, 5, 6)
    assert calendar.add_working_days(date(2024, 5, 3), 1) == date(2024, 5, 4)


def test_working_day_override_beats_a_public_holiday():
    calendar = WorkingCalendar.from_overrides([(date(2024, 4, 29), True, "")])
    assert calendar.is_working_day(date(2024, 4, 29))


def test_extra_day_off_override():
    calendar = WorkingCalendar.from_overrides(
        [
            (date(2022, 9, 15), False, "Nghỉ theo Thông báo của UBND tỉnh"),
            (date(2022, 9, 16), False, ""),
        ]
    )
    assert calendar.day_off_reason(date(2022, 9, 15)) == "Nghỉ theo Thông báo của UBND tỉnh"
    assert calendar.day_off_reason(date(2022, 9, 16)) == "Ngày nghỉ theo thông báo"
    # Wed 14/9: Thu 15 and Fri 16 off, weekend → Mon 19, Tue 20.
    assert calendar.add_working_days(date(2022, 9, 14), 2) == date(2022, 9, 20)
    assert WorkingCalendar().add_working_days(date(2022, 9, 14), 2) == date(2022, 9, 16)


@pytest.mark.parametrize(
    ("start", "next_day", "days_off"),
    [
        # 2022: Thu 1/9 and Fri 2/9.
        (date(2022, 8, 31), date(2022, 9, 5), [date(2022, 9, 1), date(2022, 9, 2)]),
        # 2023: Fri 1/9, Sat 2/9 and its observed day Mon 4/9.
        (
            date(2023, 8, 31),
            date(2023, 9, 5),
            [date(2023, 9, 1), date(2023, 9, 2), date(2023, 9, 4)],
        ),
        # 2024: Mon 2/9 and Tue 3/9.
        (date(2024, 8, 30), date(2024, 9, 4), [date(2024, 9, 2), date(2024, 9, 3)]),
    ],
)
def test_national_day_holidays(start, next_day, days_off):
    listed = vn_holidays(start.year)
    assert all(day in listed for day in days_off)
    assert WorkingCalendar().add_working_days(start, 1) == next_day


def test_deadline_just_before_30_4_2023():
    # 2023: Sat 29/4 (Giỗ Tổ), Sun 30/4, Mon 1/5, Tue 2/5 and Wed 3/5 (observed days) are off.
    listed = vn_holidays(2023)
    assert {
        date(2023, 4, 29),
        date(2023, 4, 30),
        date(2023, 5, 1),
        date(2023, 5, 2),
        date(2023, 5, 3),
    } <= set(listed)
    calendar = WorkingCalendar()
    assert calendar.add_working_days(date(2023, 4, 28), 1) == date(2023, 5, 4)
    assert calendar.add_working_days(date(2023, 4, 28), 2) == date(2023, 5, 5)


weekdays_2020s = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
overrides = st.lists(st.tuples(weekdays_2020s, st.booleans(), st.just("ghi chú")), max_size=20)


@settings(max_examples=200, deadline=None)
@given(start=weekdays_2020s, count=st.integers(min_value=1, max_value=40), rows=overrides)
def test_add_working_days_property(start, count, rows):
    calendar = WorkingCalendar.from_overrides(rows)
    result = calendar.add_working_days(start, count)
    assert result > start
    assert calendar.is_working_day(result)
    assert len(working_days_between(calendar, start, result)) == count - 1
    skipped = calendar.skipped_days(start, result)
    assert len(skipped) + count - 1 == (result - start).days - 1


@settings(max_examples=100, deadline=None)
@given(start=weekdays_2020s)
def test_add_zero_working_days_property(start):
    calendar = WorkingCalendar()
    result = calendar.add_working_days(start, 0)
    assert result >= start
    assert calendar.is_working_day(result)
    assert working_days_between(calendar, start - timedelta(days=1), result) == []


# --- stored periods --------------------------------------------------------------------------


@pytest.mark.django_db
def test_period_for_code_stores_the_window():
    CalendarOverride.objects.filter(date__range=(date(2022, 9, 1), date(2022, 9, 30))).delete()
    period = Period.objects.for_code("Q3-2022")
    stored = Period.objects.get(code="Q3-2022")
    assert stored.pk == period.pk
    assert (stored.kind, stored.year, stored.number) == ("quarter", 2022, 3)
    assert (stored.start, stored.end) == (date(2022, 6, 15), date(2022, 9, 14))
    assert stored.deadline_for(2) == date(2022, 9, 16)
    assert stored.label == "quý III năm 2022"
    assert str(stored) == "Q3-2022 (quý III năm 2022)"


@pytest.mark.django_db
def test_period_for_code_returns_the_stored_period():
    first = Period.objects.for_code("q3-2022")
    again = Period.objects.for_code("Q3-2022")
    assert again.pk == first.pk
    assert Period.objects.filter(code="Q3-2022").count() == 1


@pytest.mark.django_db
def test_period_lookup_never_writes():
    unsaved = Period.objects.lookup("q3-2022")
    assert unsaved.pk is None and unsaved.code == "Q3-2022"
    assert unsaved.end == date(2022, 9, 14)
    assert not Period.objects.exists()
    stored = Period.objects.for_code("Q3-2022")
    assert Period.objects.lookup("Q3-2022").pk == stored.pk
    with pytest.raises(PeriodCodeError):
        Period.objects.lookup("Q5-2022")
    assert Period.objects.count() == 1


@pytest.mark.django_db
def test_deadline_with_more_working_days():
    CalendarOverride.objects.filter(date__range=(date(2022, 9, 1), date(2022, 9, 30))).delete()
    period = Period.objects.lookup("Q3-2022")
    # Wed 14/9 → Thu 15, Fri 16, Mon 19, Tue 20, Wed 21.
    assert period.deadline_for(5) == date(2022, 9, 21)


@pytest.mark.django_db
def test_deadline_with_zero_working_days_keeps_the_end_day():
    assert Period.objects.lookup("Q3-2022").deadline_for(0) == date(2022, 9, 14)


@pytest.mark.django_db
def test_custom_period_cut_off_just_before_30_4_2023():
    CalendarOverride.objects.filter(date__range=(date(2023, 4, 1), date(2023, 5, 31))).delete()
    period = Period.objects.for_code("01/04/2023-28/04/2023")
    assert period.code == "C-20230401-20230428"
    assert period.kind == "custom"
    assert period.year is None
    assert period.deadline_for(2) == date(2023, 5, 5)
    assert period.label == "từ ngày 01/04/2023 đến ngày 28/04/2023"
    assert period.window == parse_period("C-20230401-20230428")


@pytest.mark.django_db
def test_custom_period_cut_off_just_before_tet_2023():
    CalendarOverride.objects.filter(date__range=(date(2023, 1, 1), date(2023, 2, 28))).delete()
    period = Period.objects.for_code("C-20221215-20230119")
    assert period.deadline_for(2) == date(2023, 1, 30)


@pytest.mark.django_db
def test_stored_previous_and_same_period_last_year():
    q3 = Period.objects.for_code("Q3-2022")
    assert q3.previous() is None
    q2 = Period.objects.for_code("Q2-2022")
    last_year = Period.objects.for_code("Q3-2021")
    assert q3.previous() == q2
    assert q3.same_period_last_year() == last_year
    assert Period.objects.for_code("C-20240101-20240731").previous() is None


@pytest.mark.django_db
def test_working_calendar_uses_the_override_rows():
    CalendarOverride.objects.update_or_create(
        date=date(2024, 5, 4), defaults={"is_working_day": True, "note": "Làm bù cho 29/4/2024"}
    )
    CalendarOverride.objects.update_or_create(
        date=date(2022, 9, 15), defaults={"is_working_day": False, "note": "Nghỉ đột xuất"}
    )
    calendar = working_calendar()
    assert calendar.is_working_day(date(2024, 5, 4))
    assert calendar.day_off_reason(date(2022, 9, 15)) == "Nghỉ đột xuất"
    assert calendar.add_working_days(date(2024, 4, 26), 3) == date(2024, 5, 4)
    period = Period.objects.for_code("Q3-2022")
    # Wed 14/9: Thu 15/9 off by the override → Fri 16, Mon 19.
    assert period.deadline_for(2) == date(2022, 9, 19)


@pytest.mark.django_db
def test_a_stored_periods_deadline_follows_a_later_override():
    CalendarOverride.objects.filter(date__range=(date(2022, 9, 1), date(2022, 9, 30))).delete()
    period = Period.objects.for_code("Q3-2022")
    assert period.deadline_for(2) == date(2022, 9, 16)
    CalendarOverride.objects.create(date=date(2022, 9, 16), is_working_day=False, note="")
    assert Period.objects.get(pk=period.pk).deadline_for(2) == date(2022, 9, 19)
    assert str(CalendarOverride.objects.get(date=date(2022, 9, 16))) == "16/09/2022 (nghỉ)"


@pytest.mark.parametrize(
    "today, code",
    [
        (date(2026, 11, 22), "Q4-2026"),
        (date(2026, 12, 14), "Q4-2026"),
        (date(2026, 12, 15), "Q1-2027"),
        (date(2027, 3, 14), "Q1-2027"),
        (date(2027, 3, 15), "Q2-2027"),
    ],
)
def test_current_quarter_is_the_window_holding_today(today, code):
    assert current_quarter(today) == code
