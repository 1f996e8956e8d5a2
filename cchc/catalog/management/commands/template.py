from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.catalog.loader import TemplateFileError, load_builtin_templates, load_template


class Command(BaseCommand):
    help = "Nạp biểu mẫu báo cáo từ tệp YAML: cchc template load FILE | cchc template builtin"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="nạp một tệp YAML")
        load.add_argument("file", type=Path)
        sub.add_parser("builtin", help="nạp các biểu mẫu có sẵn")

    def handle(self, *args, action, **options):
        try:
            templates = (
                [load_template(options["file"])] if action == "load" else load_builtin_templates()
            )
        except TemplateFileError as exc:
            raise CommandError(str(exc)) from exc
        for template in templates:
            self.stdout.write(
                f"Đã nạp biểu mẫu {template.code} phiên bản {template.version}: "
                f"{template.indicators.count()} chỉ tiêu, {template.rules.count()} quy tắc, "
                f"{template.outline.count()} mục đề cương."
            )
        if not templates:
            self.stdout.write("Không có biểu mẫu mới.")
