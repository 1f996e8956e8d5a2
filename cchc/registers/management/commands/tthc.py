from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.org.models import Unit
from cchc.registers.management.commands.dossiers import import_path
from cchc.registers.models import ImportKind


class Command(BaseCommand):
    help = "Danh mục TTHC: cchc tthc import FILE --unit CODE [--mapping NGUỒN]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="nhập danh mục TTHC từ CSV/XLSX")
        load.add_argument("file", type=Path)
        load.add_argument("--unit", required=True)
        load.add_argument(
            "--mapping", help="tên nguồn dữ liệu có cách ghép cột đã lưu (tệp không theo cột chuẩn)"
        )

    def handle(self, *args, action, file, unit, mapping, **options):
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(f"Không có đơn vị mã {unit}.")
        result = import_path(file, unit_obj, ImportKind.PROCEDURES, mapping, self.stdout)
        self.stdout.write(result.summary)
