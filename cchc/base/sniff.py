"""How an uploaded CSV is written, as officials actually get it: its encoding (UTF-8 with or
without BOM, UTF-16 with BOM, or Windows-1258 as Excel saves a CSV on Vietnamese Windows), its
separator (comma, semicolon as Vietnamese-locale Excel writes, or tab), and which of its first
rows is the header (report titles often sit above it, in CSV and XLSX alike). Text typed
with the legacy TCVN3 or VNI fonts is converted to Unicode (legacy_text), whatever encoding
holds it, and the layout says so."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cchc.base import legacy_text

HEADER_SEARCH_ROWS = 15  # a header further down than this is not looked for
SNIFF_BYTES = 64 * 1024
SEPARATORS = ",;\t"
_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM begins the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Text never holds C0 controls other than tab and line breaks; binary data almost always does.
_CONTROLS = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


class UnreadableText(ValueError):
    """The bytes are not text in any encoding an official's file comes in."""


@dataclass(frozen=True)
class CsvLayout:
    data: bytes  # the file as UTF-8 (NFC), without BOM, for pandas to read
    separator: str
    header_row: int  # as the user sees it: the file's first line is row 1
    legacy: str | None = None  # legacy_text.TCVN3 or VNI when the text was converted


def decode(data: bytes, filename: str) -> str:
    """The file's text in NFC. Windows-1258 is only tried when the bytes are not valid UTF-8,
    and text in it (and in UTF-8 typed with a "tổ hợp" keyboard) may carry tone marks as
    combining characters: NFC makes "Hồ sơ" the same string however it was typed."""
    encoding, nfc = _detect(data, filename)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:  # a UTF-16 BOM before bytes that are not UTF-16
        raise _unreadable(filename) from exc
    return text if nfc else unicodedata.normalize("NFC", text)


def detect_encoding(data: bytes, filename: str) -> str:
    return _detect(data, filename)[0]


def _detect(data: bytes, filename: str) -> tuple[str, bool]:
    """The encoding, and whether the text is already NFC (only known for UTF-8 here)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding != "utf-8-sig":
                return encoding, False
            nfc = _utf8_nfc(data[len(bom) :])
            if nfc is None:
                raise _unreadable(filename)
            return encoding, nfc
    if b"\x00" in data:  # never in text of one byte a character: UTF-16 without BOM?
        return _utf16_without_bom(data, filename), False
    nfc = True if data.isascii() else _utf8_nfc(data)
    if nfc is not None:
        return "utf-8", nfc
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:  # bytes cp1258 leaves undefined
        text = ""
    if text and not _CONTROLS.intersection(text):
        return "cp1258", False
    raise _unreadable(filename)


def _utf16_without_bom(data: bytes, filename: str) -> str:
    """UTF-16 when every other byte of the start is NUL (Latin letters, digits and
    separators have a zero high byte), by the side the NULs are on."""
    sample = data[:SNIFF_BYTES]
    half = len(sample) // 2
    for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if half and zeros.count(0) >= 0.3 * half and len(sample) % 2 == 0:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not _CONTROLS.intersection(text):
                return encoding
    raise _unreadable(filename)


def _unreadable(filename: str) -> UnreadableText:
    return UnreadableText(
        f"Không đọc được tệp {filename}: tệp không phải văn bản theo bảng mã UTF-8, UTF-16 "
        "hay Windows-1258 (có thể tệp hỏng hoặc không phải CSV). Hãy mở tệp bằng Excel và lưu "
        "lại dạng «CSV UTF-8 (Comma delimited)» hoặc «Excel Workbook (.xlsx)»."
    )


def _utf8_nfc(data: bytes) -> bool | None:
    """None when the bytes are not UTF-8, else whether their text is NFC. Read a megabyte at
    a time, so that a large upload is not copied whole to find out."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1024 * 1024
    nfc = True
    try:
        for start in range(0, len(data), step):
            piece = decoder.decode(data[start : start + step])
            nfc = nfc and unicodedata.is_normalized("NFC", piece)
        return nfc and unicodedata.is_normalized("NFC", decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return None


def detect_separator(sample: str) -> str:
    """Comma, semicolon or tab, as csv.Sniffer finds it over the first lines; comma when it
    cannot tell (a file of one column, say)."""
    lines = sample.splitlines()[: HEADER_SEARCH_ROWS + 10]
    if len(lines) > 1 and len(sample) >= SNIFF_BYTES:
        lines = lines[:-1]  # the last one may be cut short
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=SEPARATORS).delimiter
    except csv.Error:
        return ","


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).lower().split())


