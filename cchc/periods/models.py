"""Reporting periods and the editable calendar overrides."""

from __future__ import annotations

import datetime

from django.db import models

from cchc.periods.windows import Window, parse_period
from cchc.periods.workdays import WorkdayTable, WorkingCalendar

# The usual number of working days a report may be sent after the end day (the templates'
# default); `cchc period --verbose-deadline` uses it when not told otherwise.
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
    def lookup(self, code: str) -> Period:
        """The period of `code` without writing anything: the stored row when there is one,
        otherwise an unsaved Period with its window (pages call this on every GET)."""
        window = parse_period(code)
        return self.filter(code=window.code).first() or Period.from_window(window)

    def for_code(self, code: str) -> Period:
        """The stored period of `code`, created when new: only for the services that write
        something belonging to the period (starting a report, the demo loader)."""
        window = parse_period(code)
        unsaved = Period.from_window(window)
        period, _ = self.get_or_create(
            code=window.code,
            defaults={
                "kind": unsaved.kind,
                "year": unsaved.year,
                "number": unsaved.number,
                "start": unsaved.start,
                "end": unsaved.end,
            },
        )
        return period


class Period(models.Model):
    """A reporting window. Its deadline is not stored: it is derived on demand from the end
    day, the report template's number of working days and the calendar in force today, so a
    later calendar override can never leave a stale deadline behind."""

    code = models.CharField("mã kỳ", max_length=40, unique=True)
    kind = models.CharField("loại kỳ", max_length=20)
    year = models.PositiveIntegerField("năm", null=True, blank=True)
    number = models.PositiveSmallIntegerField("số thứ tự", null=True, blank=True)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày (ngày chốt số liệu)")

    objects = PeriodManager()

    class Meta:
        ordering = ["-end", "code"]
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"

    def __str__(self) -> str:
        return f"{self.code} ({self.label})"

    @classmethod
    def from_window(cls, window: Window) -> Period:
        return cls(
            code=window.code,
            kind=window.kind,
            year=window.year,
            number=window.number,
            start=window.start,
            end=window.end,
        )

    @property
    def window(self) -> Window:
        if self.kind == "custom":
            return Window(self.code, "custom", None, None, self.start, self.end)
        return parse_period(self.code)

    @property
    def label(self) -> str:
        return self.window.label

    def deadline_for(
        self, working_days: int, calendar: WorkingCalendar | None = None
    ) -> datetime.date:
        """The day a report is due: `working_days` working days after the end day on the
        calendar in force (a template's deadline_working_days; 0 keeps the end day when it
        is a working day)."""
        calendar = calendar or working_calendar()
        return calendar.add_working_days(self.end, working_days)

    def previous(self) -> Period | None:
        window = self.window.previous()
        return Period.objects.filter(code=window.code).first() if window else None

    def same_period_last_year(self) -> Period | None:
        window = self.window.same_period_last_year()
        return Period.objects.filter(code=window.code).first() if window else None
