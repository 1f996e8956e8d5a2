"""Benchmark: the dossier statistics on millions of rows, unpartitioned and by receipt month.

On PostgreSQL only (DATABASE_URL), in a fresh database `bench_partitions` created next to
DATABASE_URL's and dropped afterwards (unless --keep):

1. migrate; a province of --units units (default 100: what one of 34 provinces holds of
   ~3,400 reporting units) and --other-provinces provinces (default 3) of --other-units units
   each (default 25), a consolidator of the first province;
2. --rows dossiers (default 10,000,000) generated in SQL (INSERT … SELECT over
   generate_series into an unlogged staging table, no Python loop per row): received over
   the 24 months 01/12/2024–30/11/2026 in receipt order (as a live system appends them),
   a unit drawn at random, a channel (60% online, 35% direct, 5% by post), a procedure of
   60, a deadline of 5–20 days, a result 40–130% of it after receipt (none when that falls
   after 30/11/2026, and none for 0.5% of dossiers that stall), the verdict from the two,
   supplements, statuses refused/withdrawn/stopped at 2%, and the yes/no columns;
3. the bulk insert timed into (i) the app's own table `registers_dossier` with its
   migrated indexes and (ii) a copy `registers_dossier_by_month` PARTITION BY RANGE
   (received_at), one partition per month, the same indexes on the partitioned table (the
   primary key and the (unit, code) constraint then include received_at); VACUUM ANALYZE
   both; table and index sizes;
4. the statistics queries the pages run, captured from the app's own functions (the SQL
   Django emits, parameters bound): window_stats for one unit (the dossiers page, Biểu
   II.06a of a unit, the API), grouped_stats by unit over a consolidator's units (the
   province overview and its XLSX) and over every dossier (a national table), each for a
   quarter (Q3-2026) and for a year (Y-2025). Each SQL runs as captured against the app's
   table and, with the table name replaced, against the partitioned copy: the median of
   --repeat runs after a warm-up, then EXPLAIN (ANALYZE, BUFFERS) for the partitions scanned
   and the buffers hit/read (--jit off: with JIT off for these queries). A variant "+bound"
   adds `received_at < end of the window` (a filter the app does not apply today, see
   docs/SCALE.md) to show what pruning would give.

Run:   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
           .venv/bin/python benchmarks/bench_partitions.py --rows 1000000 --json-out /tmp/p.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fresh import drop_database, setup_database  # noqa: E402

PG_BENCH_DB = "bench_partitions"
TABLE = "registers_dossier"
COPY = "registers_dossier_by_month"
FIRST_MONTH = datetime.date(2024, 12, 1)
MONTHS = 24
DATA_END = datetime.date(2026, 11, 30)
QUERIES = [  # (name, kind, period)
    ("unit quarter", "unit", "Q3-2026"),
    ("province quarter", "province", "Q3-2026"),
    ("national quarter", "national", "Q3-2026"),
    ("unit year", "unit", "Y-2025"),
    ("province year", "province", "Y-2025"),
    ("national year", "national", "Y-2025"),
]

COLUMNS = (
    "unit_id, code, procedure_code, channel, received_at, promised_on, supplement_count,"
    " supplement_requested_at, supplement_completed_at, result_on, returned_on, status,"
    " start_on, due_on, verdict, promised_differs, digitised, fee_due, paid_online,"
    " electronic_result, apology_number, apology_on, new_due_on"
)

# One row per generate_series value; `r` holds the row's random draws, computed once. The
# receipt day follows g (rows arrive in time order), the unit is drawn from the array.
GENERATE = f"""
INSERT INTO staging ({COLUMNS})
SELECT unit_id, 'HS' || g, 'T' || lpad(procedure::text, 2, '0'), channel, received_at,
       due_on, supplements,
       CASE WHEN supplements > 0 THEN received_at + interval '2 days' END,
       CASE WHEN supplements > 0 THEN received_at + interval '4 days' END,
       result_on, result_on, status, start_on, due_on,
       CASE WHEN result_on IS NULL THEN ''
            WHEN result_on < due_on THEN 'early'
            WHEN result_on = due_on THEN 'on_time' ELSE 'late' END,
       false, digitised, fee_due, fee_due AND paid,
       CASE WHEN result_on IS NOT NULL THEN electronic END,
       '', NULL, NULL
