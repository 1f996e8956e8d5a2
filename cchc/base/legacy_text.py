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
converted, so a header retyped in Unicode above old rows stays as it is."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from pathlib import Path

import yaml

TCVN3 = "tcvn3"
VNI = "vni"
KINDS = (TCVN3, VNI)
LABELS = {TCVN3: "TCVN3 (ABC)", VNI: "VNI"}
MIN_FIXED = 2  # words a conversion must mend before text is taken for legacy
BROKEN_RATIO = 3  # ... and mend this many times as many as it breaks
DETECT_CHARS = 200_000  # detection reads this much of a long text
TABLES = Path(__file__).resolve().parent / "data" / "legacy_vietnamese.yaml"

TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
# Letters no legacy text shows (outside Latin-1), and the combining tone marks.
_UNICODE_ONLY = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0"
    "\u1ea0-\u1ef9" + TONES + "]"
)
# A word: letters and any non-ASCII character (TCVN3 writes letters as ¸, ¬, « or ×).
_WORD = re.compile(r"[^\s\x21-\x40\x5b-\x60\x7b-\x7e]+")
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
        return text.translate(_tcvn3_translation())
    table = _table(VNI)
    return _vni_pattern().sub(lambda match: table[match.group()], text)


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
        if after and not before:
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


def warning(kind: str, filename: str) -> str:
    return (
        f"Tệp {filename} được gõ bằng bảng mã {LABELS[kind]} cũ; cchc đã chuyển sang "
        "Unicode — xin kiểm tra lại tên cột và nội dung."
    )
