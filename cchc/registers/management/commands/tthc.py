from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.base.rowgroups import grouped
from cchc.org.models import Unit
from cchc.registers.management.commands.dossiers import import_path
from cchc.registers.models import ImportKind


class Command(BaseCommand):
    help = "Danh mục TTHC: cchc tthc import FILE --unit CODE [--mapping NGUỒN] [--good-rows]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="nhập danh mục TTHC từ CSV/XLSX")
        load.add_argument("file", type=Path)
        load.add_argument("--unit", required=True)
        load.add_argument(
            "--mapping", help="tên nguồn dữ liệu có cách ghép cột đã lưu (tệp không theo cột chuẩn)"
        )
        load.add_argument(
            "--good-rows",
            action="store_true",
            help="nhập các dòng đúng, bỏ qua và liệt kê dòng lỗi",
        )

    def handle(self, *args, action, file, unit, mapping, good_rows, **options):
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(f"Không có đơn vị mã {unit}.")
        result = import_path(
            file, unit_obj, ImportKind.PROCEDURES, mapping, self.stdout, good_rows_only=good_rows
        )
        self.stdout.write(result.summary)
        for warning in result.warnings:
            self.stdout.write(f"Lưu ý: {warning}")
        for line in grouped(result.skipped):
            self.stdout.write(f"  {line}")
