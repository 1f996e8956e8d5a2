from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.scoring.loader import SchemeFileError, load_builtin_schemes, load_scheme


class Command(BaseCommand):
    help = "Nạp bộ tiêu chí chấm điểm từ tệp YAML: cchc scheme load FILE | cchc scheme builtin"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="nạp một tệp YAML")
        load.add_argument("file", type=Path)
        sub.add_parser("builtin", help="nạp các bộ tiêu chí có sẵn")

    def handle(self, *args, action, **options):
        try:
            schemes = [load_scheme(options["file"])] if action == "load" else load_builtin_schemes()
        except SchemeFileError as exc:
            raise CommandError(str(exc)) from exc
        for scheme in schemes:
            scored = scheme.criteria.filter(children=None).count()
            self.stdout.write(
                f"Đã nạp bộ tiêu chí {scheme.code} phiên bản {scheme.version}: {scored} tiêu "
                f"chí được chấm, tổng {scheme.max_points:g} điểm, {scheme.bands.count()} mức "
                "xếp loại."
            )
        if not schemes:
            self.stdout.write("Không có bộ tiêu chí mới.")
