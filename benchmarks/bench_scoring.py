"""Benchmark: scoring and ranking 200 units on the QĐ 766 index and the provincial CCHC index.

In a fresh database (SQLite file in a temporary CCHC_DATA_DIR, or, when DATABASE_URL points
at PostgreSQL, a fresh database `bench_scoring` created next to it and dropped after), a
province of --units departments (default 200), each with (setup by bulk_create, not timed):
- a TTHC catalogue of 60 procedures (a third full-online, a third partial, half fee-bearing,
  most of those with online payment);
- --dossiers dossiers per unit (default 1,000) received over 2026 up to 31/10, with channel,
  verdict, due and result dates, supplements, fee, online payment, digitised and electronic
  result drawn at realistic rates (a seeded generator);
- 24 feedback items, 30 CCHC plan tasks, 20 outgoing documents and 3 inspections;
- the portal's figures of every QĐ 766 criterion cchc cannot compute, entered for Q3-2026.

Timed, median of --repeat runs after one warm-up: scoring every unit and ranking them on
qd766 for Q3-2026 and for Y-2026, on chi-so-cchc-so for Y-2026 (when that scheme is built
in), and the ranking page of Q3-2026 through Django's test client as the consolidator (the
page also scores the quarter before, for the change column).

Run:   .venv/bin/python benchmarks/bench_scoring.py
       DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python \\
           benchmarks/bench_scoring.py
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fresh import drop_database, setup_database, timed  # noqa: E402

PG_BENCH_DB = "bench_scoring"
YEAR_START = datetime.date(2026, 1, 1)
DAYS = 304  # up to 31/10/2026


def build(units: int, per_unit: int, rng: numpy.random.Generator):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from cchc.org.models import Role, RoleAssignment, Unit, UnitKind
    from cchc.periods.models import Period
    from cchc.records.models import (
        DocumentForm,
        Feedback,
        FeedbackChannel,
        InspectedKind,
        Inspection,
        OutgoingDocument,
        Task,
        TaskKind,
    )
    from cchc.registers.models import Channel, Dossier, OnlineLevel, Procedure
    from cchc.scoring.models import EnteredFigure, Method, Scheme

    root = Unit.objects.create(code="P", name="UBND tỉnh Thử", kind=UnitKind.PROVINCE)
    Unit.objects.bulk_create(
        Unit(
            code=f"P-S{n:03d}",
            name=f"Sở {n}",
            kind=UnitKind.DEPARTMENT,
            parent=root,
            must_report=True,
        )
        for n in range(units)
    )
    members = list(Unit.objects.filter(parent=root).order_by("code"))
    user = User.objects.create_user("snv", password="x")
    RoleAssignment.objects.create(user=user, unit=root, role=Role.CONSOLIDATOR)
    levels = [OnlineLevel.FULL, OnlineLevel.PARTIAL, OnlineLevel.NONE]
    Procedure.objects.bulk_create(
        Procedure(
            unit=unit,
            code=f"T{p:02d}",
            name=f"Thủ tục {p}",
            online_level=levels[p % 3],
            fee="50.000 đồng" if p % 2 else "",
            online_payment=bool(p % 2 and p % 5),
            processing_time=5 + p % 10,
        )
        for unit in members
        for p in range(60)
    )
    tz = timezone.get_current_timezone()
    channels = numpy.array([Channel.ONLINE, Channel.DIRECT, Channel.POSTAL], dtype=object)
    verdicts = numpy.array(["early", "on_time", "late"], dtype=object)
    batch = []
    for unit in members:
        n = per_unit
        received = rng.integers(0, DAYS, n)
        duration = rng.integers(3, 16, n)
        spent = (duration * rng.uniform(0.4, 1.3, n)).astype(int)
        unfinished = rng.random(n) < 0.05
        channel = channels[rng.choice(3, n, p=[0.7, 0.25, 0.05])]
        fee = rng.random(n) < 0.5
        for i in range(n):
            start = YEAR_START + datetime.timedelta(days=int(received[i]))
            due = start + datetime.timedelta(days=int(duration[i]))
            result = None if unfinished[i] else start + datetime.timedelta(days=int(spent[i]))
            verdict = ""
            if result is not None:
                verdict = verdicts[0 if result < due else 1 if result == due else 2]
            batch.append(
                Dossier(
                    unit=unit,
                    code=f"{unit.code}-{i:06d}",
                    procedure_code=f"T{int(rng.integers(0, 60)):02d}",
                    channel=channel[i],
                    received_at=datetime.datetime.combine(start, datetime.time(9), tz),
                    start_on=start,
                    due_on=due,
                    result_on=result,
                    returned_on=result,
                    verdict=verdict,
                    supplement_count=int(rng.random() < 0.1),
                    digitised=bool(rng.random() < 0.85),
                    fee_due=bool(fee[i]),
                    paid_online=bool(fee[i] and rng.random() < 0.8),
                    electronic_result=None if result is None else bool(rng.random() < 0.6),
                )
            )
        if len(batch) >= 20_000:
            Dossier.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Dossier.objects.bulk_create(batch, batch_size=5000)
    Feedback.objects.bulk_create(
        Feedback(
            unit=unit,
            received_on=YEAR_START + datetime.timedelta(days=12 * k),
            channel=FeedbackChannel.HOTLINE,
            content=f"Phản ánh {k}",
            handled_on=YEAR_START + datetime.timedelta(days=12 * k + 10 + k % 20),
            due_on=YEAR_START + datetime.timedelta(days=12 * k + 21),
        )
        for unit in members
        for k in range(24)
    )
    Task.objects.bulk_create(
        Task(
            unit=unit,
            kind=TaskKind.PLAN,
            content=f"Nhiệm vụ {k}",
            deadline=datetime.date(2026, 12, 31),
            due_on=datetime.date(2026, 12, 31),
            completed_on=datetime.date(2026, 9, 1) if k % 4 else None,
        )
        for unit in members
        for k in range(30)
    )
    forms = [DocumentForm.ELECTRONIC, DocumentForm.BOTH, DocumentForm.PAPER]
    OutgoingDocument.objects.bulk_create(
        OutgoingDocument(
            unit=unit,
            number=f"{k}/{unit.code}",
            issued_on=YEAR_START + datetime.timedelta(days=15 * k),
            summary="Văn bản",
            form=forms[k % 3],
            digitally_signed=k % 3 == 0,
        )
        for unit in members
        for k in range(20)
    )
    Inspection.objects.bulk_create(
        Inspection(
            unit=unit,
            inspected_on=YEAR_START + datetime.timedelta(days=90 * k + 30),
            inspected_unit=f"Phòng {k}",
            inspected_kind=InspectedKind.values[0],
            issues_found=4,
            issues_fixed=k + 1,
        )
        for unit in members
        for k in range(3)
    )
    scheme = Scheme.objects.get(code="qd766")
    period = Period.objects.for_code("Q3-2026")
    entered = scheme.criteria.filter(method=Method.ENTERED, children=None)
    EnteredFigure.objects.bulk_create(
        EnteredFigure(
            scheme_code="qd766",
            criterion_code=criterion.code,
            unit=unit,
            period=period,
            ratio=Decimal(int(rng.integers(60, 101))),
            source="Cổng DVCQG",
        )
        for unit in members
        for criterion in entered
    )
    return root, user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--dossiers", type=int, default=1000, help="dossiers per unit")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    database = setup_database(PG_BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    os.environ.setdefault("CCHC_DEBUG", "0")
    os.environ.setdefault("CCHC_SECRET_KEY", "benchmark-only-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from cchc.periods.windows import parse_period
    from cchc.scoring.engine import newest_scheme, ranking, score_units, scored_units
    from cchc.scoring.loader import load_builtin_schemes

    setup_test_environment()
    call_command("migrate", verbosity=0)
    load_builtin_schemes()
    start = time.perf_counter()
    root, user = build(args.units, args.dossiers, numpy.random.default_rng(20261203))
    setup = time.perf_counter() - start
    if database == "PostgreSQL":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    row = {
        "units": args.units,
        "dossiers": args.units * args.dossiers,
        "setup s": round(setup, 1),
    }
    for code, period in (("qd766", "Q3-2026"), ("qd766", "Y-2026"), ("chi-so-cchc-so", "Y-2026")):
        scheme = newest_scheme(code)
        if scheme is None:
            continue
        window = parse_period(period)
        units = scored_units(scheme, root, window)
        assert len(units) == args.units, len(units)

        def run(scheme=scheme, units=units, window=window):
            return ranking(score_units(scheme, units, window))

        ranked = run()
        assert ranked[0].score.total >= ranked[-1].score.total
        row[f"{code} {period} s"] = timed(run, args.repeat)
    client = Client()
    client.force_login(user)
    url = f"/scoring/qd766/Q3-2026/?unit={root.code}"
    assert client.get(url).status_code == 200
    row["ranking page Q3-2026 s"] = timed(lambda: client.get(url), args.repeat)
    print(json.dumps(row, ensure_ascii=False), flush=True)
    print()
    print(
        f"{database}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print("| " + " | ".join(row) + " |")
    print("|" + "---|" * len(row))
    print(
        "| "
        + " | ".join(
            f"{v:.3f}" if isinstance(v, float) and "setup" not in k else str(v)
            for k, v in row.items()
        )
        + " |"
    )
    drop_database(PG_BENCH_DB)


if __name__ == "__main__":
    main()
