import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.notices.models import Delivery, Kind
from cchc.notices.services import send_due_reminders
from cchc.periods.models import Period, working_calendar
from cchc.periods.windows import PeriodCodeError


class Command(BaseCommand):
    help = (
        "Gửi nhắc nhở đến hạn hôm nay cho người báo cáo của các đơn vị chưa gửi báo cáo "
        "(trước hạn và quá hạn, tính theo ngày làm việc); chạy hằng ngày bằng cron. "
        "Chạy lại trong ngày không gửi trùng; thư gửi lỗi được gửi lại ở lần chạy sau."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--period",
            help="chỉ xét kỳ này (Q3-2022, H1-2024, ...); mặc định: quý hiện tại, quý trước "
            "và các kỳ đã có báo cáo kết thúc gần đây",
        )
        parser.add_argument("--date", help="coi ngày này là hôm nay (YYYY-MM-DD)")
        parser.add_argument(
            "--dry-run", action="store_true", help="chỉ in những nhắc nhở sẽ gửi, không gửi"
        )

    def handle(self, *args, period=None, date=None, dry_run=False, **options):
        today = self._date(date) if date else timezone.localdate()
        periods = None
        if period:
            try:
                periods = [Period.objects.lookup(period)]
            except PeriodCodeError as exc:
                raise CommandError(f"--period: {exc}") from exc
        reason = working_calendar().day_off_reason(today)
        if reason:
            self.stdout.write(f"Ngày {today:%d/%m/%Y} là ngày nghỉ ({reason}): không gửi nhắc nhở.")
            return
        run = send_due_reminders(today, periods, dry_run=dry_run)
        lines = run.notices if not dry_run else run.drafts
        for item in lines:
            self.stdout.write(self._line(item, dry_run))
        if run.already:
            self.stdout.write(f"Đã nhắc trước đó, không gửi lại: {len(run.already)} người nhận.")
        for pending in run.nobody:
            self.stdout.write(
                f"{pending.unit.code} {pending.unit.name}: chưa có người báo cáo để nhắc."
            )
        if not lines:
            self.stdout.write(f"Ngày {today:%d/%m/%Y} không có nhắc nhở nào cần gửi.")
            return
        if dry_run:
            self.stdout.write(f"Chạy thử: {len(lines)} nhắc nhở sẽ được gửi, chưa gửi gì.")
            return
        failed = [n for n in run.notices if n.delivery == Delivery.FAILED]
        sent = sum(1 for n in run.notices if n.delivery == Delivery.SENT)
        in_app = sum(1 for n in run.notices if n.delivery == Delivery.NO_EMAIL)
        self.stdout.write(
            f"Đã ghi {len(run.notices)} nhắc nhở cho {len(run.units)} đơn vị; gửi thư {sent}, "
            f"lỗi {len(failed)}, chỉ thông báo trên hệ thống {in_app}."
        )
        if failed:
            raise CommandError(
                f"{len(failed)} thư nhắc nhở gửi lỗi (đã ghi lại; chạy lại lệnh để gửi lại)."
            )

    def _date(self, text: str) -> datetime.date:
        try:
            return datetime.date.fromisoformat(text.strip())
        except ValueError:
            raise CommandError(
                f"--date: '{text}' không phải ngày hợp lệ; ghi theo dạng YYYY-MM-DD, "
                "ví dụ 2026-02-12."
            ) from None

    def _line(self, item, dry_run: bool) -> str:
        kind = Kind(item.kind).label
        name = (
            item.recipient_name
            if not dry_run
            else (item.recipient.get_full_name() or item.recipient.username)
        )
        email = item.email if not dry_run else (item.recipient.email or "").strip()
        address = f" <{email}>" if email else " (chưa có e-mail)"
        head = (
            f"{item.period.code} {item.unit.code} {kind} (hạn {item.deadline:%d/%m/%Y}) "
            f"→ {name}{address}"
        )
        if dry_run:
            return f"{head}: sẽ gửi"
        result = item.get_delivery_display()
        return f"{head}: {result}" + (
            f" ({item.error})" if item.delivery == Delivery.FAILED else ""
        )
