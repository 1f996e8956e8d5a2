from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.org.models import Unit
from cchc.registers.imports import ImportRejected, import_procedures


class Command(BaseCommand):
    help = "Danh mục TTHC: cchc tthc import FILE --unit CODE"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="nhập danh mục TTHC từ CSV/XLSX")
        load.add_argument("file", type=Path)
        load.add_argument("--unit", required=True)

    def handle(self, *args, action, file, unit, **options):
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(f"Không có đơn vị mã {unit}.")
        if not file.exists():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        try:
            result = import_procedures(file, file.name, unit_obj)
        except ImportRejected as exc:
            raise CommandError("\n".join([str(exc), *(str(e) for e in exc.errors[:50])])) from exc
        self.stdout.write(result.summary)
