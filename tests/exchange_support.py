"""Helpers for the dump/restore and backup tests: every table read row by row, and a fresh
database (an SQLite file, or a scratch PostgreSQL database under the PostgreSQL run) worked on
by `cchc` commands in processes of their own."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Printed by a process: every table of the database it runs on, as JSON.
PRINT_TABLES = """
import json, django; django.setup()
from tests.exchange_support import table_rows
print(json.dumps(table_rows(), default=str))
"""


def table_rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of the table of every model Django knows (many-to-many tables included),
    read with plain SQL in primary key order, values as the database gives them back."""
    from django.apps import apps
    from django.db import connection

    found: dict[str, list[dict[str, Any]]] = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if not model._meta.managed or model._meta.proxy:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            key = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {key}")
            columns = [column[0] for column in cursor.description]
            found[model._meta.label_lower] = [
                dict(zip(columns, row, strict=True)) for row in cursor
            ]
    # Through JSON as the other process's rows come (dates, decimals as text).
    return json.loads(json.dumps(found, default=str))


def environment(database: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CCHC_", "DATABASE_URL"))}
    return {**clean, "DJANGO_SETTINGS_MODULE": "cchc.settings", **database}


def run(code: str, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def cchc(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cchc.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def postgres_run() -> bool:
    return os.environ.get("CCHC_TEST_POSTGRES") == "1"


def server_url() -> str:
    """The PostgreSQL server's address without a database name."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    return url.rsplit("/", 1)[0]


@contextlib.contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database's URL, dropped afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server_url()}/{name}"
    finally:
        with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_database(data_dir: Path) -> Iterator[dict[str, str]]:
    """The environment of a new database on the backend the tests run on, migrated."""
    data_dir.mkdir(parents=True, exist_ok=True)
    if postgres_run():
        with scratch_postgres("cchc_restore") as url:
            env = environment(
                {"DATABASE_URL": url, "CCHC_DB_CONN_MAX_AGE": "0", "CCHC_DATA_DIR": str(data_dir)}
            )
            migrated = cchc(env, "migrate", "--noinput")
            assert migrated.returncode == 0, migrated.stderr
            yield env
    else:
        env = environment({"CCHC_DATA_DIR": str(data_dir), "CCHC_DEBUG": "1"})
        migrated = cchc(env, "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr
        yield env
