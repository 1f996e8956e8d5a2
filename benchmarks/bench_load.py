"""Benchmark: cchc under load, as it runs in production (gunicorn, PostgreSQL), driven by
Locust (benchmarks/locustfile.py) on the same machine.

1. A fresh PostgreSQL database `bench_load` next to DATABASE_URL (dropped after), migrated,
   with the demo province loaded (`cchc demo`), then, for the load, 30 departments of
   Thành phố Cần Thơ (`CT-TAI01`…) each with a reporter, a draft Y-2026 report of
   `so-nganh-nam` and a copy of the demo's largest TTHC catalogue, and an API token for each; the
   city's consolidator `snv_ct` for the province's pages.
2. gunicorn serves it as `make serve` does (cchc/gunicorn.conf.py, DEBUG off, WhiteNoise),
   with CCHC_WORKERS workers (default 2 × cores + 1) on 127.0.0.1:8140.
3. Locust, headless, --users (50) for --seconds (60), spawning 10 a second, in the ratio
   3 reporters (open the report, autosave values) : 1 consolidator (overview, dashboard,
   consolidation of Y-2026) : 1 program (upsert 20 dossiers over the API, read Biểu II.06a),
   each waiting 1–3 s between actions as a person does.

Prints, per request kind and overall: requests, failures, requests per second and the
p50/p95/p99 response times (ms), as JSON at the end. Locust shares the 2 cores with the
server, so the figures are those of the whole machine; the goal is p95 ≤ 200 ms with 0
errors.

Run:   pip install -e '.[bench]'
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python \\
           benchmarks/bench_load.py
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fresh import drop_database, setup_database  # noqa: E402

DATABASE = "bench_load"
PORT = 8140
PASSWORD = "tai-thu-2026"
PERIOD = "Y-2026"
UNITS = 30


def _cchc(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "cchc.cli", *args], check=True, env=env, cwd=ROOT)


def _prepare(out: Path) -> None:
    """The load's accounts, reports and tokens (step 1), written to `out` for the locustfile."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    django.setup()
    from django.contrib.auth.models import User
    from django.db.models import Count

    from cchc.api.tokens import create_token
    from cchc.catalog.models import Indicator, ReportTemplate, ValueType
    from cchc.org.models import Role, RoleAssignment, Unit, UnitKind
    from cchc.periods.models import Period
    from cchc.registers.models import Procedure
    from cchc.reports.services import start_report

    city = Unit.objects.get(code="CT")
    template = ReportTemplate.objects.filter(code="so-nganh-nam").order_by("-version").first()
    assert template is not None
    period = Period.objects.for_code(PERIOD)
    keys = list(
        Indicator.objects.filter(
            template=template, value_type=ValueType.INTEGER, formula="", source=""
        ).values_list("key", flat=True)[:40]
    )
    # The largest catalogue of the demo, copied to each load unit (its dossiers name them).
    source = Procedure.objects.values("unit").annotate(n=Count("pk")).order_by("-n").first()
    assert source is not None, "the demo has no TTHC catalogue"
    catalogue = list(Procedure.objects.filter(unit_id=source["unit"]))
    reporters, programs = [], []
    for number in range(1, UNITS + 1):
        unit = Unit.objects.create(
            code=f"CT-TAI{number:02d}",
            name=f"Sở thử tải số {number:02d}",
            kind=UnitKind.DEPARTMENT,
            parent=city,
            must_report=True,
            valid_from=city.valid_from,
        )
        user = User.objects.create_user(f"tai{number:02d}", password=PASSWORD)
        RoleAssignment.objects.create(user=user, unit=unit, role=Role.REPORTER)
        report = start_report(user, unit, period, template)
        for procedure in catalogue:
            procedure.pk, procedure.unit = None, unit
        Procedure.objects.bulk_create(catalogue)
        _, key = create_token(None, user, read_only=False, name="Thử tải")
        reporters.append({"username": user.username, "report": report.pk, "keys": keys})
        programs.append(
            {"unit": unit.code, "token": key, "procedures": [p.code for p in catalogue][:20]}
        )
    consolidator = User.objects.get(username="snv_ct")
    consolidator.set_password(PASSWORD)
    consolidator.save(update_fields=["password"])
    setup = {
        "period": PERIOD,
        "password": PASSWORD,
        "reporters": reporters,
        "consolidators": [{"username": "snv_ct"}],
        "programs": programs,
    }
    out.write_text(json.dumps(setup, ensure_ascii=False), encoding="utf-8")


