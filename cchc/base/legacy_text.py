"""Vietnamese typed with the legacy font encodings, TCVN3 ("ABC", the .VnTime fonts) and VNI
(the VNI-Times fonts), turned into Unicode.

Such text is not in another byte encoding: the letters are Windows-1252 characters that the
old fonts draw as Vietnamese ones. Excel and Word keep them as those characters, so a cell,
a CSV saved from it (in any encoding) or a DOCX run reads "Sè hå s¬" (TCVN3) or "Soá hoà sô"
(VNI) for "Số hồ sơ". The tables are data (data/legacy_vietnamese.yaml).

Detection is conservative, since converting good text would corrupt it: text is taken as
legacy only when converting it turns at least MIN_FIXED words that are no Vietnamese syllable
into ones that are, and breaks (turns a syllable into a non-syllable) under a third as many.
Text written in Unicode Vietnamese is all syllables already, so it is never taken for legacy;
plain ASCII is never changed by either table. A line holding a letter only Unicode has (ơ, ư,
đ, ă, ạ, ồ…, or a combining tone mark) is Unicode: it is left out of the detection and never
converted, so a header retyped in Unicode above old rows stays as it is. TCVN3 has no toned
capitals: words set in capitals (an .VnTimeH title) come out in capitals."""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

TCVN3 = "tcvn3"
VNI = "vni"
KINDS = (TCVN3, VNI)
LABELS = {TCVN3: "TCVN3 (ABC)", VNI: "VNI"}
MIN_FIXED = 2  # words a conversion must mend before text is taken for legacy
BROKEN_RATIO = 3  # ... and mend this many times as many as it breaks
DETECT_CHARS = 200_000  # detection reads this much of a long text
CAPITALS_LINES = 20  # lines of a text looked at for titles set in capitals (TCVN3)
TABLES = Path(__file__).resolve().parent / "data" / "legacy_vietnamese.yaml"

TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
# Letters no legacy text shows (outside Latin-1), and the combining tone marks.
_UNICODE_ONLY = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0"
    "\u1ea0-\u1ef9" + TONES + "]"
)
# A word: letters and any non-ASCII character (TCVN3 writes letters as ¸, ¬, « or ×).
_WORD = re.compile(r"[^\s\x21-\x40\x5b-\x60\x7b-\x7e]+")
_LATIN = re.compile("[A-Za-z]")
# A syllable without its tone: onset, medial glide, vowel nucleus, final.
_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    "[ou]?"
    "(?:iê|yê|uô|ươ|ia|ua|ưa|[aăâeêioôơuưy])"
    "(?:ch|nh|ng|[cmnptiyou])?"
)


@functools.cache
def _table(kind: str) -> dict[str, str]:
    tables = yaml.safe_load(TABLES.read_text(encoding="utf-8"))
    return {str(legacy): str(letter) for legacy, letter in tables[kind].items()}


@functools.cache
def _vni_pattern() -> re.Pattern[str]:
    sequences = sorted(_table(VNI), key=len, reverse=True)  # "oá" before "ó"
    return re.compile("|".join(map(re.escape, sequences)))


@functools.cache
def _tcvn3_translation() -> dict[int, str]:
    return {ord(legacy): letter for legacy, letter in _table(TCVN3).items()}


def _convert(text: str, kind: str) -> str:
    if kind == TCVN3:
        return _tcvn3(text)
    table = _table(VNI)
    return _vni_pattern().sub(lambda match: table[match.group()], text)


def _tcvn3(text: str) -> str:
    """TCVN3 has no toned capitals: .VnTimeH and the other "H" fonts draw its lower-case
    codes as capitals. In the title lines (the first CAPITALS_LINES of a text, which is
    every line of a sheet's cell), a word whose Latin letters are capitals (two or more:
    "NHËN") comes out in capitals, and so does a one-capital word ("Hå") beside such a word:
    "DANH S¸CH Hå S¬" is "DANH SÁCH HỒ SƠ", while "Hå s¬" stays "Hồ sơ"."""
    lines = text.split("\n", CAPITALS_LINES)  # the last part is the rest of the text
    head = [
        _tcvn3_capitals(line) if _capital_words().search(line) else _tcvn3_letters(line)
        for line in lines[:CAPITALS_LINES]
    ]
    return "\n".join(head + [_tcvn3_letters(rest) for rest in lines[CAPITALS_LINES:]])


def _tcvn3_letters(text: str) -> str:
    """Each TCVN3 code as its letter. Text of Windows-1252 characters only (as a file read
    with it is) goes through the charmap codec, much faster than str.translate."""
    encoding_map, decoding_table = _tcvn3_codec()
    try:
        raw, _ = codecs.charmap_encode(text, "strict", encoding_map)
    except UnicodeEncodeError:
        return text.translate(_tcvn3_translation())
    return codecs.charmap_decode(raw, "strict", decoding_table)[0]


@functools.cache
def _tcvn3_codec() -> tuple[Any, Any]:  # typeshed knows no decoding table as a str
    """Windows-1252 characters (Latin-1 for the five bytes it leaves undefined) to bytes,
    and bytes to the letters TCVN3 gives them."""
    surface = []
    for byte in range(256):
        try:
            surface.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            surface.append(chr(byte))
    table = _table(TCVN3)
    letters = "".join(table.get(char, char) for char in surface)
    return codecs.charmap_build("".join(surface)), letters


