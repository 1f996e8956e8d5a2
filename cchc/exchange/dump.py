"""`cchc dump`: the data as a zip of JSON-lines files, one per model, with the uploaded files.

Layout of the zip (format version 1):
    manifest.json                    format, cchc version, migration state, members
    data/NNN-app.model.jsonl         one object per line (Django's jsonl serializer), primary
                                     keys kept, references by natural key where the model has
                                     one (users by name, content types by app and model)
    files/evidence/PATH              the uploaded evidence files, PATH as the rows name it
The members are listed in the manifest in the order they load (each after the models it
refers to) with their row count, size and sha256.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from cchc.exchange.selection import Selection, everything
from cchc.exchange.selection import province as select_province
from cchc.exchange.tables import FILE_FIELDS, label
from cchc.reports import evidence_files

FORMAT = "cchc-dump"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES_PREFIX = "files/evidence/"


def cchc_version() -> str:
    try:
        return version("cchc")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def migration_state() -> dict[str, list[str]]:
    """The migrations applied to the database, by app."""
    state: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's cuts them to
    milliseconds, and the restored rows would then differ from the dumped ones)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _HashingWriter:
    """A text stream for the serializer that writes UTF-8 into a zip member, hashing it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.sha.update(data)
        self.size += len(data)
        self.raw.write(data)
        return len(text)

    def flush(self) -> None:
        self.raw.flush()


def _counted(rows: Iterable[models.Model], counter: list[int]) -> Iterator[models.Model]:
    for row in rows:
        counter[0] += 1
        yield row


def _write_model(
    archive: zipfile.ZipFile, index: int, model: type[models.Model], selection: Selection
) -> dict[str, Any]:
    name = f"data/{index:03d}-{label(model)}.jsonl"
    counter = [0]
    with archive.open(name, "w", force_zip64=True) as raw:
        writer = _HashingWriter(raw)
        serializers.serialize(
            "jsonl",
            _counted(selection.rows(model), counter),
            stream=writer,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=False,
            cls=ExactJSONEncoder,
        )
    return {
        "name": name,
        "model": label(model),
        "rows": counter[0],
        "bytes": writer.size,
        "sha256": writer.sha.hexdigest(),
    }


def _stored_files(selection: Selection) -> list[str]:
    paths: set[str] = set()
    for model, queryset in selection.querysets.items():
        field_name = FILE_FIELDS.get(label(model))
        if field_name:
            paths |= set(queryset.exclude(**{field_name: ""}).values_list(field_name, flat=True))
    return sorted(paths)


def _write_file(archive: zipfile.ZipFile, relative: str) -> dict[str, Any] | None:
    try:
        source = evidence_files.path_of(relative)
        handle = source.open("rb")
    except FileNotFoundError:
        return None
    sha, size = hashlib.sha256(), 0
    with handle, archive.open(FILES_PREFIX + relative, "w", force_zip64=True) as target:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return {
        "name": FILES_PREFIX + relative,
        "path": relative,
        "bytes": size,
        "sha256": sha.hexdigest(),
    }


def write_dump(output: Path, province: str | None = None) -> dict[str, Any]:
    """Write all rows, or those of the province `province`, and their files to `output`
    (replaced only once whole); returns the manifest."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".cchc-dump-", suffix=".zip", dir=output.parent)
    os.close(handle)
    try:
        with _snapshot(), zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            selection = select_province(province) if province else everything()
            members = [
                _write_model(archive, index, model, selection)
                for index, model in enumerate(selection.querysets, start=1)
            ]
            files, missing = [], []
            for relative in _stored_files(selection):
                written = _write_file(archive, relative)
                if written is None:
                    missing.append(relative)
                else:
                    files.append(written)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "cchc_version": cchc_version(),
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "database": connection.vendor,
                "province": selection.province,
                "migrations": migration_state(),
                "members": members,
                "files": files,
                # Files the rows name but the store has lost: the rows are dumped as they are.
                "missing_files": missing,
                # References a province's rows made to rows left out (set empty in the dump).
                "unlinked": dict(sorted(selection.unlinked.items())),
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(temporary, output)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return manifest


class _snapshot:
    """One consistent view of the database for the whole dump while the server keeps
    writing: a repeatable-read, read-only transaction on PostgreSQL; on SQLite the
    transaction holds the write lock, so writers wait until the dump is read."""

    def __enter__(self) -> None:
        self.atomic = transaction.atomic()
        outermost = not connection.in_atomic_block
        self.atomic.__enter__()
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def __exit__(self, *exc: Any) -> None:
        self.atomic.__exit__(*exc)
