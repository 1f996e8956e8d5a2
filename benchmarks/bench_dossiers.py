"""Benchmark: import and classify dossiers from CSV, then compute a period's statistics.

For each size, in a fresh database (SQLite file in a temporary CCHC_DATA_DIR, or, when
DATABASE_URL points at PostgreSQL, a fresh database `bench_cchc` created next to it and
dropped afterwards), in its own child process so that peak memory is per size:

1. migrate; create 200 units and import their TTHC catalogues (setup, timed but no target);
2. import every unit's dossier file with cchc.registers.imports.import_dossiers, exactly as
   the `cchc dossiers import` command does (one call per unit, no shared WorkdayTable), with
   the time split into its steps (read, parse, classify, write) by timing wrappers put
   around the module's functions for the duration of the import;
3. peak memory of the import: the process's peak resident set (VmHWM in /proc/self/status,
   the figure getrusage(RUSAGE_SELF).ru_maxrss reports) reset with /proc/self/clear_refs
   just before the import, so it is the import's own peak, interpreter and libraries included;
4. statistics for a period (Q3-2022 by default) for all 200 units: window_stats over
   Dossier.objects.all(), window_stats per unit (200 queries), and grouped_stats by unit
   over all dossiers (one GROUP BY query: the 200-unit figure);
5. the near-limit reference in the same process, on the same files: DuckDB reads every CSV
   (one glob), parses the dates and joins the catalogue; numpy computes start day, due day
   and verdict on day numbers with cchc's own numpy core (classify_days) and WorkdayTable;
   DuckDB writes the classified table to an on-disk database file and computes the
   statistics with one GROUP BY query.
   The reference's per-unit statistics must equal cchc's, or the run says so.

Run:   .venv/bin/python benchmarks/bench_dossiers.py --rows 10000 100000 1000000
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python \\
           benchmarks/bench_dossiers.py --rows 10000 100000 1000000
       .venv/bin/python benchmarks/bench_dossiers.py --rows 100000 --profile   (cProfile)

Needs duckdb (pip install duckdb). Generated files are cached in --data-dir (default
$TMPDIR/cchc-bench-data) and reused by later runs with the same size, units and seed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

PG_BENCH_DB = "bench_cchc"
FORMATS_WITH_TIME = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
]
FORMATS_DATE = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S"]


# --------------------------------------------------------------------------- helpers


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """Peak resident set of this process since the last reset, in MB (VmHWM)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss() -> bool:
    """Start a new peak-RSS measurement (Linux ≥ 4.0); False when not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def data_for(rows: int, units: int, seed: int, base: Path) -> Path:
    """The generated files for this size, made once and reused."""
    from generate_dossiers import generate

    folder = base / f"rows{rows}-units{units}-seed{seed}"
    marker = folder / "summary.json"
    if not marker.exists():
        if folder.exists():
            shutil.rmtree(folder)
        log(f"generating {rows:,} dossiers over {units} units in {folder}")
        summary = generate(rows, units, folder, seed, quiet=True)
        marker.write_text(json.dumps(summary, indent=1))
        log(f"generated in {summary['seconds']} s")
    return folder


def single_file(folder: Path) -> Path:
    """The same dossiers as one file for one unit ALL (a province-wide export), with the
    union of the catalogues: the worst case for an import's memory."""
    single = folder / "single"
    marker = single / "summary.json"
    if marker.exists():
        return single
    log(f"joining the unit files into {single}")
    for sub in ("dossiers", "tthc"):
        (single / sub).mkdir(parents=True, exist_ok=True)
        seen: set[str] = set()
        with open(single / sub / "ALL.csv", "w", encoding="utf-8-sig", newline="") as out:
            for number, path in enumerate(sorted((folder / sub).glob("*.csv"))):
                with open(path, encoding="utf-8-sig", newline="") as source:
                    header = source.readline()
                    if number == 0:
                        out.write(header)
                    for line in source:
                        if sub == "tthc":  # one catalogue row per procedure code
                            code = line.split(",", 1)[0]
                            if code in seen:
                                continue
                            seen.add(code)
                        out.write(line)
    (single / "units.csv").write_text("Mã đơn vị,Tên đơn vị,Số hồ sơ\nALL,Toàn tỉnh,\n")
    summary = json.loads((folder / "summary.json").read_text())
    summary.update(units=1, layout="single")
    marker.write_text(json.dumps(summary, indent=1))
    return single


