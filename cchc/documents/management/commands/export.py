from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.documents.pdf import PdfUnavailable
from cchc.documents.registry import exporters
from cchc.periods.windows import PeriodCodeError, parse_period
from cchc.reports.models import Report


class Command(BaseCommand):
    help = (
        "Xuất báo cáo của một đơn vị: "
        "cchc export --unit ST-STTTT --period Q3-2022 --format docx -o bao-cao.docx"
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="mã đơn vị, ví dụ ST-STTTT")
        parser.add_argument("--period", required=True, help="mã kỳ, ví dụ Q3-2022")
        parser.add_argument("--format", required=True, choices=sorted(exporters()))
        parser.add_argument("-o", "--output", type=Path, help="tệp ghi ra (mặc định: tên chuẩn)")

    def handle(self, *args, unit, period, format, output, **options):
        try:
            code = parse_period(period).code
        except PeriodCodeError as exc:
            raise CommandError(str(exc)) from exc
        report = (
            Report.objects.select_related("unit", "period", "template")
            .filter(unit__code=unit, period__code=code)
            .first()
        )
        if report is None:
            raise CommandError(f"Đơn vị {unit} chưa có báo cáo kỳ {code}.")
        try:
            rendered = exporters()[format](report).render()
        except PdfUnavailable as exc:
            raise CommandError(str(exc)) from exc
        target = output or Path(rendered.filename)
        target.write_bytes(rendered.content)
        self.stdout.write(f"Đã ghi {target} ({len(rendered.content):,} byte).")