def _tcvn3_capitals(line: str) -> str:
    parts = _SEPARATORS.split(line)  # words at even places, what separates them at odd ones
    out = [_tcvn3_letters(part) for part in parts]
    capitals = [_capital_word(part, new, 2) for part, new in zip(parts, out, strict=True)]
    for place in range(0, len(parts), 2):
        neighbours = capitals[max(place - 2, 0) : place + 3 : 2]
        if capitals[place] or (_capital_word(parts[place], out[place], 1) and any(neighbours)):
            out[place] = out[place].upper()
    return "".join(out)


@functools.cache
def _capital_words() -> re.Pattern[str]:
    """A word of TCVN3 text with two Latin capitals and no small Latin letter."""
    codes = re.escape("".join(_table(TCVN3)))
    word = r"[^\s,;a-z]"
    return re.compile(
        rf"(?<![^\s,;])(?=[^\s,;]*[{codes}]){word}*[A-Z]{word}*[A-Z]{word}*(?![^\s,;])"
    )


def _capital_word(word: str, converted: str, least: int) -> bool:
    """A converted word whose Latin letters are capitals, `least` of them or exactly one."""
    latin = [char for char in word if char.isascii() and char.isalpha()]
    count_ok = len(latin) >= least if least > 1 else len(latin) == 1
    return converted != word and count_ok and all(char.isupper() for char in latin)


_SEPARATORS = re.compile(r"([\s,;]+)")  # between words, and between a CSV's cells


def to_unicode(text: str, kind: str) -> str:
    """`text` with every line converted from `kind`, except the lines already in Unicode
    (holding a letter only Unicode has)."""
    if kind not in KINDS:
        raise ValueError(f"unknown legacy encoding {kind!r}")
    if not is_unicode(text):
        return _convert(text, kind)
    # Lines end at "\n" only, as a CSV's rows do (str.splitlines also cuts at \x1c-\x1e).
    return "\n".join(
        line if is_unicode(line) else _convert(line, kind) for line in text.split("\n")
    )


def is_unicode(text: str) -> bool:
    """`text` holds a letter only Unicode has (ơ, ư, đ, ă, ạ, ồ…) or a combining tone mark:
    it is not legacy text, whatever else it holds."""
    return _UNICODE_ONLY.search(text) is not None


def is_syllable(word: str) -> bool:
    """A Vietnamese syllable as Unicode writes it (any case, at most one tone mark)."""
    letters = unicodedata.normalize("NFD", word.lower())
    if sum(mark in TONES for mark in letters) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(c for c in letters if c not in TONES))
    return _SYLLABLE.fullmatch(toneless) is not None


def _words(text: str) -> Counter[str]:
    lines = (line for line in text[:DETECT_CHARS].split("\n") if not is_unicode(line))
    return Counter(word for line in lines for word in _WORD.findall(line))


def _mended(words: Counter[str], kind: str) -> tuple[int, int]:
    """How many of `words` converting from `kind` turns into syllables, and how many it
    turns from syllables into something else."""
    fixed = broken = 0
    for word, count in words.items():
        converted = _convert(word, kind)
        if converted == word:
            continue
        before, after = is_syllable(word), is_syllable(converted)
        # A mended word has a Latin letter: a lone "×" or "·" (ì and ã in TCVN3) is a sign.
        if after and not before and _LATIN.search(word):
            fixed += count
        elif before and not after:
            broken += count
    return fixed, broken


def detect(text: str) -> str | None:
    """TCVN3 or VNI when `text` is clearly typed in it (see the module docstring), else
    None."""
    words = _words(text)
    scores = {kind: _mended(words, kind) for kind in KINDS}
    fixed = {kind: mended for kind, (mended, broken) in scores.items()}
    best = max(KINDS, key=lambda kind: fixed[kind])
    mended, broken = scores[best]
    other = fixed[VNI if best == TCVN3 else TCVN3]
    if mended >= MIN_FIXED and mended >= BROKEN_RATIO * broken and mended > other:
        return best
    return None


def vietnamese_words(text: str) -> int:
    """Words of `text` that are Vietnamese syllables with a letter outside ASCII: how
    Vietnamese a reading of some bytes looks, to compare two readings."""
    return sum(
        1 for word in _WORD.findall(text[:DETECT_CHARS]) if not word.isascii() and is_syllable(word)
    )


def fix(text: str) -> tuple[str, str | None]:
    """`text` in Unicode, and the legacy encoding it was in (None: it is returned as it
    is)."""
    kind = detect(text)
    return (text, None) if kind is None else (to_unicode(text, kind), kind)


def font_encoding(font: str) -> str | None:
    """The legacy encoding a font's name says its text is in: the .Vn fonts (.VnTime,
    .VnArialH…) are TCVN3, the VNI- fonts VNI; None for any other font. For documents that
    name their fonts (DOCX runs, PDF fonts, whose subset tag "ABCDEF+" is ignored)."""
    name = font.split("+", 1)[1] if re.match(r"[A-Z]{6}\+", font) else font
    name = name.strip().upper()
    if name.startswith(".VN"):
        return TCVN3
    if name.startswith("VNI"):
        return VNI
    return None


def warning(kind: str, filename: str) -> str:
    return (
        f"Tệp {filename} được gõ bằng bảng mã {LABELS[kind]} cũ; cchc đã chuyển sang "
        "Unicode — xin kiểm tra lại tên cột và nội dung."
    )