FROM (
    SELECT g, unit_id, procedure, channel, received_at, start_on, supplements, status,
           digitised, fee_due, paid, electronic, start_on + duration AS due_on,
           CASE WHEN stalls OR start_on + spent > %(data_end)s::date THEN NULL
                ELSE start_on + spent END AS result_on
    FROM (
        SELECT g, unit_id, procedure, channel, received_at,
               (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS start_on,
               duration, (duration * (0.4 + 0.9 * r_spent))::int AS spent,
               r_stall < 0.005 AS stalls,
               CASE WHEN r_supp < 0.02 THEN 2 WHEN r_supp < 0.10 THEN 1 ELSE 0 END AS supplements,
               CASE WHEN r_status < 0.010 THEN 3 WHEN r_status < 0.015 THEN 7
                    WHEN r_status < 0.020 THEN 8 END AS status,
               r_dig < 0.85 AS digitised, r_fee < 0.5 AS fee_due, r_paid < 0.8 AS paid,
               r_el < 0.6 AS electronic
        FROM (
            SELECT g,
                   (%(units)s::bigint[])[1 + floor(random() * %(n_units)s)::int] AS unit_id,
                   floor(random() * 60)::int AS procedure,
                   CASE WHEN random() < 0.60 THEN 'online'
                        WHEN random() < 0.875 THEN 'direct' ELSE 'postal' END AS channel,
                   %(first)s::timestamptz
                       + floor(g::float8 * %(days)s / %(rows)s) * interval '1 day'
                       + interval '7 hours 30 minutes' + random() * interval '9 hours'
                       AS received_at,
                   5 + floor(random() * 16)::int AS duration,
                   random() AS r_spent, random() AS r_stall, random() AS r_supp,
                   random() AS r_status, random() AS r_dig, random() AS r_fee,
                   random() AS r_paid, random() AS r_el
            FROM generate_series(0, %(rows)s - 1) AS g
        ) AS draws
    ) AS r
) AS d
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def months() -> list[datetime.date]:
    """The first day of each month of the data, and of the month after the last."""
    firsts = []
    for n in range(MONTHS + 1):
        year, month = divmod(FIRST_MONTH.month - 1 + n, 12)
        firsts.append(datetime.date(FIRST_MONTH.year + year, month + 1, 1))
    return firsts


def build_units(args: argparse.Namespace) -> tuple[Any, Any, list[int]]:
    from django.contrib.auth.models import User

    from cchc.org.models import Role, RoleAssignment, Unit, UnitKind

    roots = []
    for number in range(1 + args.other_provinces):
        root = Unit.objects.create(
            code=f"T{number:02d}", name=f"UBND tỉnh {number}", kind=UnitKind.PROVINCE
        )
        size = args.units if number == 0 else args.other_units
        Unit.objects.bulk_create(
            Unit(
                code=f"T{number:02d}-{n:03d}",
                name=f"Đơn vị {n} tỉnh {number}",
                kind=UnitKind.DEPARTMENT if n < 20 else UnitKind.COMMUNE,
                parent=root,
                must_report=True,
            )
            for n in range(size)
        )
        roots.append(root)
    user = User.objects.create_user("snv", password="x")
    RoleAssignment.objects.create(user=user, unit=roots[0], role=Role.CONSOLIDATOR)
    ids = list(Unit.objects.exclude(parent=None).order_by("pk").values_list("pk", flat=True))
    return roots[0], user, ids


def partitioned_copy(cursor: Any) -> None:
    """The app's table, partitioned by receipt month, with the same indexes; the primary key
    and the (unit, code) constraint must include the partition key. No identity on id: both
    tables get the staging table's ids, so they hold the same rows."""
    cursor.execute(
        f"CREATE TABLE {COPY} (LIKE {TABLE} INCLUDING DEFAULTS) PARTITION BY RANGE (received_at)"
    )
    cursor.execute(f"ALTER TABLE {COPY} ADD PRIMARY KEY (id, received_at)")
    cursor.execute(
        f"ALTER TABLE {COPY} ADD CONSTRAINT {COPY}_unique_code UNIQUE (unit_id, code, received_at)"
    )
    cursor.execute(f"CREATE INDEX {COPY}_unit_received ON {COPY} (unit_id, received_at)")
    firsts = months()
    for start, end in zip(firsts, firsts[1:], strict=False):
        cursor.execute(
            f"CREATE TABLE {COPY}_{start:%Y%m} PARTITION OF {COPY}"
            f" FOR VALUES FROM ('{start} 00:00+07') TO ('{end} 00:00+07')"
        )


def sizes(cursor: Any, table: str) -> dict[str, int]:
    """Heap (with TOAST), index and total size of a table or of all its partitions."""
    cursor.execute(
        "WITH leaves AS (SELECT relid FROM pg_partition_tree(%s) WHERE isleaf"
        " UNION SELECT %s::regclass WHERE NOT EXISTS (SELECT FROM pg_inherits"
        " WHERE inhparent = %s::regclass))"
        " SELECT sum(pg_table_size(relid)), sum(pg_indexes_size(relid)),"
        " sum(pg_total_relation_size(relid)), count(*) FROM leaves",
        [table, table, table],
    )
    heap, index, total, leaves = map(int, cursor.fetchone())
    return {
        "table MB": heap // 2**20,
        "indexes MB": index // 2**20,
        "total MB": total // 2**20,
        "relations": leaves,
    }


def statistics_sql(kind: str, period: str, unit: Any, user: Any, bound: bool) -> str:
    """The SQL the app runs for this statistic, captured with its parameters bound."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cchc.org.models import Unit
    from cchc.periods.windows import parse_period
    from cchc.registers.models import Dossier
    from cchc.registers.stats import grouped_stats, local_midnight, window_stats

    window = parse_period(period)
    if kind == "unit":
        dossiers = Dossier.objects.filter(unit=unit)  # registers.views, figures.unit_figures
    elif kind == "province":  # consolidation.province.province_rows
        dossiers = Dossier.objects.filter(unit__in=Unit.objects.consolidated_by(user))
    else:
        dossiers = Dossier.objects.all()
    if bound:
        closes = local_midnight(window.end + datetime.timedelta(days=1))
        dossiers = dossiers.filter(received_at__lt=closes)
    with CaptureQueriesContext(connection) as captured:
        if kind == "unit":
            window_stats(dossiers, window.start, window.end)
        else:
            grouped_stats(dossiers, window.start, window.end, "unit_id")
    statements = [q["sql"] for q in captured.captured_queries if TABLE in q["sql"]]
    assert len(statements) == 1, statements
    return statements[0]


def plan_summary(cursor: Any, sql: str, table: str) -> dict[str, Any]:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
    document = cursor.fetchone()[0]
    top = document[0] if isinstance(document, list) else json.loads(document)[0]
    scanned: set[str] = set()
    removed = 0
    nodes = [top["Plan"]]
    while nodes:
        node = nodes.pop()
        if node.get("Relation Name", "").startswith(table):
            scanned.add(node["Relation Name"])
        removed += node.get("Subplans Removed", 0)
        nodes.extend(node.get("Plans", []))
    plan = top["Plan"]
    return {
        "execution ms": round(top["Execution Time"], 1),
        "relations scanned": len(scanned),
        "subplans removed": removed,
        "shared hit": plan.get("Shared Hit Blocks", 0),
        "shared read": plan.get("Shared Read Blocks", 0),
        "scan": sorted({n.split(" on ")[0] for n in _node_types(top["Plan"])}),
        "top nodes": _top_nodes(top["Plan"]),
    }


def _top_nodes(plan: dict, depth: int = 4) -> str:
    """The plan's upper nodes (above the scans), e.g. "Finalize HashAggregate > Gather (2
    workers) > Partial HashAggregate > Parallel Append": where the aggregation happens."""
    names = []
    node: dict | None = plan
    while node is not None and depth:
        name = " ".join(
            filter(
                None,
                [
                    node.get("Partial Mode", "").replace("Simple", ""),
                    node["Node Type"],
                    node.get("Strategy", ""),
                ],
            )
        )
        if "Workers Launched" in node:
            name += f" ({node['Workers Launched']} workers)"
        names.append(name.replace("Aggregate Hashed", "HashAggregate").strip())
        children = node.get("Plans", [])
        node = children[0] if len(children) == 1 else None
        depth -= 1
    return " > ".join(names)


