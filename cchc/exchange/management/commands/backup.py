from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.exchange.backup import backup
from cchc.exchange.errors import ExchangeError


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu khi máy chủ đang chạy (SQLite: sao lưu trực tuyến; "
        "PostgreSQL: pg_dump --format=custom): cchc backup -o FILE"
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="tệp sao lưu cần ghi")

    def handle(self, *args, output, **options):
        try:
            method = backup(Path(output))
        except ExchangeError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(f"Đã sao lưu cơ sở dữ liệu vào {output} ({method}).")
