"""Office files (XLSX, DOCX) are zip archives of XML: refused before any reader opens them
when they would unpack to far more than they weigh (a zip bomb) or declare XML entities (the
"billion laughs" bomb and external entities). openpyxl also parses through defusedxml, which
refuses entities, so a declaration hidden past the first bytes is stopped there."""

from __future__ import annotations

import io
import zipfile

MAX_MEMBERS = 10_000
MAX_UNPACKED = 1024**3  # 1 GiB: a million-row export unpacks to about half of that
# Real workbooks and documents pack 5–30 times; sheets of one repeated value do better, so
# the ratio is only held against archives that also unpack to more than RATIO_FROM bytes.
MAX_RATIO = 200
RATIO_FROM = 50 * 1024 * 1024
HEAD_BYTES = 4096  # an XML part's prolog, where a DOCTYPE must be


class UnsafeOfficeFile(ValueError):
    """The message says, in Vietnamese, what is wrong with the file."""


def check_office_zip(data: bytes, filename: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise UnsafeOfficeFile(
            f"Tệp {filename} bị hỏng hoặc không phải tệp Excel/Word (.xlsx/.docx): không mở "
            "được như tệp nén Office."
        ) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnsafeOfficeFile(
                f"Tệp {filename} chứa {len(members)} phần, quá nhiều cho một tệp Excel/Word; "
                "tệp bị từ chối."
            )
        unpacked = sum(member.file_size for member in members)
        packed = sum(member.compress_size for member in members) or 1
        if unpacked > MAX_UNPACKED or (unpacked > RATIO_FROM and unpacked / packed > MAX_RATIO):
            raise UnsafeOfficeFile(
                f"Tệp {filename} nặng {len(data) / 1024 / 1024:.1f} MB nhưng giải nén ra "
                f"{unpacked / 1024 / 1024:,.0f} MB: có dấu hiệu là tệp độc hại (zip bomb); "
                "tệp bị từ chối."
            )
        for member in members:
            if not member.filename.endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(member) as part:
                head = part.read(HEAD_BYTES)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnsafeOfficeFile(
                    f"Tệp {filename} có phần {member.filename} khai báo thực thể XML (DOCTYPE/"
                    "ENTITY), điều tệp Excel/Word thật không có: tệp bị từ chối."
                )
