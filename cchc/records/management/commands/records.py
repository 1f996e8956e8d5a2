from django.core.management.base import BaseCommand, CommandError

from cchc.org.models import Unit
from cchc.records.services import recompute_due_dates


class Command(BaseCommand):
    help = (
        "Sổ theo dõi CCHC: cchc records recompute [--unit CODE] — tính lại hạn của nhiệm vụ "
        "và phản ánh, kiến nghị đã lưu theo lịch làm việc hiện hành, sau khi thêm hoặc sửa "
        "ngày nghỉ, ngày làm bù"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        again = sub.add_parser(
            "recompute",
            help="tính lại hạn đã lưu theo lịch làm việc hiện hành (mọi đơn vị nếu không "
            "nêu --unit)",
        )
        again.add_argument("--unit", help="mã đơn vị, ví dụ ST-STTTT")

    def handle(self, *args, action, unit=None, **options):
        units = None
        if unit:
            units = list(Unit.objects.filter(code=unit))
            if not units:
                raise CommandError(f"Không có đơn vị mã {unit}.")
        figures = recompute_due_dates(None, units)
        for slug, (checked, moved) in figures.items():
            self.stdout.write(f"{slug}: đã tính lại {checked} bản ghi, {moved} hạn thay đổi.")
