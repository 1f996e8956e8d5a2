import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.periods.windows import PeriodCodeError
from cchc.registers.imports import ImportRejected, import_dossiers
from cchc.registers.models import Dossier
from cchc.registers.stats import window_stats


class Command(BaseCommand):
    help = (
        "Hồ sơ TTHC: cchc dossiers import FILE --unit CODE [--good-rows] | "
        "cchc dossiers stats --unit CODE --period Q3-2022 [--json]"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="nhập tệp CSV/XLSX xuất từ hệ thống một cửa")
        load.add_argument("file", type=Path)
        load.add_argument("--unit", required=True)
        load.add_argument(
            "--good-rows",
            action="store_true",
            help="nhập các dòng đúng, bỏ qua và liệt kê dòng lỗi",
        )
        stats = sub.add_parser("stats", help="số liệu Biểu II.06a của một kỳ")
        stats.add_argument("--unit", required=True)
        stats.add_argument("--period", required=True)
        stats.add_argument("--json", action="store_true")

    def handle(self, *args, action, unit, **options):
        unit_obj = Unit.objects.filter(code=unit).first()
        if unit_obj is None:
            raise CommandError(f"Không có đơn vị mã {unit}.")
        if action == "import":
            self._import(unit_obj, options["file"], options["good_rows"])
        else:
            self._stats(unit_obj, options["period"], options["json"])

    def _import(self, unit, path: Path, good_rows: bool) -> None:
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        try:
            result = import_dossiers(path, path.name, unit, good_rows_only=good_rows)
        except ImportRejected as exc:
            lines = [str(exc), *(str(error) for error in exc.errors[:50])]
            if len(exc.errors) > 50:
                lines.append(f"… và {len(exc.errors) - 50} lỗi khác.")
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(result.summary)
        for error in result.skipped:
            self.stdout.write(f"  {error}")

    def _stats(self, unit, code: str, as_json: bool) -> None:
        try:
            period = Period.objects.for_code(code)
        except PeriodCodeError as exc:
            raise CommandError(str(exc)) from exc
        figures = window_stats(Dossier.objects.filter(unit=unit), period.start, period.end)
        if as_json:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key}: {value}")