def _sign_in(setup_file: Path, consolidator_sessions: int) -> list[float]:
    """Sign every reporter in, and the consolidator once per simulated consolidator; their
    session cookies go into the load file. Returns the sign-in times (s)."""
    setup = json.loads(setup_file.read_text(encoding="utf-8"))
    base = f"http://127.0.0.1:{PORT}"
    times = []

    def cookies_of(username: str) -> dict:
        session = requests.Session()
        started = time.perf_counter()
        page = session.get(base + "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the login page"
        done = session.post(
            base + "/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": base + "/login/"},
        )
        if "/login/" in done.url:
            raise SystemExit(f"{username} could not sign in")
        times.append(time.perf_counter() - started)
        return session.cookies.get_dict()

    for account in setup["reporters"]:
        account["cookies"] = cookies_of(account["username"])
    name = setup["consolidators"][0]["username"]
    setup["consolidators"] = [
        {"username": name, "cookies": cookies_of(name)} for _ in range(consolidator_sessions)
    ]
    setup_file.write_text(json.dumps(setup, ensure_ascii=False), encoding="utf-8")
    return times


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def _read_stats(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as stats:
        return [
            {
                "name": row["Name"] if row["Type"] else "Aggregated",
                "method": row["Type"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
            }
            for row in csv.DictReader(stats)
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Cần DATABASE_URL=postgres://… (tải thử chạy trên PostgreSQL).")
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            raise SystemExit(f"Cổng {PORT} đang có chương trình khác dùng.")
    # A stopped run (kill, Ctrl-C) still stops its server: the finally below runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    setup_database(DATABASE)
    work = Path(tempfile.mkdtemp(prefix="cchc-load-"))
    env = {
        **os.environ,
        "CCHC_DATA_DIR": str(work / "data"),
        "CCHC_DEBUG": "0",
        "CCHC_SECURE_COOKIES": "0",
        "CCHC_SECRET_KEY": secrets.token_urlsafe(50),
        "CCHC_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CCHC_BIND": f"127.0.0.1:{PORT}",
        "CCHC_LOG_LEVEL": "warning",
        "CCHC_EMAIL_BACKEND": "locmem",
    }
    os.environ.update(env)
    started = time.perf_counter()
    _cchc("migrate", "--noinput", env=env)
    _cchc("demo", env=env)
    setup_file = work / "load.json"
    _prepare(setup_file)
    print(f"setup: {time.perf_counter() - started:.0f} s", flush=True)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "cchc.wsgi", "-c", "cchc/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(work / "server.log").open("w"),
        start_new_session=True,
    )
    try:
        _wait_for(f"http://127.0.0.1:{PORT}/login/")
        sign_ins = sorted(_sign_in(setup_file, consolidator_sessions=max(args.users // 5, 1)))
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--csv",
                str(work / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            check=False,
            env={**env, "CCHC_LOAD_FILE": str(setup_file)},
            cwd=ROOT,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    rows = _read_stats(work / "load_stats.csv")
    print(f"\n{'request':58} {'n':>6} {'fail':>5} {'rps':>6} {'p50':>6} {'p95':>6} {'p99':>6}")
    for row in rows:
        print(
            f"{row['method'] + ' ' + row['name']:58.58} {row['requests']:>6} {row['failures']:>5} "
            f"{row['rps']:>6} {row['p50_ms']:>6.0f} {row['p95_ms']:>6.0f} {row['p99_ms']:>6.0f}"
        )
    failures = work / "load_failures.csv"
    if failures.exists() and failures.stat().st_size > 100:
        print("\nfailures:\n" + failures.read_text(encoding="utf-8")[:3000])
    total = next(row for row in rows if row["name"] == "Aggregated")
    print(
        f"\nsign-ins before the load (not in the figures above): {len(sign_ins)}, median "
        f"{sign_ins[len(sign_ins) // 2]:.2f} s, slowest {sign_ins[-1]:.2f} s"
    )
    print(
        json.dumps(
            {
                "users": args.users,
                "seconds": args.seconds,
                "workers": env.get("CCHC_WORKERS", "2 × cores + 1"),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                "total": total,
                "sign_ins_s": [round(t, 2) for t in sign_ins],
                "by_request": [row for row in rows if row["name"] != "Aggregated"],
                "goal_met": total["p95_ms"] <= 200 and total["failures"] == 0,
            },
            ensure_ascii=False,
        )
    )
    if not args.keep:
        drop_database(DATABASE)


if __name__ == "__main__":
    main()
