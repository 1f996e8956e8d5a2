"""An import killed in the middle (the server's process ended with SIGKILL: no exception
handler, no rollback code runs) leaves no partial rows: the database keeps all of the file or
none of it. On the SQLite file cchc runs on and on PostgreSQL, each in a process of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import _postgres_problem

ROOT = Path(__file__).resolve().parents[1]
ROWS = 60_000
SETUP = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from cchc.org.models import Unit, UnitKind
Unit.objects.create(code="X", name="Sở thử", kind=UnitKind.DEPARTMENT, must_report=True)
"""
IMPORT = """
import sys, django; django.setup()
from pathlib import Path
from cchc.org.models import Unit
from cchc.registers.imports import import_dossiers
print("start", flush=True)
result = import_dossiers(Path(sys.argv[1]), "lon.csv", Unit.objects.get(code="X"))
print("done", result.created, flush=True)
"""
COUNT = """
import django; django.setup()
from cchc.registers.models import Dossier
print(Dossier.objects.count())
"""


def _environment(database: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CCHC_", "DATABASE_URL"))}
    return {**clean, "DJANGO_SETTINGS_MODULE": "cchc.settings", **database}


def _python(code: str, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _big_file(path: Path) -> Path:
    lines = ["Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả"]
    lines += [f"K{n:06d},P1,Trực tiếp,01/07/2022 09:00,15/07/2022,05/07/2022" for n in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _killed_counts(env: dict[str, str], source: Path) -> list[int]:
    """Import the file once whole (timing it), then kill an import at several points of that
    time, the later ones inside the write; the row count after each kill."""
    started = time.perf_counter()
    output = _python(IMPORT, env, str(source))
    whole = time.perf_counter() - started
    assert f"done {ROWS}" in output
    _python(
        "import django; django.setup()\nfrom cchc.registers.models import Dossier\n"
        "Dossier.objects.all().delete()",
        env,
    )
    counts = []
    # Where the write falls in that time: on this machine the file is read and checked for
    # about half of it, written and committed in the next fifth or so.
    for share in (0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8):
        child = subprocess.Popen(
            [sys.executable, "-c", IMPORT, str(source)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert child.stdout is not None and child.stdout.readline().strip() == "start"
        time.sleep(max(whole * share - 1.0, 0.05))  # django.setup() is counted in `whole`
        child.send_signal(signal.SIGKILL)
        child.wait()
        counts.append(int(_python(COUNT, env).strip()))
        _python(
            "import django; django.setup()\nfrom cchc.registers.models import Dossier\n"
            "Dossier.objects.all().delete()",
            env,
        )
    return counts


@pytest.mark.skipif(
    os.environ.get("CCHC_TEST_POSTGRES") == "1", reason="SQLite run only (make test-sqlite)"
)
def test_a_killed_import_leaves_all_or_nothing_on_sqlite(tmp_path):
    env = _environment({"CCHC_DATA_DIR": str(tmp_path / "data"), "CCHC_DEBUG": "1"})
    _python(SETUP, env)
    counts = _killed_counts(env, _big_file(tmp_path / "lon.csv"))
    assert set(counts) <= {0, ROWS}, counts
    assert 0 in counts  # at least one kill came before the commit


@pytest.mark.skipif(
    os.environ.get("CCHC_TEST_POSTGRES") != "1", reason="PostgreSQL run only (make test-postgres)"
)
def test_a_killed_import_leaves_all_or_nothing_on_postgresql(tmp_path):
    import psycopg

    problem = _postgres_problem()
    if problem:
        pytest.skip(problem)
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    name = f"cchc_kill_{uuid.uuid4().hex[:8]}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = _environment({"DATABASE_URL": f"{base}/{name}", "CCHC_DB_CONN_MAX_AGE": "0"})
        _python(SETUP, env)
        counts = _killed_counts(env, _big_file(tmp_path / "lon.csv"))
        assert set(counts) <= {0, ROWS}, counts
        assert 0 in counts
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
