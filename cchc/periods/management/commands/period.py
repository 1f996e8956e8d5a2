from django.core.management.base import BaseCommand, CommandError

from cchc.periods.models import DEFAULT_DEADLINE_WORKING_DAYS, working_calendar
from cchc.periods.windows import PeriodCodeError, parse_period


class Command(BaseCommand):
    help = (
        "In khoảng thời gian chốt số liệu và hạn gửi của một kỳ báo cáo, ví dụ: cchc period Q3-2022"
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Mã kỳ: M8-2021, Q3-2022, H1-2024, 9M-2024, Y-2022, ...")
        parser.add_argument(
            "--deadline-days",
            type=int,
            default=DEFAULT_DEADLINE_WORKING_DAYS,
            help="số ngày làm việc sau ngày chốt số liệu",
        )
        parser.add_argument(
            "--verbose-deadline", action="store_true", help="in thêm hạn gửi báo cáo"
        )

    def handle(self, *args, code, deadline_days, verbose_deadline, **options):
        try:
            window = parse_period(code)
        except PeriodCodeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(window.text)
        if verbose_deadline:
            deadline = working_calendar().add_working_days(window.end, deadline_days)
            self.stdout.write(
                f"Kỳ {window.label}; hạn gửi: {deadline:%d/%m/%Y} "
                f"({deadline_days} ngày làm việc sau ngày chốt số liệu)"
            )