def _node_types(plan: dict) -> list[str]:
    found = []
    nodes = [plan]
    while nodes:
        node = nodes.pop()
        if "Scan" in node["Node Type"]:
            found.append(node["Node Type"])
        nodes.extend(node.get("Plans", []))
    return found


def median_seconds(cursor: Any, sql: str, repeat: int) -> tuple[float, list]:
    """The median of `repeat` runs after a warm-up, and the rows (sorted)."""
    cursor.execute(sql)
    rows = sorted(cursor.fetchall())
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchall()
        runs.append(time.perf_counter() - start)
    return sorted(runs)[len(runs) // 2], rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--units", type=int, default=100, help="units of the measured province")
    parser.add_argument("--other-provinces", type=int, default=3)
    parser.add_argument("--other-units", type=int, default=25, help="units of each other one")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database bench_partitions")
    parser.add_argument(
        "--jit",
        choices=["server", "on", "off"],
        default="server",
        help="JIT for the timed queries (server: the server's setting)",
    )
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench_partitions.py needs DATABASE_URL=postgres://…")
    setup_database(PG_BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    os.environ.setdefault("CCHC_DEBUG", "0")
    os.environ.setdefault("CCHC_SECRET_KEY", "benchmark-only-" + "x" * 40)
    import django

    django.setup()
    try:
        report = measure(args)
    finally:
        if not args.keep:
            drop_database(PG_BENCH_DB)
    print_report(report)
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=1, ensure_ascii=False))


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    root, user, unit_ids = build_units(args)
    first_unit = root.children.order_by("code").first()
    report: dict[str, Any] = {
        "rows": args.rows,
        "units": len(unit_ids),
        "province units": args.units,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load average at start": os.getloadavg(),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        },
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        report["machine"]["postgresql"] = cursor.fetchone()[0].split(" on ")[0]
        for setting in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit"):
            cursor.execute(f"SHOW {setting}")
            report["machine"][setting] = cursor.fetchone()[0]
        cursor.execute(
            f"CREATE UNLOGGED TABLE staging (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING IDENTITY)"
        )
        log(f"generating {args.rows:,} dossiers for {len(unit_ids)} units")
        start = time.perf_counter()
        cursor.execute(
            GENERATE,
            {
                "units": unit_ids,
                "n_units": len(unit_ids),
                "first": f"{FIRST_MONTH} 00:00+07",
                "days": (DATA_END - FIRST_MONTH).days + 1,
                "rows": args.rows,
                "data_end": DATA_END,
            },
        )
        report["generate s"] = round(time.perf_counter() - start, 1)
        partitioned_copy(cursor)
        inserts = {}
        for table in (TABLE, COPY):
            log(f"inserting into {table}")
            start = time.perf_counter()
            cursor.execute(f"INSERT INTO {table} (id, {COLUMNS}) SELECT id, {COLUMNS} FROM staging")
            inserts[table] = round(time.perf_counter() - start, 1)
        cursor.execute("DROP TABLE staging")
        log("vacuum analyze")
        start = time.perf_counter()
        for table in (TABLE, COPY):
            cursor.execute(f"VACUUM ANALYZE {table}")
        report["vacuum analyze s"] = round(time.perf_counter() - start, 1)
        report["tables"] = {
            name: {"insert s": inserts[table], **sizes(cursor, table)}
            for name, table in (("unpartitioned", TABLE), ("by month", COPY))
        }
        cursor.execute(
            "SELECT count(*) FILTER (WHERE result_on IS NULL),"
            f" count(*) FILTER (WHERE verdict = 'late'), count(DISTINCT unit_id) FROM {TABLE}"
        )
        unfinished, late, units_with = cursor.fetchone()
        report["data"] = {"unfinished": unfinished, "late": late, "units with dossiers": units_with}
        if args.jit != "server":
            # JIT compiles every partition's scan expressions again: with 24 partitions it
            # cost more than the query itself (docs/SCALE.md).
            cursor.execute(f"SET jit = {args.jit}")
            report["machine"]["jit"] = args.jit
        results = []
        for name, kind, period in QUERIES:
            answers = []
            for bound in (False, True):
                sql = statistics_sql(kind, period, first_unit, user, bound)
                label = name + (" +bound" if bound else "")
                row: dict[str, Any] = {"query": label}
                for target, table in (("unpartitioned", TABLE), ("by month", COPY)):
                    pointed = re.sub(rf'"{TABLE}"', f'"{table}"', sql)
                    assert table == TABLE or f'"{TABLE}"' not in pointed
                    log(f"{label} on {target}")
                    seconds, rows = median_seconds(cursor, pointed, args.repeat)
                    answers.append(rows)
                    row[f"{target} s"] = round(seconds, 4)
                    row[f"{target} plan"] = plan_summary(cursor, pointed, table)
                if not bound:
                    row["sql"] = sql
                results.append(row)
            # Same figures from both tables, with and without the bound (the import refuses
            # a result dated before its receipt, so the bound excludes no counted dossier).
            same = all(answer == answers[0] for answer in answers)
            results[-1]["same figures"] = results[-2]["same figures"] = same
            if not same:
                log(f"{name}: the figures differ between tables or variants")
        report["queries"] = results
    return report


def print_report(report: dict[str, Any]) -> None:
    print(json.dumps({k: v for k, v in report.items() if k != "queries"}, ensure_ascii=False))
    print()
    print("| table | insert s | table MB | indexes MB | total MB | relations |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, t in report["tables"].items():
        print(
            f"| {name} | {t['insert s']} | {t['table MB']:,} | {t['indexes MB']:,} |"
            f" {t['total MB']:,} | {t['relations']} |"
        )
    print()
    print(
        "| query | unpartitioned s | by month s | ÷ | relations scanned (by month) |"
        " buffers hit/read unpartitioned | buffers hit/read by month |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in report["queries"]:
        flat, part = row["unpartitioned plan"], row["by month plan"]
        ratio = row["by month s"] / row["unpartitioned s"]
        relations = report["tables"]["by month"]["relations"]
        print(
            f"| {row['query']} | {row['unpartitioned s']:.3f} | {row['by month s']:.3f} |"
            f" {ratio:.2f} | {part['relations scanned']} of {relations} |"
            f" {flat['shared hit']:,}/{flat['shared read']:,} |"
            f" {part['shared hit']:,}/{part['shared read']:,} |"
        )
    print(json.dumps(report["queries"], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
