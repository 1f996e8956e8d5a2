import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.base.rowgroups import grouped
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.periods.windows import PeriodCodeError
from cchc.registers.imports import ImportRejected, ImportResult
from cchc.registers.mapping import (
    import_file,
    is_standard,
    read_headers,
    saved_mapping_for_file,
)
from cchc.registers.models import ColumnMapping, Dossier, ImportKind
from cchc.registers.services import cut_off_label, reclassify
from cchc.registers.stats import window_stats

SHOWN_ERRORS = 50


def import_path(
    path: Path, unit: Unit, kind: str, mapping_name: str | None, stdout, **options
) -> ImportResult:
    """Shared by `cchc dossiers import` and `cchc tthc import`."""
    if not path.exists():
        raise CommandError(f"Không tìm thấy tệp {path}.")
    saved = None
    if mapping_name:
        saved = ColumnMapping.objects.filter(kind=kind, name=mapping_name).first()
        if saved is None:
            names = ", ".join(
                ColumnMapping.objects.filter(kind=kind).values_list("name", flat=True)
            )
            raise CommandError(
                f"Chưa lưu cách ghép cột nào tên «{mapping_name}»"
                + (f" (đã có: {names})." if names else ".")
            )
    try:
        data = path.read_bytes()
        headers = read_headers(data, path.name, kind)
        if saved is None and not is_standard(headers, kind):
            saved = saved_mapping_for_file(data, path.name, kind, headers)
            if saved is not None:
                stdout.write(f"Dùng cách ghép cột đã lưu cho nguồn «{saved.name}».")
        if saved is None:
            return import_file(data, path.name, unit, kind, **options)
        return import_file(
            data,
            path.name,
            unit,
            kind,
            saved.columns,
            header_row=saved.header_row,
            values=saved.values,
            **options,
        )
    except ImportRejected as exc:
        groups = grouped(exc.errors)
        lines = [str(exc), *groups[:SHOWN_ERRORS]]
        if len(groups) > SHOWN_ERRORS:
            lines.append(f"… và {len(groups) - SHOWN_ERRORS} lỗi khác.")
        raise CommandError("\n".join(lines)) from exc


class Command(BaseCommand):
    help = (
        "Hồ sơ TTHC: cchc dossiers import FILE --unit CODE [--mapping NGUỒN] [--good-rows] | "
        "cchc dossiers stats --unit CODE --period Q3-2022 [--json] | "
        "cchc dossiers reclassify (--unit CODE | --all)"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="nhập tệp CSV/XLSX xuất từ hệ thống một cửa")
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
        stats = sub.add_parser("stats", help="số liệu Biểu II.06a của một kỳ")
        stats.add_argument("--unit", required=True)
        stats.add_argument("--period", required=True)
        stats.add_argument("--json", action="store_true")
        again = sub.add_parser(
            "reclassify",
            help="tính lại ngày bắt đầu, hạn và kết quả sau khi đổi giờ chốt hoặc lịch nghỉ",
        )
        which = again.add_mutually_exclusive_group(required=True)
        which.add_argument("--unit")
        which.add_argument("--all", action="store_true")

    def handle(self, *args, action, **options):
        if action == "reclassify":
            self._reclassify(options["unit"], options["all"])
            return
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {options['unit']}.")
        if action == "import":
            result = import_path(
                options["file"],
                unit,
                ImportKind.DOSSIERS,
                options["mapping"],
                self.stdout,
                good_rows_only=options["good_rows"],
            )
            self.stdout.write(result.summary)
            for warning in result.warnings:
                self.stdout.write(f"Lưu ý: {warning}")
            for line in grouped(result.skipped):
                self.stdout.write(f"  {line}")
        else:
            self._stats(unit, options["period"], options["json"])

    def _reclassify(self, code: str | None, everything: bool) -> None:
        if everything:
            units = list(Unit.objects.filter(pk__in=Dossier.objects.values("unit_id")))
        else:
            units = list(Unit.objects.filter(code=code))
            if not units:
                raise CommandError(f"Không có đơn vị mã {code}.")
        checked, changed = reclassify(units)
        self.stdout.write(
            f"Đã tính lại {checked} hồ sơ của {len(units)} đơn vị với giờ chốt "
            f"{cut_off_label()}: {changed} hồ sơ thay đổi hạn hoặc kết quả."
        )

    def _stats(self, unit, code: str, as_json: bool) -> None:
        try:
            period = Period.objects.lookup(code)
        except PeriodCodeError as exc:
            raise CommandError(str(exc)) from exc
        figures = window_stats(Dossier.objects.filter(unit=unit), period.start, period.end)
        if as_json:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
            return
        for key, value in figures.items():
            self.stdout.write(f"{key}: {value}")
