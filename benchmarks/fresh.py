"""What the page benchmarks share: a fresh database to build in, and the median of timed runs."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit


def setup_database(name: str) -> str:
    """A fresh SQLite file in a temporary CCHC_DATA_DIR or, when DATABASE_URL points at
    PostgreSQL, a fresh database `name` next to it (DATABASE_URL then names it); returns
    the database's name for the report."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        os.environ["CCHC_DATA_DIR"] = tempfile.mkdtemp(prefix="cchc-bench-")
        return "SQLite"
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    os.environ["CCHC_BENCH_SERVER_URL"] = url
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return "PostgreSQL"


def drop_database(name: str) -> None:
    """Drop the PostgreSQL database setup_database made (Django's connections closed)."""
    url = os.environ.get("CCHC_BENCH_SERVER_URL")
    if not url:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")


def timed(function: Callable[[], object], repeat: int) -> float:
    """The median of `repeat` runs after one warm-up, in seconds."""
    function()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)
