"""Files uploaded as evidence: checked by their content, stored under the data directory.

The type is decided by what the file holds (its first bytes, then opening it), never by the
name the user gave it; the stored name is generated, so a user's file name can never reach
the file system."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404

from cchc.base.office import UnsafeOfficeFile, check_office_zip

ALLOWED = "PDF, DOCX, XLSX, PNG, JPEG"
# Extensions a user's file may carry for each detected kind.
EXTENSIONS = {
    "pdf": {".pdf"},
    "docx": {".docx"},
    "xlsx": {".xlsx"},
    "png": {".png"},
    "jpeg": {".jpg", ".jpeg"},
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
LABELS = {"pdf": "PDF", "docx": "Word (DOCX)", "xlsx": "Excel (XLSX)", "png": "PNG", "jpeg": "JPEG"}


class EvidenceFileError(ValueError):
    """A file refused; the message (Vietnamese, naming the file) is shown as is."""


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content: bytes
    name: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def max_bytes() -> int:
    return int(settings.CCHC_EVIDENCE_MAX_MB * 1024 * 1024)


def storage_dir() -> Path:
    return Path(settings.DATA_DIR) / "evidence"


def _sniff(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def _office_kind(content: bytes) -> str:
    """'docx' or 'xlsx' for a readable Office Open XML package; raises on anything else."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        names = set(package.namelist())
        if package.testzip() is not None:
            raise zipfile.BadZipFile("bad member")
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    raise zipfile.BadZipFile("not an Office document")


def _image_opens(content: bytes) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        image.verify()


def check_file(name: str, content: bytes) -> CheckedFile:
    """The file's kind if it is a whole PDF, DOCX, XLSX, PNG or JPEG whose extension agrees."""
    name = Path(name or "").name.strip() or "tep-minh-chung"
    limit = settings.CCHC_EVIDENCE_MAX_MB
    if len(content) > max_bytes():
        size = len(content) / 1024 / 1024
        raise EvidenceFileError(
            f"Tệp '{name}' dung lượng {size:.1f} MB, vượt mức cho phép {limit:g} MB."
        )
    if not content:
        raise EvidenceFileError(f"Tệp '{name}' rỗng.")
    kind = _sniff(content)
    if kind is None:
        raise EvidenceFileError(
            f"Tệp '{name}' không phải loại được nhận làm minh chứng ({ALLOWED})."
        )
    if kind == "zip":
        try:
            check_office_zip(content, f"'{name}'")
        except UnsafeOfficeFile as exc:
            raise EvidenceFileError(str(exc)) from exc
    try:
        if kind == "zip":
            kind = _office_kind(content)
        elif kind in ("png", "jpeg"):
            _image_opens(content)
        elif b"%%EOF" not in content[-2048:]:
            raise ValueError("PDF without its end marker")
    except Exception as exc:  # any failure to read the file means it is damaged
        shown = "Word/Excel" if kind == "zip" else LABELS[kind]
        raise EvidenceFileError(
            f"Tệp '{name}' bị hỏng hoặc không đọc được như tệp {shown}."
        ) from exc
    extension = Path(name).suffix.lower()
    if extension not in EXTENSIONS[kind]:
        raise EvidenceFileError(
            f"Tệp '{name}' có nội dung {LABELS[kind]} nhưng phần mở rộng "
            f"'{extension or '(không có)'}' không khớp; hãy đặt tên tệp đuôi "
            f"{' hoặc '.join(sorted(EXTENSIONS[kind]))}."
        )
    return CheckedFile(kind=kind, content=content, name=name)


def store(report_id: int | str, checked: CheckedFile) -> str:
    """Write the file under a generated name in the folder of `report_id` (a report's id,
    or another owner's name such as "assessment-12"); returns its path relative to the
    store."""
    extension = sorted(EXTENSIONS[checked.kind])[0]
    relative = f"{report_id}/{uuid.uuid4().hex}{extension}"
    target = storage_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(checked.content)
    return relative


def path_of(relative: str) -> Path:
    """The stored file, refusing any path that would leave the store."""
    root = storage_dir().resolve()
    target = (root / relative).resolve()
    if root not in target.parents:
        raise FileNotFoundError(relative)
    return target


def delete(relative: str) -> None:
    if relative:
        try:
            path_of(relative).unlink(missing_ok=True)
        except FileNotFoundError:
            pass


def download(relative: str, name: str, content_type: str) -> FileResponse:
    """The stored file as an attachment under the user's own file name, never sniffed by the
    browser as another type; 404 when it is not in the store."""
    if not relative:
        raise Http404("Tài liệu này không kèm tệp")
    try:
        handle = path_of(relative).open("rb")
    except FileNotFoundError as exc:
        raise Http404("Không tìm thấy tệp") from exc
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