def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    return info


# --------------------------------------------------------------------------- databases


def pg_url_for(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def pg_recreate(url: str, name: str, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


# --------------------------------------------------------------------------- the cchc side


class StepTimer:
    """Adds the time spent in chosen functions while active (wrappers, removed on exit)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._undo: list[tuple[object, str, object]] = []

    def wrap(self, owner: object, name: str, step: str) -> None:
        original = getattr(owner, name)
        seconds = self.seconds

        def timed(*args, **kwargs):
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[step] += time.perf_counter() - began

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def __enter__(self) -> StepTimer:
        return self

    def __exit__(self, *exc) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)


def grouped_window_stats(start, end) -> dict[int, dict[str, int]]:
    """cchc.registers.stats.grouped_stats by unit over all dossiers: one GROUP BY query."""
    from cchc.registers.models import Dossier
    from cchc.registers.stats import grouped_stats

    return grouped_stats(Dossier.objects.all(), start, end, "unit_id")


def timed_runs(function, repeat: int, enough: float = 5.0) -> tuple[list[float], object]:
    """Run `repeat` times (once only when a run takes more than `enough` seconds)."""
    times, value = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - began)
        if times[-1] > enough:
            break
    return times, value


def run_cchc(args, folder: Path, result: dict, save) -> dict:
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    from django.db.models import Count

    import cchc.registers.imports as imports
    import cchc.registers.writes as writes
    from cchc.org.models import Unit, UnitKind
    from cchc.periods.windows import parse_period
    from cchc.registers.catalogue import import_procedures
    from cchc.registers.models import Dossier
    from cchc.registers.stats import window_stats

    result["database"] = connection.vendor
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("show server_version")
        result["database_version"] = cursor.fetchone()[0]

    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    result["migrate_s"] = time.perf_counter() - began

    began = time.perf_counter()
    codes = [line.split(",")[0] for line in (folder / "units.csv").read_text().splitlines()[1:]]
    Unit.objects.bulk_create(
        [Unit(code=code, name=f"Đơn vị {code}", kind=UnitKind.DEPARTMENT) for code in codes]
    )
    units = list(Unit.objects.filter(code__in=codes).order_by("code"))
    for unit in units:
        path = folder / "tthc" / f"{unit.code}.csv"
        import_procedures(path, path.name, unit)
    result["setup_s"] = time.perf_counter() - began
    save()

    # ---- import, one call per unit, as the management command does
    log(f"cchc import of {args.rows:,} rows ({connection.vendor})")
    result["rss_before_import_mb"] = rss_mb()
    result["peak_rss_reset"] = reset_peak_rss()
    profiler = None
    if args.profile_out:
        import cProfile

        profiler = cProfile.Profile()
    imported = 0
    began = time.perf_counter()
    with StepTimer() as steps:
        if not profiler:  # the wrappers would only clutter a profile
            # A CSV is read and parsed chunk by chunk: read = the whole minus the parsing.
            steps.wrap(imports, "_parse_csv", "read_and_parse")
            steps.wrap(imports, "_parse", "parse")
            steps.wrap(imports, "workday_table", "calendar_table")
            steps.wrap(imports, "procedure_times", "classify")
            steps.wrap(imports, "classify_days", "classify")
            steps.wrap(imports, "day_numbers", "classify")
            steps.wrap(imports, "minutes_of_day", "classify")
            # The row check run after classify_days (a deadline that cannot be known).
            steps.wrap(imports, "_undetermined", "deadline_check")
            steps.wrap(imports, "_epoch_days", "to_python_objects")
            for name in ("_utc_text", "_date_text", "_nullable"):
                steps.wrap(writes, name, "to_python_objects")
            steps.wrap(imports, "upsert_dossiers", "upsert_sql")
        if profiler:
            profiler.enable()
        for number, unit in enumerate(units, 1):
            path = folder / "dossiers" / f"{unit.code}.csv"
            outcome = imports.import_dossiers(path, path.name, unit)
            imported += outcome.created + outcome.updated
            if number % 25 == 0 or number == len(units):
                elapsed = time.perf_counter() - began
                result["import_progress"] = {"units": number, "rows": imported, "s": elapsed}
                save()
                log(f"  {number}/{len(units)} units, {imported:,} rows, {elapsed:.1f} s")
            if elapsed_over(began, args.import_budget):
                result["import_stopped"] = (
                    f"stopped after {number} units ({imported:,} rows): over the "
                    f"{args.import_budget} s budget"
                )
                log(result["import_stopped"])
                break
        if profiler:
            profiler.disable()
    total = time.perf_counter() - began
    result["import_s"] = total
    result["import_rows"] = imported
    result["import_peak_rss_mb"] = peak_rss_mb()
    if profiler:
        profiler.dump_stats(args.profile_out)
        return result
    step = dict(steps.seconds)
    step["read"] = step.pop("read_and_parse", 0.0) - step.get("parse", 0.0)
    step["classify"] = (
        step.get("classify", 0.0)
        + step.get("calendar_table", 0.0)
        + step.get("deadline_check", 0.0)
    )
    known = sum(step.get(k, 0.0) for k in ("read", "parse", "classify", "upsert_sql"))
    # The SQL values are made batch by batch inside upsert_dossiers: part of upsert_sql.
    step["rest"] = total - known
    step["write"] = step.get("upsert_sql", 0.0) + step["rest"]
    result["import_steps"] = step
    result["dossiers_in_db"] = Dossier.objects.count()
    save()
    if "import_stopped" in result:
        return result

    # ---- statistics
    window = parse_period(args.period)
    result["period"] = {"code": window.code, "start": str(window.start), "end": str(window.end)}
    log(f"statistics {window.code} ({window.start} – {window.end})")
    all_times, all_figures = timed_runs(
        lambda: window_stats(Dossier.objects.all(), window.start, window.end), args.repeat
    )
    unit_times, per_unit = timed_runs(
        lambda: {
            unit.code: window_stats(Dossier.objects.filter(unit=unit), window.start, window.end)
            for unit in units
        },
        args.repeat,
    )
    grouped_times, grouped = timed_runs(
        lambda: grouped_window_stats(window.start, window.end), args.repeat
    )
    by_id = {unit.id: unit.code for unit in units}
    grouped = {by_id[key]: value for key, value in grouped.items()}
    result["stats_all_s"] = all_times
    result["stats_per_unit_s"] = unit_times
    result["stats_grouped_s"] = grouped_times
    result["stats_all_figures"] = all_figures
    summed = {key: sum(f[key] for f in per_unit.values()) for key in all_figures}
    result["checks"] = {
        "per_unit_sum_equals_all": summed == all_figures,
        "grouped_equals_per_unit": all(
            grouped.get(code, dict.fromkeys(all_figures, 0)) == figures
            for code, figures in per_unit.items()
        ),
    }
    result["_per_unit"] = per_unit
    verdicts = dict(Dossier.objects.order_by().values_list("verdict").annotate(n=Count("pk")))
    result["verdicts"] = {key or "unfinished": value for key, value in verdicts.items()}
    save()
    connection.close()
    return result


def elapsed_over(began: float, budget: float | None) -> bool:
    return bool(budget) and time.perf_counter() - began > budget


# --------------------------------------------------------------------------- the reference


def _fmt(formats: list[str]) -> str:
    return "[" + ", ".join(f"'{f}'" for f in formats) + "]"


def run_reference(args, folder: Path, workdir: Path, result: dict, save) -> None:
    import duckdb
    import numpy
    import pandas

    from cchc.periods.windows import parse_period
    from cchc.periods.workdays import WorkdayTable, WorkingCalendar
    from cchc.registers.classify import classify_days

    log("DuckDB + numpy reference")
    reset_peak_rss()
    database = workdir / "reference.duckdb"
    con = duckdb.connect(str(database))
    ref: dict = {
        "duckdb": duckdb.__version__,
        "threads": con.execute("select current_setting('threads')").fetchone()[0],
    }
    when = _fmt(FORMATS_WITH_TIME)
    day = _fmt(FORMATS_DATE)

    def stamp(column: str) -> str:
        return f"try_strptime(nullif(trim(\"{column}\"), ''), {when})"

    def date(column: str) -> str:
        return f"cast(try_strptime(nullif(trim(\"{column}\"), ''), {day}) as date)"

    # ---- read: CSV → typed columns, catalogue joined, day numbers out as numpy arrays
    began = time.perf_counter()
    glob = str(folder / "dossiers" / "*.csv")
    con.execute(f"""
        create temp table raw as select
            regexp_extract(filename, '([^/]+)\\.csv$', 1) as unit,
            trim("Mã hồ sơ") as code,
            trim("Mã TTHC") as procedure_code,
            case lower(trim("Kênh")) when 'trực tuyến' then 'online' when 'trực tiếp' then 'direct'
                when 'bưu chính' then 'postal' when 'bưu chính công ích' then 'postal' end
                as channel,
            {stamp("Ngày tiếp nhận")} as received_at,
            {date("Ngày hẹn trả")} as promised_on,
            coalesce(try_cast(nullif(trim("Số lần yêu cầu bổ sung"), '') as integer), 0)
                as supplement_count,
            {stamp("Ngày yêu cầu bổ sung")} as supplement_requested_at,
            {stamp("Ngày bổ sung đủ")} as supplement_completed_at,
            {date("Ngày có kết quả")} as result_on,
            {date("Ngày trả kết quả")} as returned_on,
            try_cast(nullif(trim("Trạng thái"), '') as integer) as status
        from read_csv('{glob}', all_varchar = true, filename = true, header = true)
    """)
    con.execute(f"""
        create temp table catalogue as select
            regexp_extract(filename, '([^/]+)\\.csv$', 1) as unit,
            trim("Mã TTHC") as code,
            cast("Thời hạn giải quyết" as integer) as days,
            lower(trim("Đơn vị thời hạn")) = 'ngày' as calendar
        from read_csv('{folder / "tthc" / "*.csv"}', all_varchar = true, filename = true)
    """)
    problems = con.execute("""
        select count(*) filter (where code is null or code = ''),
               count(*) filter (where channel is null),
               count(*) filter (where received_at is null),
               count(*) - count(distinct (unit, code))
        from raw
    """).fetchone()
    epoch = "date '2000-01-01'"

    def number(expression: str) -> str:
        return f"coalesce(date_diff('day', {epoch}, cast({expression} as date)), -1)"

    arrays = con.execute(f"""
        select {number("r.received_at")} as received,
               coalesce(hour(r.received_at) * 60 + minute(r.received_at), 0) as minutes,
               coalesce(c.days, -1) as days,
               coalesce(c.calendar, false) as calendar,
               r.supplement_count as supplements,
               {number("r.supplement_requested_at")} as requested,
               {number("r.supplement_completed_at")} as completed,
               coalesce(hour(r.supplement_completed_at) * 60
                        + minute(r.supplement_completed_at), 0) as completed_minutes,
               {number("r.promised_on")} as promised,
               {number("r.result_on")} as result_on
        from raw r left join catalogue c on c.unit = r.unit and c.code = r.procedure_code
        order by r.rowid
    """).fetchnumpy()
    arrays = {key: numpy.asarray(value) for key, value in arrays.items()}
    ref["read_s"] = time.perf_counter() - began
    ref["input_problems"] = dict(
        zip(["no_code", "bad_channel", "bad_received", "duplicates"], problems, strict=True)
    )

    # ---- classify: numpy on day numbers (the calendar table built once, included)
    began = time.perf_counter()
    table = WorkdayTable(WorkingCalendar())
    start, due, verdict, differs = classify_days(table, **arrays)  # cchc's numpy core
    ref["classify_s"] = time.perf_counter() - began

    # ---- write: classified table into the on-disk DuckDB database
    began = time.perf_counter()
    computed = pandas.DataFrame(
        {
            "start_day": start,
            "due_day": due,
            "verdict_code": verdict.astype(numpy.int8),
            "promised_differs": differs,
        }
    )
    con.register("computed", computed)
    con.execute(f"""
        create table dossier as select raw.*,
            {epoch} + cast(computed.start_day as integer) as start_on,
            case when computed.due_day >= 0
                then {epoch} + cast(computed.due_day as integer) end as due_on,
            ['', 'early', 'on_time', 'late'][computed.verdict_code + 1] as verdict,
            computed.promised_differs
        from raw positional join computed
    """)
    con.unregister("computed")
    con.execute("checkpoint")
    ref["write_s"] = time.perf_counter() - began
    ref["import_s"] = ref["read_s"] + ref["classify_s"] + ref["write_s"]
    ref["peak_rss_mb"] = peak_rss_mb()
    ref["rows"] = con.execute("select count(*) from dossier").fetchone()[0]

    # ---- statistics: one GROUP BY over the stored table
    window = parse_period(args.period)
    query = """
        select unit,
          count(*) filter (where d < $s and (result_on is null or result_on >= $s)) carried_over,
          count(*) filter (where d between $s and $e and channel = 'online') new_online,
          count(*) filter (where d between $s and $e and channel = 'direct') new_direct,
          count(*) filter (where d between $s and $e and channel = 'postal') new_postal,
          count(*) filter (where result_on between $s and $e) resolved,
          count(*) filter (where result_on between $s and $e and verdict = 'early') early,
          count(*) filter (where result_on between $s and $e and verdict = 'on_time') on_time,
          count(*) filter (where result_on between $s and $e and verdict = 'late') late,
          count(*) filter (where d <= $e and (result_on is null or result_on > $e)
              and not (supplement_count > 1 or coalesce(due_on < $e, false))) in_progress_within,
          count(*) filter (where d <= $e and (result_on is null or result_on > $e)
              and (supplement_count > 1 or coalesce(due_on < $e, false))) in_progress_overdue
        from (select *, cast(received_at as date) as d from dossier)
        group by unit
    """
    params = {"s": window.start, "e": window.end}
    times, rows = timed_runs(lambda: con.execute(query, params).fetchall(), args.repeat)
    ref["stats_s"] = times
    columns = [
        "carried_over",
        "new_online",
        "new_direct",
        "new_postal",
        "resolved",
        "early",
        "on_time",
        "late",
        "in_progress_within",
        "in_progress_overdue",
    ]
    per_unit = {}
    for row in rows:
        figures = dict(zip(columns, row[1:], strict=True))
        figures["received"] = (
            figures["carried_over"]
            + figures["new_online"]
            + figures["new_direct"]
            + figures["new_postal"]
        )
        per_unit[row[0]] = figures
    con.close()
    result["reference"] = ref
    cchc_per_unit = result.get("_per_unit")
    if cchc_per_unit is not None:
        empty = dict.fromkeys(columns + ["received"], 0)
        mismatched = [
            code
            for code, figures in cchc_per_unit.items()
            if {k: per_unit.get(code, empty)[k] for k in figures} != figures
        ]
        result["checks"]["reference_equals_cchc_per_unit"] = not mismatched
        if mismatched:
            result["checks"]["mismatched_units"] = mismatched[:10]
    save()


# --------------------------------------------------------------------------- processes


def child(args) -> None:
    folder = Path(args.folder)
    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    url = os.environ.get("DATABASE_URL", "")
    result: dict = {
        "rows": args.rows,
        "units": args.units,
        "data": json.loads((folder / "summary.json").read_text()),
    }

    def save() -> None:
        slim = {k: v for k, v in result.items() if not k.startswith("_")}
        Path(args.result_file).write_text(json.dumps(slim, indent=1, default=str))

    os.environ["DJANGO_SETTINGS_MODULE"] = "cchc.settings"
    # As in production: with DEBUG on, Django keeps the SQL of the last 9,000 queries.
    os.environ["CCHC_DEBUG"] = "0"
    os.environ.setdefault("CCHC_SECRET_KEY", "benchmark-only-not-secret")
    os.environ["CCHC_DATA_DIR"] = str(workdir)
    if url:
        pg_recreate(url, PG_BENCH_DB)
        os.environ["DATABASE_URL"] = pg_url_for(url, PG_BENCH_DB)
    try:
        run_cchc(args, folder, result, save)
        if not args.profile_out and "import_stopped" not in result and not args.no_reference:
            run_reference(args, folder, workdir, result, save)
    finally:
        save()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if args.keep:
            log(
                f"kept: CCHC_DATA_DIR={workdir}"
                + (f" DATABASE_URL={os.environ['DATABASE_URL']}" if url else "")
            )
        else:
            if url:
                pg_recreate(url, PG_BENCH_DB, drop_only=True)
            shutil.rmtree(workdir, ignore_errors=True)


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def ratio(a, b) -> str:
    if a is None or b is None or not b:
        return "–"
    return f"{a / b:.1f}×"


def seconds(value) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def report(results: list[dict]) -> str:
    lines = []
    header = (
        "| rows | import s | read | parse | classify | write | rows/s | peak RSS MB "
        "| stats all s | stats 200×1 s | stats grouped s |"
    )
    lines = [header, "|" + "|".join(["---:"] * (header.count("|") - 1)) + "|"]
    for r in results:
        s = r.get("import_steps", {})
        rows = r.get("import_rows") or 0
        lines.append(
            f"| {r['rows']:,} | {seconds(r.get('import_s'))} | {seconds(s.get('read'))} "
            f"| {seconds(s.get('parse'))} | {seconds(s.get('classify'))} "
            f"| {seconds(s.get('write'))} "
            f"| {rows / r['import_s']:,.0f} | {r.get('import_peak_rss_mb', 0):,.0f} "
            f"| {seconds(median(r.get('stats_all_s', [])) if r.get('stats_all_s') else None)} "
            f"| {seconds(median(r['stats_per_unit_s']) if r.get('stats_per_unit_s') else None)} "
            f"| {seconds(median(r['stats_grouped_s']) if r.get('stats_grouped_s') else None)} |"
            if r.get("import_s")
            else f"| {r['rows']:,} | {r.get('error', 'not measured')} |"
        )
    lines.append("")
    header = (
        "| rows | ref read s | ref classify s | ref write s | ref stats s | ref peak MB "
        "| read+parse ÷ ref read | classify ÷ ref | write ÷ ref | import ÷ ref "
        "| read+classify ÷ ref | stats all ÷ ref | stats 200×1 ÷ ref | stats grouped ÷ ref |"
    )
    lines += [header, "|" + "|".join(["---:"] * (header.count("|") - 1)) + "|"]
    for r in results:
        ref = r.get("reference")
        s = r.get("import_steps", {})
        if not ref:
            lines.append(f"| {r['rows']:,} | reference not run |")
            continue
        stats_ref = median(ref["stats_s"])
        lines.append(
            f"| {r['rows']:,} | {seconds(ref['read_s'])} | {seconds(ref['classify_s'])} "
            f"| {seconds(ref['write_s'])} | {seconds(stats_ref)} | {ref['peak_rss_mb']:,.0f} "
            f"| {ratio(s.get('read', 0) + s.get('parse', 0), ref['read_s'])} "
            f"| {ratio(s.get('classify'), ref['classify_s'])} "
            f"| {ratio(s.get('write'), ref['write_s'])} "
            f"| {ratio(r.get('import_s'), ref['import_s'])} "
            f"| {ratio(s.get('read', 0) + s.get('parse', 0) + s.get('classify', 0), ref['read_s'] + ref['classify_s'])} "  # noqa: E501
            f"| {ratio(median(r.get('stats_all_s', [])), stats_ref)} "
            f"| {ratio(median(r.get('stats_per_unit_s', [])), stats_ref)} "
            f"| {ratio(median(r.get('stats_grouped_s', [])), stats_ref)} |"
        )
    lines.append("")
    header = (
        "| rows | of which columns to SQL values s | upsert (values + SQL) s | rest (commit) s "
        "| calendar table s | deadline check s | checks |"
    )
    lines += [header, "|" + "|".join(["---:"] * (header.count("|") - 1)) + "|"]
    for r in results:
        s = r.get("import_steps", {})
        checks = r.get("checks", {})
        lines.append(
            f"| {r['rows']:,} | {seconds(s.get('to_python_objects'))} "
            f"| {seconds(s.get('upsert_sql'))} | {seconds(s.get('rest'))} "
            f"| {seconds(s.get('calendar_table'))} | {seconds(s.get('deadline_check'))} "
            f"| {', '.join(f'{k}={v}' for k, v in checks.items()) or '–'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--period", default="Q3-2022")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each statistics query")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "cchc-bench-data"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=1800,
        help="seconds allowed for each size (the child is killed after)",
    )
    parser.add_argument(
        "--import-budget",
        type=float,
        default=900,
        help="stop importing after this many seconds and report what was done",
    )
    parser.add_argument(
        "--layout",
        choices=["per-unit", "single"],
        default="per-unit",
        help="one file per unit (default), or all dossiers in one file for one unit",
    )
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the last database (and CCHC_DATA_DIR) for inspection",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the import instead of timing it; prints the top costs",
    )
    parser.add_argument("--json-out", type=Path, help="also write all results as JSON here")
    # internal: the per-size child process
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        args.rows = args.rows[0]
        child(args)
        return

    url = os.environ.get("DATABASE_URL", "")
    backend = urlsplit(url).scheme or "sqlite"
    info = machine()
    log(f"{backend}; {info.get('cpu')} ×{info['cpus']}, load {info['load_average']}")
    results = []
    for rows in args.rows:
        folder = data_for(rows, args.units, args.seed, args.data_dir)
        if args.layout == "single":
            folder = single_file(folder)
        handle, result_file = tempfile.mkstemp(prefix="cchc-bench-", suffix=".json")
        os.close(handle)
        command = [
            sys.executable,
            __file__,
            "--child",
            "--rows",
            str(rows),
            "--units",
            str(args.units),
            "--period",
            args.period,
            "--repeat",
            str(args.repeat),
            "--folder",
            str(folder),
            "--result-file",
            result_file,
            "--import-budget",
            str(args.import_budget),
        ]
        if args.no_reference:
            command.append("--no-reference")
        if args.keep and rows == args.rows[-1]:
            command.append("--keep")
        profile_out = None
        if args.profile:
            profile_out = str(Path(tempfile.gettempdir()) / f"cchc-import-{rows}.prof")
            command += ["--profile-out", profile_out]
        began = time.perf_counter()
        process = subprocess.Popen(command)
        error = None
        try:
            code = process.wait(timeout=args.timeout)
            if code:
                error = f"child exited with status {code}"
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            error = f"killed after the {args.timeout:.0f} s time limit"
            if url:
                with contextlib.suppress(Exception):
                    pg_recreate(url, PG_BENCH_DB, drop_only=True)
        text = Path(result_file).read_text()
        os.unlink(result_file)
        result = json.loads(text) if text else {"rows": rows}
        result["wall_s"] = time.perf_counter() - began
        if error:
            result["error"] = error
            log(f"{rows:,} rows: {error}")
        results.append(result)
        if profile_out:
            import pstats

            log(
                f"profile of the import of {rows:,} rows: {result.get('import_s', 0):.1f} s "
                f"under cProfile; saved to {profile_out}"
            )
            stats = pstats.Stats(profile_out)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(40)

    if not args.profile:
        print(
            f"\n{backend} — {time.strftime('%Y-%m-%d %H:%M')} — {info.get('cpu')} "
            f"×{info['cpus']}, {info.get('memory_gb')} GB, load at start "
            f"{', '.join(f'{x:.2f}' for x in info['load_average'])}\n"
        )
        print(report(results))
    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                {
                    "backend": backend,
                    "machine": info,
                    "finished": time.strftime("%Y-%m-%d %H:%M"),
                    "results": results,
                },
                indent=1,
                default=str,
            )
        )


if __name__ == "__main__":
    main()
