from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.exchange.dump import cchc_version
from cchc.exchange.errors import ExchangeError
from cchc.exchange.restore import restore


class Command(BaseCommand):
    help = (
        "Khôi phục bản sao lưu của cchc dump vào cơ sở dữ liệu trống đã chạy migrate: "
        "cchc restore FILE.zip [--replace]"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp zip do cchc dump tạo")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="xóa toàn bộ dữ liệu hiện có của cơ sở dữ liệu đích rồi khôi phục",
        )

    def handle(self, *args, file, replace, **options):
        try:
            manifest = restore(Path(file), replace=replace)
        except ExchangeError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(member["rows"] for member in manifest["members"])
        scope = f" (tỉnh {manifest['province']})" if manifest["province"] else ""
        self.stderr.write(
            f"Đã khôi phục {file}{scope}: {rows} dòng của {len(manifest['members'])} bảng, "
            f"{len(manifest['files'])} tệp minh chứng."
        )
        if manifest.get("cchc_version") != cchc_version():
            self.stderr.write(
                f"Lưu ý: bản sao lưu do cchc {manifest.get('cchc_version')} tạo, đang chạy "
                f"cchc {cchc_version()} (cùng trạng thái migration nên vẫn khôi phục được)."
            )