def find_header(rows: Sequence[Sequence[str]], expected: Iterable[str] = ()) -> int:
    """The header's place among `rows` (0 for the first): the first of the first
    HEADER_SEARCH_ROWS rows holding at least two of the `expected` column names; failing
    that, the first whose cells are mostly filled with text (not numbers), unlike a title
    row of one cell; failing that, the first row."""
    rows = [[str(cell).strip() for cell in row] for row in rows[:HEADER_SEARCH_ROWS]]
    names = {_key(name) for name in expected}
    if names:
        for place, row in enumerate(rows):
            if len(names.intersection(_key(cell) for cell in row if cell)) >= 2:
                return place
    widest = max((sum(1 for cell in row if cell) for row in rows), default=0)
    for place, row in enumerate(rows):
        filled = [cell for cell in row if cell]
        texts = [cell for cell in filled if not _is_number(cell)]
        if len(filled) >= 2 and 2 * len(filled) >= widest and 2 * len(texts) > len(filled):
            return place
    return 0


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return False
    return True


def csv_layout(data: bytes, filename: str, expected: Iterable[str] = ()) -> CsvLayout:
    """Raises UnreadableText when the bytes are not text."""
    encoding, nfc = _detect(data, filename)
    legacy = None
    if encoding in ("utf-8", "utf-8-sig"):
        # Only a file with combining marks or legacy text is copied; the others are read as
        # they are.
        utf8 = data[len(codecs.BOM_UTF8) :] if encoding == "utf-8-sig" else data
        sample = utf8[:SNIFF_BYTES].decode("utf-8", errors="ignore")
        legacy = legacy_text.detect(sample)
        if legacy is not None:
            text = legacy_text.to_unicode(utf8.decode("utf-8"), legacy)
            utf8 = unicodedata.normalize("NFC", text).encode("utf-8")
            sample = text[:SNIFF_BYTES]
        elif not nfc:
            utf8 = unicodedata.normalize("NFC", utf8.decode("utf-8")).encode("utf-8")
    else:
        text, legacy = _legacy_or_decoded(data, filename, encoding)
        utf8 = text.encode("utf-8")
        sample = text[:SNIFF_BYTES]
    separator = detect_separator(sample)
    reader = csv.reader(io.StringIO(sample), delimiter=separator)
    rows = list(itertools.islice(reader, HEADER_SEARCH_ROWS))
    return CsvLayout(utf8, separator, find_header(rows, expected) + 1, legacy)


def _legacy_or_decoded(data: bytes, filename: str, encoding: str) -> tuple[str, str | None]:
    """The text of a file that is not UTF-8, and its legacy encoding if it has one. Bytes
    taken for Windows-1258 may be TCVN3 or VNI text saved as Windows-1252 ("ANSI" on a
    Windows set up for Western languages): that reading is kept when it converts to more
    Vietnamese words than the Windows-1258 one."""
    if encoding == "cp1258":  # one byte a character: a sample is the start of the text
        sample = data[:SNIFF_BYTES].decode("cp1252", errors=_LATIN1)
        legacy = legacy_text.detect(sample)
        if legacy is not None and legacy_text.vietnamese_words(
            legacy_text.to_unicode(sample, legacy)
        ) > legacy_text.vietnamese_words(data[:SNIFF_BYTES].decode("cp1258")):
            surface = data.decode("cp1252", errors=_LATIN1)
            return unicodedata.normalize("NFC", legacy_text.to_unicode(surface, legacy)), legacy
        return decode(data, filename), None
    text = decode(data, filename)
    legacy = legacy_text.detect(text[:SNIFF_BYTES])
    if legacy is None:
        return text, None
    return unicodedata.normalize("NFC", legacy_text.to_unicode(text, legacy)), legacy


def _as_latin1(error: UnicodeError) -> tuple[str, int]:
    """The five bytes Windows-1252 leaves undefined, read as Latin-1 does."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


_LATIN1 = "cchc-latin1"
codecs.register_error(_LATIN1, _as_latin1)
