from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.exchange.dump import write_dump
from cchc.exchange.errors import ExchangeError


class Command(BaseCommand):
    help = (
        "Xuất toàn bộ dữ liệu (hoặc dữ liệu một tỉnh) ra tệp zip: cchc dump -o FILE.zip "
        "[--province MÃ]"
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="tệp zip cần ghi")
        parser.add_argument(
            "--province",
            metavar="MÃ",
            help="chỉ dữ liệu của đơn vị này và các đơn vị trực thuộc, kèm dữ liệu dùng chung",
        )

    def handle(self, *args, output, province, **options):
        try:
            manifest = write_dump(Path(output), province)
        except ExchangeError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(member["rows"] for member in manifest["members"])
        self.stderr.write(
            f"Đã ghi {output}: {rows} dòng của {len(manifest['members'])} bảng, "
            f"{len(manifest['files'])} tệp minh chứng."
        )
        for missing in manifest["missing_files"]:
            self.stderr.write(f"Cảnh báo: không tìm thấy tệp minh chứng {missing} trong kho.")
        for reference, count in manifest["unlinked"].items():
            self.stderr.write(
                f"Lưu ý: {count} tham chiếu {reference} tới dữ liệu ngoài tỉnh được để trống."
            )
