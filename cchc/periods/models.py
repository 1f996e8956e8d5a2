"""Reporting periods and the editable calendar overrides."""

from __future__ import annotations

import datetime

from django.db import models

from cchc.periods.windows import Window, parse_period
from cchc.periods.workdays import WorkdayTable, WorkingCalendar

DEFAULT_DEADLINE_WORKING_DAYS = 2


class CalendarOverride(models.Model):
    """A day that the government notice of the year swaps: an extra day off, or a
    Saturday that is worked in exchange."""

    date = models.DateField("ngày", unique=True)
    is_working_day = models.BooleanField(
        "là ngày làm việc", help_text="Đánh dấu nếu là ngày làm bù (ví dụ thứ Bảy làm việc)."
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "ngày nghỉ/làm bù"
        verbose_name_plural = "lịch nghỉ, làm bù hằng năm"

    def __str__(self) -> str:
        kind = "làm bù" if self.is_working_day else "nghỉ"
        return f"{self.date:%d/%m/%Y} ({kind})"


def working_calendar() -> WorkingCalendar:
    rows = CalendarOverride.objects.values_list("date", "is_working_day", "note")
    return WorkingCalendar.from_overrides(rows)


def workday_table() -> WorkdayTable:
    """The working-day calendar with today's overrides as arrays, for vectorised date
    arithmetic (built once per set of overrides)."""
    return WorkdayTable.for_overrides(
        CalendarOverride.objects.values_list("date", "is_working_day", "note")
    )


class PeriodManager(models.Manager["Period"]):
    def for_code(self, code: str, deadline_working_days: int | None = None) -> Period:
        """The stored period for `code`, created with its window and deadline when new."""
        window = parse_period(code)
        period = self.filter(code=window.code).first()
        if period is not None:
            return period
        period = Period(
            code=window.code,
            kind=window.kind,
            year=window.year,
            number=window.number,
            start=window.start,
            end=window.end,
            deadline_working_days=(
                DEFAULT_DEADLINE_WORKING_DAYS
                if deadline_working_days is None
                else deadline_working_days
            ),
        )
        period.deadline = period.compute_deadline()
        period.save()
        return period


class Period(models.Model):
    code = models.CharField("mã kỳ", max_length=40, unique=True)
    kind = models.CharField("loại kỳ", max_length=20)
    year = models.PositiveIntegerField("năm", null=True, blank=True)
    number = models.PositiveSmallIntegerField("số thứ tự", null=True, blank=True)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày (ngày chốt số liệu)")
    deadline_working_days = models.PositiveSmallIntegerField(
        "số ngày làm việc được gửi sau ngày chốt", default=DEFAULT_DEADLINE_WORKING_DAYS
    )
    deadline = models.DateField("hạn gửi báo cáo")

    objects = PeriodManager()

    class Meta:
        ordering = ["-end", "code"]
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"

    def __str__(self) -> str:
        return f"{self.code} ({self.label})"

    @property
    def window(self) -> Window:
        if self.kind == "custom":
            return Window(self.code, "custom", None, None, self.start, self.end)
        return parse_period(self.code)

    @property
    def label(self) -> str:
        return self.window.label

    def compute_deadline(self, calendar: WorkingCalendar | None = None) -> datetime.date:
        calendar = calendar or working_calendar()
        return calendar.add_working_days(self.end, self.deadline_working_days)

    def previous(self) -> Period | None:
        window = self.window.previous()
        return Period.objects.filter(code=window.code).first() if window else None

    def same_period_last_year(self) -> Period | None:
        window = self.window.same_period_last_year()
        return Period.objects.filter(code=window.code).first() if window else None
