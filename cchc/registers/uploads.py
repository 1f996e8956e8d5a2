"""The file waiting between the upload and the mapping page, in DATA_DIR/uploads under a
random token (the client only ever sends the token back, never a path), and the rejected rows
of an upload kept beside it (rejected.py)."""

from __future__ import annotations

import datetime
import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from cchc.org.models import Unit

UPLOAD_LIFETIME = datetime.timedelta(days=1)
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
REJECTED_SUFFIX = ".rejected.xlsx"  # the rejected rows of the upload (rejected.py)


@dataclass(frozen=True)
class PendingUpload:
    token: str
    filename: str
    unit_code: str
    kind: str
    user_id: int
    good_rows_only: bool

    @property
    def path(self) -> Path:
        return uploads_dir() / f"{self.token}.bin"

    def read(self) -> bytes:
        return self.path.read_bytes()


def uploads_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep_upload(
    data: bytes, filename: str, unit: Unit, kind: str, user, good_rows_only: bool = False
) -> PendingUpload:
    pending = new_upload(filename, unit, kind, user, good_rows_only)
    pending.path.write_bytes(data)
    return pending


def new_upload(
    filename: str, unit: Unit, kind: str, user, good_rows_only: bool = False
) -> PendingUpload:
    """A token and what it is for, without the file (the rejected rows of a file imported
    straight away are kept under one)."""
    purge_uploads()
    pending = PendingUpload(
        token=secrets.token_urlsafe(32),
        filename=Path(filename).name,
        unit_code=unit.code,
        kind=kind,
        user_id=user.pk,
        good_rows_only=good_rows_only,
    )
    (uploads_dir() / f"{pending.token}.json").write_text(
        json.dumps(
            {
                "filename": pending.filename,
                "unit_code": pending.unit_code,
                "kind": kind,
                "user_id": pending.user_id,
                "good_rows_only": good_rows_only,
            }
        ),
        encoding="utf-8",
    )
    return pending


def upload_info(token: str, unit: Unit, user) -> dict | None:
    """What keep_upload wrote about the upload `token`, when this user kept it for this unit
    within the day (the file itself may already be imported and gone)."""
    if not TOKEN.fullmatch(token or "") or user is None:
        return None
    meta = uploads_dir() / f"{token}.json"
    if not meta.exists() or time.time() - meta.stat().st_mtime > UPLOAD_LIFETIME.total_seconds():
        return None
    info = json.loads(meta.read_text(encoding="utf-8"))
    if info["unit_code"] != unit.code or info["user_id"] != user.pk:
        return None
    return info


def pending_upload(token: str, unit: Unit, user) -> PendingUpload | None:
    """The upload kept under `token` by this user for this unit, if it is still there."""
    info = upload_info(token, unit, user)
    if info is None:
        return None
    pending = PendingUpload(token=token, **info)
    return pending if pending.path.exists() else None


def discard_upload(token: str, keep_rejected: bool = False) -> None:
    """Forget the upload; with `keep_rejected`, its rejected rows (rejected.py) stay for the
    day."""
    if TOKEN.fullmatch(token or ""):
        suffixes = [".bin"] if keep_rejected else [".bin", ".json", REJECTED_SUFFIX]
        for suffix in suffixes:
            (uploads_dir() / f"{token}{suffix}").unlink(missing_ok=True)


def purge_uploads() -> None:
    """Forget the uploads nobody came back to within a day."""
    limit = time.time() - UPLOAD_LIFETIME.total_seconds()
    for path in uploads_dir().iterdir():
        if path.suffix in (".bin", ".json", ".xlsx") and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
