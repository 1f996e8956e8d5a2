from django.core.management.base import BaseCommand

from cchc.catalog.values import format_number, rate_words
from cchc.scoring.engine import score_unit
from cchc.scoring.management.commands._common import dumps, scheme_of, unit_of, window_of


class Command(BaseCommand):
    help = (
        "Điểm của một đơn vị theo một bộ tiêu chí cho một kỳ: "
        "cchc score --scheme qd766 --unit ST-STP --period Q3-2026 [--json]"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True, help="mã bộ tiêu chí, ví dụ qd766")
        parser.add_argument("--unit", required=True, help="mã đơn vị")
        parser.add_argument("--period", required=True, help="mã kỳ, ví dụ M10-2026, Q3-2026")
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args, scheme, unit, period, json: bool, **options):
        found = scheme_of(scheme)
        score = score_unit(found, unit_of(unit), window_of(period, found))
        if json:
            self.stdout.write(dumps(score.as_json()))
            return
        self.stdout.write(
            f"{score.unit.name}, {score.window.label}, {found.name}: {score.shown_total} điểm"
            + (f" ({score.band})" if score.band else "")
        )
        for item in score.items:
            ratio = rate_words(item.ratio) if item.ratio is not None else "—"
            points = format_number(item.points, 2) if item.points is not None else "—"
            self.stdout.write(
                f"  {item.code:6} {points:>6}/{format_number(item.max_points, 2):<3} "
                f"tỷ lệ {ratio:>8}  {item.state_label}"
            )
