"""`cchc backup`, restored by the procedure the README gives: SQLite (online backup while
another connection is writing, then the file copied back) and PostgreSQL (pg_dump, then
createdb and pg_restore into a scratch database)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from cchc.exchange import backup
from cchc.exchange.errors import ExchangeError
from tests.exchange_support import (
    ROOT,
    cchc,
    environment,
    postgres_run,
    run,
    scratch_postgres,
    server_url,
)

SEED = """
import django; django.setup()
from cchc.audit.services import log_action
from cchc.org.models import Unit, UnitKind
root = Unit.objects.create(code="ST", name="UBND tỉnh Sóc Trăng", kind=UnitKind.PROVINCE)
for n in range(5):
    unit = Unit.objects.create(code=f"ST-{n}", name=f"Sở {n}", kind="department", parent=root)
    log_action(None, "unit.add", f"Thêm {unit.name}", obj=unit)
"""
COUNT = """
import django; django.setup()
from cchc.audit.models import AuditEntry
from cchc.org.models import Unit
print(Unit.objects.count(), AuditEntry.objects.count(), Unit.objects.filter(code="MOI").count())
"""
# Holds a write transaction open (a server in the middle of a save) until told to commit.
WRITER = """
import sys, django; django.setup()
from django.db import transaction
from cchc.org.models import Unit
with transaction.atomic():
    Unit.objects.create(code="MOI", name="Đơn vị đang ghi", kind="department")
    print("writing", flush=True)
    sys.stdin.readline()
print("committed", flush=True)
"""


@pytest.mark.skipif(postgres_run(), reason="SQLite run only (make test-sqlite)")
def test_sqlite_backup_while_writing_and_copy_back(tmp_path):
    env = environment({"CCHC_DATA_DIR": str(tmp_path / "data"), "CCHC_DEBUG": "1"})
    assert cchc(env, "migrate", "--noinput").returncode == 0
    run(SEED, env)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER],
        env=env,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdin is not None and writer.stdout is not None
    try:
        assert writer.stdout.readline().strip() == "writing"
        done = cchc(env, "backup", "-o", str(tmp_path / "sao-luu.sqlite3"))
        assert done.returncode == 0, done.stderr
        assert "SQLite online backup" in done.stderr
    finally:
        writer.stdin.write("\n")
        writer.stdin.close()
        assert writer.stdout.readline().strip() == "committed"
        writer.wait()
    assert run(COUNT, env).split() == ["7", "5", "1"]
    # README: stop the server, copy the backup over CCHC_DATA_DIR/cchc.sqlite3.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copyfile(tmp_path / "sao-luu.sqlite3", restored / "cchc.sqlite3")
    env_restored = environment({"CCHC_DATA_DIR": str(restored), "CCHC_DEBUG": "1"})
    # The committed rows are there; the one still being written when it ran is not.
    assert run(COUNT, env_restored).split() == ["6", "5", "0"]


def _pg_args(url: str) -> list[str]:
    parsed = urlparse(url)
    args = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432)]
    return [*args, "-U", parsed.username] if parsed.username else args


@pytest.mark.skipif(not postgres_run(), reason="PostgreSQL run only (make test-postgres)")
def test_postgres_backup_restored_with_pg_restore(tmp_path):
    from tests.conftest import _postgres_problem

    problem = _postgres_problem()
    if problem:
        pytest.skip(problem)
    with scratch_postgres("cchc_backup_src") as url:
        env = environment({"DATABASE_URL": url, "CCHC_DB_CONN_MAX_AGE": "0"})
        assert cchc(env, "migrate", "--noinput").returncode == 0
        run(SEED, env)
        done = cchc(env, "backup", "-o", str(tmp_path / "sao-luu.dump"))
        assert done.returncode == 0, done.stderr
    # README: createdb, then pg_restore --clean --if-exists into it.
    name = "cchc_backup_" + tmp_path.name[-8:].replace("-", "_")
    subprocess.run(["createdb", *_pg_args(server_url()), name], check=True)
    try:
        target = f"{server_url()}/{name}"
        restored = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "-d",
                target,
                str(tmp_path / "sao-luu.dump"),
            ],
            capture_output=True,
            text=True,
        )
        assert restored.returncode == 0, restored.stderr
        env_restored = environment({"DATABASE_URL": target, "CCHC_DB_CONN_MAX_AGE": "0"})
        assert run(COUNT, env_restored).split() == ["6", "5", "0"]
    finally:
        subprocess.run(["dropdb", *_pg_args(server_url()), "--force", "--if-exists", name])


def test_a_missing_pg_dump_is_told_in_vietnamese(monkeypatch, tmp_path):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(ExchangeError, match="Không tìm thấy chương trình pg_dump"):
        backup._pg_dump(Path(tmp_path / "x.dump"))
