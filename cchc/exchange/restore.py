"""`cchc restore`: a dump loaded into an empty, migrated database, all of it or nothing.

The zip is checked whole before anything is written (manifest, every member's sha256, the
migration state); the rows are then loaded in one transaction, in the manifest's order, with
their primary keys, and PostgreSQL's sequences moved past the largest key. The files are
unpacked beside the evidence store first and moved in only once the transaction committed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import uuid
import zipfile
import zlib
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, models, transaction

from cchc.exchange.dump import FORMAT, FORMAT_VERSION, MANIFEST, migration_state
from cchc.exchange.errors import ExchangeError
from cchc.exchange.tables import SEEDED_BY_MIGRATE, all_tables_models, dumped_models, label
from cchc.reports import evidence_files


class Archive:
    """An opened dump whose manifest and members have been checked."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise ExchangeError(f"Không tìm thấy tệp {self.path}.") from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise ExchangeError(
                f"Tệp {self.path.name} không phải tệp zip hợp lệ hoặc đã bị cắt cụt ({exc})."
            ) from None
        self.manifest = self._manifest()
        self._check_members()

    def close(self) -> None:
        self.zip.close()

    def _read(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except KeyError:
            raise ExchangeError(f"Bản sao lưu thiếu thành phần {name}.") from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise ExchangeError(f"Thành phần {name} của bản sao lưu bị hỏng ({exc}).") from None

    def _manifest(self) -> dict[str, Any]:
        try:
            manifest = json.loads(self._read(MANIFEST))
        except ValueError:
            raise ExchangeError(
                f"Thành phần {MANIFEST} không đọc được (không phải JSON)."
            ) from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ExchangeError(f"Tệp {self.path.name} không phải bản sao lưu của cchc.")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise ExchangeError(
                f"Bản sao lưu có định dạng phiên bản {manifest.get('format_version')}; "
                f"phiên bản cchc này chỉ đọc định dạng {FORMAT_VERSION}."
            )
        missing = [key for key in ("migrations", "members", "files") if key not in manifest]
        if missing:
            raise ExchangeError(f"{MANIFEST} thiếu mục {', '.join(missing)}: bản sao lưu hỏng.")
        return manifest

    def _check_members(self) -> None:
        """Every member listed is present and hashes as the manifest says (a member cut
        short or altered is named)."""
        for member in [*self.manifest["members"], *self.manifest["files"]]:
            sha = hashlib.sha256()
            try:
                with self.zip.open(member["name"]) as handle:
                    while chunk := handle.read(1 << 20):
                        sha.update(chunk)
            except KeyError:
                raise ExchangeError(f"Bản sao lưu thiếu thành phần {member['name']}.") from None
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
                raise ExchangeError(
                    f"Thành phần {member['name']} của bản sao lưu bị hỏng ({exc})."
                ) from None
            if sha.hexdigest() != member["sha256"]:
                raise ExchangeError(
                    f"Thành phần {member['name']} không khớp mã kiểm tra sha256 ghi trong "
                    f"{MANIFEST}: tệp đã bị sửa hoặc hỏng."
                )


def check_migrations(manifest: dict[str, Any]) -> None:
    here = migration_state()
    dumped = manifest["migrations"]
    if not here:
        raise ExchangeError(
            "Cơ sở dữ liệu đích chưa được tạo bảng: hãy chạy 'cchc migrate' trước khi khôi phục."
        )
    differ = sorted(app for app in set(here) | set(dumped) if here.get(app) != dumped.get(app))
    if differ:
        details = "; ".join(
            f"{app}: bản sao lưu {(dumped.get(app) or ['(không có)'])[-1]}, "
            f"cơ sở dữ liệu {(here.get(app) or ['(không có)'])[-1]}"
            for app in differ
        )
        raise ExchangeError(
            "Trạng thái migration của cơ sở dữ liệu đích khác bản sao lưu (" + details + "). "
            "Hãy khôi phục bằng phiên bản cchc đã tạo bản sao lưu, hoặc đưa hai bên về cùng "
            "phiên bản rồi chạy 'cchc migrate'."
        )


def data_present() -> dict[str, int]:
    """Rows in the database other than those `migrate` writes (by model)."""
    found = {}
    for model in dumped_models():
        if label(model) not in SEEDED_BY_MIGRATE:
            count = model._base_manager.count()
            if count:
                found[str(model._meta.verbose_name_plural)] = count
    return found


def _flush() -> None:
    """Empty every table (raw SQL: the audit trail refuses deletes through the ORM)."""
    tables = connection.introspection.django_table_names(only_existing=True)
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=False)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with foreign-key checks still pending in this
            # transaction (rows written earlier in it): run those checks now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            # Checked at commit again: the rows load in any order within the transaction.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    ContentType.objects.clear_cache()


