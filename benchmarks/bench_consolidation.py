"""Benchmark: consolidation, the province dashboard and a drill-down.

In a fresh database (SQLite file in a temporary CCHC_DATA_DIR, or, when DATABASE_URL points
at PostgreSQL, a fresh database `bench_consolidation` created next to it and dropped after):

1. a template of 180 numeric indicators (120 summed of which 60 also over periods, 20
   averaged, 10 weighted, 10 yes/no counted, 10 maxima, 10 derived by formula), among them
   the 8 the dashboard shows, with the rules of `so-nganh` (so that the dashboard reads and
   computes them as it does for a real province);
2. for each size (50, 100, 200 units by default), a province with that many departments,
   each with an approved report for each of the 8 quarters up to Q3-2026 holding a value for
   every indicator that is not derived (setup: rows written with bulk_create, not timed);
3. timed, median of --repeat runs after one warm-up: `consolidate()` of Q3-2026 (one period,
   every indicator), of Y-2026 built from its quarters (the rule over periods), the province
   dashboard page over 8 periods and the drill-down page of one indicator, both through
   Django's test client as the province's consolidator (server time: the whole request in
   process, no network).

Run:   .venv/bin/python benchmarks/bench_consolidation.py
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python \\
           benchmarks/bench_consolidation.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fresh import drop_database, setup_database, timed  # noqa: E402

PG_BENCH_DB = "bench_consolidation"
DASHBOARD_FLOWS = (
    "dossiers_received",
    "dossiers_returned",
    "online_dossiers_received",
    "online_procedures_dossiers_total",
)
QUARTERS = ["Q4-2024", "Q1-2025", "Q2-2025", "Q3-2025", "Q4-2025", "Q1-2026", "Q2-2026", "Q3-2026"]


def template_yaml() -> str:
    rows = []

    def row(key: str, kind: str, rule: str, extra: str = "") -> None:
        rows.append(f'      - {{key: {key}, label: "{key}", type: {kind}, {rule}{extra}}}')

    for key in DASHBOARD_FLOWS:
        row(key, "integer", "consolidation: {units: sum, periods: sum}")
    for key in ("plan_tasks_total", "plan_tasks_done"):
        row(key, "integer", "consolidation: sum")
    row(
        "dossiers_on_time_rate",
        "percent",
        "consolidation: {units: weighted, weight: dossiers_returned, periods: weighted}",
    )
    row(
        "plan_completion_rate",
        "percent",
        "consolidation: avg",
        ', formula: "plan_tasks_done / plan_tasks_total * 100"',
    )
    for n in range(60 - len(DASHBOARD_FLOWS)):
        row(f"flow_{n}", "integer", "consolidation: {units: sum, periods: sum}")
    for n in range(58):
        row(f"stock_{n}", "integer", "consolidation: sum")
    for n in range(20):
        row(f"rate_{n}", "percent", "consolidation: avg")
    for n in range(9):
        row(
            f"weighted_{n}",
            "percent",
            f"consolidation: {{units: weighted, weight: flow_{n}, periods: weighted}}",
        )
    for n in range(10):
        row(
            f"yes_{n}",
            "yes_no",
            "consolidation: count_true",
            ', choices: [{value: 0, label: "Không"}, {value: 1, label: "Có"}]',
        )
    for n in range(10):
        row(f"peak_{n}", "integer", "consolidation: max")
    for n in range(9):
        row(
            f"derived_{n}",
            "percent",
            "consolidation: none",
            f', formula: "flow_{n} / (stock_{n} + 1) * 100"',
        )
    return (
        "code: bench\nversion: 1\nname: Bench\nsections:\n"
        "  - code: I\n    title: Bench\n    rows:\n" + "\n".join(rows) + "\n"
    )


def build(size: int, template, rng: random.Random):
    from django.contrib.auth.models import User

    from cchc.org.models import Role, RoleAssignment, Unit, UnitKind
    from cchc.periods.models import Period
    from cchc.reports.models import Report, Status, Value

    root = Unit.objects.create(code=f"P{size}", name=f"UBND tỉnh {size}", kind=UnitKind.PROVINCE)
    Unit.objects.bulk_create(
        Unit(
            code=f"P{size}-S{n:03d}",
            name=f"Sở {n} tỉnh {size}",
            kind=UnitKind.DEPARTMENT,
            parent=root,
            must_report=True,
        )
        for n in range(size)
    )
    units = list(Unit.objects.filter(parent=root))
    user = User.objects.create_user(f"snv{size}", password="x")
    RoleAssignment.objects.create(user=user, unit=root, role=Role.CONSOLIDATOR)
    periods = [Period.objects.for_code(code) for code in QUARTERS]
    Report.objects.bulk_create(
        Report(unit=unit, period=period, template=template, status=Status.APPROVED)
        for unit in units
        for period in periods
    )
    indicators = [i for i in template.indicators.all() if not i.formula]
    values = []
    for report in Report.objects.filter(unit__parent=root):
        for indicator in indicators:
            if indicator.value_type == "yes_no":
                number = rng.randint(0, 1)
            elif indicator.value_type == "percent":
                number = round(rng.uniform(40, 100), 2)
            else:
                number = rng.randint(0, 500)
            values.append(Value(report=report, indicator=indicator, number=number))
        if len(values) > 50_000:
            Value.objects.bulk_create(values, batch_size=5000)
            values = []
    Value.objects.bulk_create(values, batch_size=5000)
    return root, user


def measure(consolidate, root, client, dashboard: str, drill: str, repeat: int) -> dict:
    return {
        "consolidate Q3-2026 s": timed(lambda: consolidate(root, "Q3-2026", "bench"), repeat),
        "consolidate Y-2026 from quarters s": timed(
            lambda: consolidate(root, "Y-2026", "bench"), repeat
        ),
        "dashboard 8 periods s": timed(lambda: client.get(dashboard), repeat),
        "drill-down s": timed(lambda: client.get(drill), repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    database = setup_database(PG_BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    os.environ.setdefault("CCHC_DEBUG", "0")
    os.environ.setdefault("CCHC_SECRET_KEY", "benchmark-only-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from cchc.catalog.loader import load_template
    from cchc.consolidation.engine import consolidate

    setup_test_environment()
    call_command("migrate", verbosity=0)
    path = Path(tempfile.mkdtemp()) / "bench.yaml"
    path.write_text(template_yaml(), encoding="utf-8")
    template = load_template(path)
    rng = random.Random(20261203)
    results = []
    for size in args.units:
        start = time.perf_counter()
        root, user = build(size, template, rng)
        setup = time.perf_counter() - start
        if database == "PostgreSQL":
            # Fresh bulk-loaded tables have no planner statistics until autovacuum runs
            # (which it may do in the middle of the timings): gather them first, as a
            # database in use has them.
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        client = Client()
        client.force_login(user)
        check = consolidate(root, "Q3-2026", "bench")
        assert len(check.counted) == size and len(check.values) == 180, len(check.values)
        dashboard = f"/dashboard/Q3-2026/?unit={root.code}&template=bench"
        drill = f"/consolidation/Q3-2026/weighted_3/?unit={root.code}&template=bench"
        for url in (dashboard, drill):
            assert client.get(url).status_code == 200, url
        row = {"units": size, "values per period": size * 170, "setup s": round(setup, 1)}
        row.update(measure(consolidate, root, client, dashboard, drill, args.repeat))
        results.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    print()
    print(
        f"{database}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    header = list(results[0])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in results:
        cells = [
            f"{v:.3f}" if isinstance(v, float) and k.endswith(" s") and "setup" not in k else str(v)
            for k, v in row.items()
        ]
        print("| " + " | ".join(cells) + " |")
    drop_database(PG_BENCH_DB)


if __name__ == "__main__":
    main()
