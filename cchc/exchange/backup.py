"""`cchc backup`: a copy of the whole database in its own format, taken while the server runs.

SQLite: the online backup API (sqlite3.Connection.backup) copies the file page by page under
SQLite's locking, so the copy is consistent even while the server writes. PostgreSQL:
`pg_dump --format=custom`, one consistent snapshot, restored with pg_restore. The restore
procedure is in the README ("Backup and restore"). Uploaded files are not in the database:
`cchc dump` carries them, or copy CCHC_DATA_DIR/evidence beside the backup.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.db import connection

from cchc.exchange.errors import ExchangeError


def backup(output: Path) -> str:
    """Write the backup to `output` (replaced only once whole); returns the method used."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".cchc-backup-", dir=output.parent)
    os.close(handle)
    try:
        if connection.vendor == "sqlite":
            _sqlite(Path(connection.settings_dict["NAME"]), Path(temporary))
            method = "SQLite online backup"
        elif connection.vendor == "postgresql":
            _pg_dump(Path(temporary))
            method = "pg_dump --format=custom"
        else:
            raise ExchangeError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
        os.replace(temporary, output)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return method


def _sqlite(source: Path, target: Path) -> None:
    if not source.exists():
        raise ExchangeError(f"Không tìm thấy tệp cơ sở dữ liệu {source}.")
    # Read-only: the backup never writes to the server's database.
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=20)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()


def _pg_dump(target: Path) -> None:
    program = shutil.which("pg_dump")
    if program is None:
        raise ExchangeError(
            "Không tìm thấy chương trình pg_dump: hãy cài gói postgresql-client cùng phiên bản "
            "với máy chủ PostgreSQL (Debian/Ubuntu: apt-get install postgresql-client)."
        )
    settings = connection.settings_dict
    command = [program, "--format=custom", "--no-owner", f"--file={target}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command.append(f"{flag}={settings[key]}")
    command.append(f"--dbname={settings['NAME']}")
    environment = dict(os.environ)
    if settings.get("PASSWORD"):
        # The password goes through the environment, never on the command line (ps shows it).
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    done = subprocess.run(command, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise ExchangeError(f"pg_dump không sao lưu được: {done.stderr.strip()}")