BATCH = 500


def _insert(rows: list[models.Model]) -> None:
    """Insert rows of one model as they are, keys and stored times included, in one
    statement per batch: what a raw save (loaddata's) writes, without a query per row."""
    if not rows:
        return
    model = type(rows[0])
    fields = list(model._meta.local_concrete_fields)
    size = connection.ops.bulk_batch_size(fields, rows) or BATCH
    for start in range(0, len(rows), min(size, BATCH)):
        model._base_manager._insert(  # type: ignore[attr-defined]
            rows[start : start + min(size, BATCH)], fields=fields, raw=True, using=connection.alias
        )
    rows.clear()


def _load(archive: Archive, member: dict[str, Any]) -> None:
    count = 0
    deferred = []
    pending: list[models.Model] = []
    with archive.zip.open(member["name"]) as raw:
        lines = io.TextIOWrapper(raw, encoding="utf-8")
        try:
            for item in serializers.deserialize(
                "jsonl", lines, handle_forward_references=True, ignorenonexistent=False
            ):
                count += 1
                if item.object._meta.many_to_many or item.deferred_fields:
                    # Rows with many-to-many values (users, groups) or references still to
                    # come are saved one by one, as loaddata does (a plain INSERT: the table
                    # was emptied and the keys are kept).
                    _insert(pending)
                    item.save(force_insert=True)
                    if item.deferred_fields:
                        deferred.append(item)
                    continue
                pending.append(item.object)
                if len(pending) >= BATCH:
                    _insert(pending)
            _insert(pending)
        except serializers.base.DeserializationError as exc:
            raise ExchangeError(f"Không nạp được {member['name']}: {exc}") from None
    for item in deferred:
        item.save_deferred_fields()
    if count != member["rows"]:
        raise ExchangeError(
            f"Thành phần {member['name']} có {count} dòng, {MANIFEST} ghi {member['rows']}."
        )
    if member["model"] == "contenttypes.contenttype":
        ContentType.objects.clear_cache()


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), all_tables_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _stage_files(archive: Archive) -> Path:
    """Unpack the files into a folder of the store, to be moved in after the commit."""
    staging = evidence_files.storage_dir() / f".restore-{uuid.uuid4().hex}"
    for member in archive.manifest["files"]:
        target = (staging / member["path"]).resolve()
        if staging.resolve() not in target.parents:
            raise ExchangeError(f"Thành phần {member['name']} có đường dẫn không hợp lệ.")
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.zip.open(member["name"]) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
    return staging


def restore(path: Path, *, replace: bool = False) -> dict[str, Any]:
    """Load the dump at `path`; returns its manifest. `replace` allows a database that
    already holds data: all of it is removed first (in the same transaction)."""
    archive = Archive(path)
    try:
        manifest = archive.manifest
        check_migrations(manifest)
        known = {label(m) for m in dumped_models()}
        unknown = [m["model"] for m in manifest["members"] if m["model"] not in known]
        if unknown:
            raise ExchangeError("Bản sao lưu có dữ liệu không rõ loại: " + ", ".join(unknown))
        present = data_present()
        if present and not replace:
            shown = ", ".join(f"{count} {name}" for name, count in list(present.items())[:5])
            raise ExchangeError(
                f"Cơ sở dữ liệu đích đã có dữ liệu ({shown}…). Chỉ khôi phục vào cơ sở dữ "
                "liệu trống vừa chạy 'cchc migrate'; thêm --replace để xóa toàn bộ dữ liệu "
                "hiện có và thay bằng bản sao lưu."
            )
        staging = _stage_files(archive)
        try:
            with transaction.atomic():
                _flush()
                for member in manifest["members"]:
                    _load(archive, member)
                _reset_sequences()
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            ContentType.objects.clear_cache()  # it may hold the rolled-back ids
            raise
        for member in manifest["files"]:
            target = evidence_files.storage_dir() / member["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / member["path"], target)
        shutil.rmtree(staging, ignore_errors=True)
        return manifest
    finally:
        archive.close()
