from django.core.management.base import BaseCommand, CommandError

from cchc.org.models import Unit, UnitKind
from cchc.scoring.engine import ranking, score_units, scored_units
from cchc.scoring.management.commands._common import dumps, scheme_of, window_of


class Command(BaseCommand):
    help = (
        "Xếp hạng các đơn vị theo một bộ tiêu chí cho một kỳ: "
        "cchc ranking --scheme qd766 --period Q3-2026 [--unit TỈNH] [--kind department] [--json]"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True, help="mã bộ tiêu chí")
        parser.add_argument("--period", required=True, help="mã kỳ")
        parser.add_argument(
            "--unit", help="mã tỉnh (mặc định: mọi đơn vị cấp cao nhất, từng tỉnh một)"
        )
        parser.add_argument("--kind", choices=UnitKind.values, help="chỉ xếp hạng một loại đơn vị")
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args, scheme, period, unit, kind, json: bool, **options):
        found = scheme_of(scheme)
        window = window_of(period, found)
        roots = Unit.objects.filter(code=unit) if unit else Unit.objects.filter(parent=None)
        if unit and not roots:
            raise CommandError(f"Không có đơn vị mã '{unit}'.")
        kinds = [kind] if kind else [k for k in UnitKind.values if k in found.unit_kinds]
        output = []
        for root in roots.order_by("code"):
            for each in kinds:
                units = scored_units(found, root, window, each)
                if not units:
                    continue
                ranked = ranking(score_units(found, units, window))
                output.append((root, each, ranked))
        if json:
            self.stdout.write(
                dumps(
                    [
                        {
                            "unit": root.code,
                            "kind": each,
                            "ranking": [
                                {
                                    "position": r.position,
                                    "unit": r.score.unit.code,
                                    "name": r.score.unit.name,
                                    "total": r.score.as_json()["total"],
                                    "band": r.score.band,
                                }
                                for r in ranked
                            ],
                        }
                        for root, each, ranked in output
                    ]
                )
            )
            return
        if not output:
            self.stdout.write("Không có đơn vị nào được chấm theo bộ tiêu chí này.")
        labels = dict(UnitKind.choices)
        for root, each, ranked in output:
            self.stdout.write(f"{root.name} — {labels[each]}, {window.label}, {found.name}:")
            for r in ranked:
                position = f"{r.position:>3}." if r.position else "   —"
                self.stdout.write(
                    f"  {position} {r.score.unit.name:<60} {r.score.shown_total:>7}"
                    f"  {r.score.band or 'chưa có số liệu'}"
                )
