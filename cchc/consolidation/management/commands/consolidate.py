import json

from django.core.management.base import BaseCommand, CommandError

from cchc.consolidation.engine import (
    APPROVED,
    SUBMITTED,
    ConsolidationError,
    consolidate,
    consolidate_all,
)
from cchc.org.models import Unit
from cchc.periods.windows import PeriodCodeError, parse_period


class Command(BaseCommand):
    help = (
        "Tổng hợp số liệu các đơn vị trực thuộc một đơn vị cho một kỳ: "
        "cchc consolidate --unit ST --period Q3-2022 [--template so-nganh] "
        "[--include approved|submitted] [--json]"
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="mã đơn vị tổng hợp, ví dụ ST")
        parser.add_argument("--period", required=True, help="mã kỳ, ví dụ Q3-2022 hoặc Y-2026")
        parser.add_argument("--template", help="mã biểu mẫu (mặc định: biểu mẫu các đơn vị dùng)")
        parser.add_argument(
            "--include",
            choices=[APPROVED, SUBMITTED],
            default=APPROVED,
            help="approved: chỉ báo cáo đã phê duyệt; submitted: cả báo cáo đã gửi",
        )
        parser.add_argument(
            "--all-templates",
            action="store_true",
            help="tổng hợp theo mã chỉ tiêu trên báo cáo của mọi biểu mẫu các đơn vị dùng "
            "(như báo cáo của tỉnh được điền)",
        )
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args, unit, period, template, include, json: bool, **options):
        root = Unit.objects.filter(code=unit).first()
        if root is None:
            raise CommandError(f"Không có đơn vị mã '{unit}'.")
        if options["all_templates"] and template:
            raise CommandError("Dùng --template hoặc --all-templates, không dùng cả hai.")
        try:
            window = parse_period(period)
            if options["all_templates"]:
                across = consolidate_all(root, window, include)
                self.stdout.write(_dumps(across.as_json()))
                return
            result = consolidate(root, window, template, include)
        except (PeriodCodeError, ConsolidationError) as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.stdout.write(_dumps(result.as_json()))
            return
        self.stdout.write(
            f"{root.name}, {result.window.label}, biểu mẫu {result.template.code}: "
            f"{len(result.counted)} đơn vị được tổng hợp, {len(result.missing)} đơn vị thiếu."
        )
        for indicator in result.indicators:
            if indicator.key in result.values:
                self.stdout.write(f"  {indicator.key}: {result.shown(indicator.key) or '—'}")
        if result.missing:
            self.stdout.write("Thiếu: " + ", ".join(u.code for u in result.missing))


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
