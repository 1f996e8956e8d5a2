"""The value step of the mapping page: the coded columns of a dossier export (status, channel,
the yes/no columns) hold words cchc's own names (values.py) may not cover, e.g. "Đã trả kết
quả cho công dân" or "Nộp qua Zalo". Each such value, with how many rows carry it, is shown
to the user, who maps it to a code or leaves it (its rows are then refused, grouped by value).
The choices are saved with the column mapping and applied before the import reads the file.

A value map is {standard column: {normalise(value): code key}}; the code keys are those of
Coding.codes ("10" for a status, "online" for a channel, "co"/"khong" for yes/no)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas

from cchc.registers.imports import DOSSIER_COLUMNS, read_flags
from cchc.registers.models import Channel, ImportKind
from cchc.registers.values import (
    CHANNEL_NAMES,
    STATUS_NAMES,
    channel_value,
    looked_up,
    normalise,
    status_code,
)

ValueMap = dict[str, dict[str, str]]

SHOWN_VALUES = 60  # distinct unknown values of one column offered for mapping
READ_VALUES = 1000  # distinct values of one column looked at, those of most rows first


@dataclass(frozen=True)
class Code:
    label: str  # as the select shows it
    text: str  # what the importer reads for it


@dataclass(frozen=True)
class Coding:
    what: str  # what the column takes, for the page
    codes: dict[str, Code]
    # For each distinct text: the code key cchc reads it as, or None.
    read: Callable[[pandas.Series], pandas.Series]


def _status_keys(texts: pandas.Series) -> pandas.Series:
    codes = looked_up(texts, status_code)
    return codes.map(lambda code: None if pandas.isna(code) else str(int(code)))


def _channel_keys(texts: pandas.Series) -> pandas.Series:
    return looked_up(texts, channel_value)


def _flag_keys(name: str) -> Callable[[pandas.Series], pandas.Series]:
    def read(texts: pandas.Series) -> pandas.Series:
        flags = read_flags(texts, name)
        return flags.map(lambda flag: None if pandas.isna(flag) else ("co" if flag else "khong"))

    return read


STATUS = Coding(
    "mã trạng thái DVCQG từ 1 đến 10",
    {str(code): Code(f"{code} · {names[0]}", str(code)) for code, names in STATUS_NAMES.items()},
    _status_keys,
)
CHANNEL = Coding(
    "Trực tiếp, Trực tuyến hoặc Bưu chính",
    {channel.value: Code(channel.label, CHANNEL_NAMES[channel][0]) for channel in Channel},
    _channel_keys,
)
YES_NO_CODES = {"co": Code("Có", "có"), "khong": Code("Không", "không")}


def _yes_no(name: str) -> Coding:
    return Coding("Có hoặc Không", YES_NO_CODES, _flag_keys(name))


CODED: dict[str, dict[str, Coding]] = {
    ImportKind.DOSSIERS: {
        "Trạng thái": STATUS,
        "Kênh": CHANNEL,
        **{
            standard: _yes_no(name)
            for standard, name in DOSSIER_COLUMNS.items()
            if name in ("digitised", "fee_due", "paid_online", "electronic_result")
        },
    },
    ImportKind.PROCEDURES: {},
}


@dataclass
class FoundValue:
    key: str  # normalise(text)
    text: str  # as the file first writes it
    rows: int
    understood: str | None  # the code key cchc's own names give it
    chosen: str | None = None  # the user's code key, when cchc does not understand it
    field_name: str = ""
    understood_label: str = ""  # what cchc reads it as, for the page


@dataclass
class CodedColumn:
    standard: str
    source: str  # the file's column
    coding: Coding
    values: list[FoundValue] = field(default_factory=list)
    more_unknown: int = 0  # distinct values beyond SHOWN_VALUES, not shown
    more_understood: int = 0
    distinct: int = 0  # distinct non-blank values; beyond READ_VALUES, not all looked at
    read_values: int = READ_VALUES

    @property
    def understood(self) -> list[FoundValue]:
        return [value for value in self.values if value.understood]

    @property
    def unknown(self) -> list[FoundValue]:
        return [value for value in self.values if not value.understood]


def field_name(standard: str, key: str) -> str:
    """The form field of one value: stable for the same file and column whatever the order."""
    digest = hashlib.blake2s(f"{standard}\n{key}".encode(), digest_size=6).hexdigest()
    return f"value_{digest}"


def coded_columns(
    frame: pandas.DataFrame, mapping: dict[str, str], kind: str, value_map: ValueMap
) -> list[CodedColumn]:
    """The mapped coded columns of `frame` (the file's own column names) with their distinct
    non-blank values, most rows first; `value_map` gives the user's choices so far."""
    out = []
    for standard, coding in CODED[kind].items():
        source = mapping.get(standard)
        if not source or source not in frame.columns:
            continue
        column = CodedColumn(standard, source, coding)
        cells = frame[source].astype(str).str.strip()
        counts = cells[cells != ""].value_counts()
        if counts.empty:
            out.append(column)
            continue
        column.distinct, column.read_values = len(counts), READ_VALUES
        counts = counts.iloc[:READ_VALUES]  # more: a column of codes or dates chosen by mistake?
        texts = pandas.Series(counts.index, dtype=object)
        table = pandas.DataFrame(
            {
                "text": texts,
                "key": texts.map(normalise),
                "rows": counts.to_numpy(),
                "code": coding.read(texts).fillna(""),
            }
        )
        # One line per spelling cchc treats as the same ("Đã trả", "ĐÃ TRẢ"), first seen kept;
        # a spelling read differently (yes/no words are read by lower case only) has its own.
        grouped = table.groupby(["key", "code"], sort=False, as_index=False).agg(
            text=("text", "first"), rows=("rows", "sum")
        )
        # The values to decide on first, then those cchc reads; most rows first in each.
        grouped["known"] = grouped["code"] != ""
        grouped = grouped.sort_values(["known", "rows", "text"], ascending=[True, False, True])
        chosen = value_map.get(standard, {})
        shown = {True: 0, False: 0}
        for row in grouped.itertuples(index=False):
            understood = str(row.code) or None
            shown[understood is None] += 1
            if shown[understood is None] > SHOWN_VALUES:
                continue
            key = str(row.key)
            pick = chosen.get(key) if understood is None else None
            column.values.append(
                FoundValue(
                    key=key,
                    text=str(row.text),
                    rows=int(row.rows),
                    understood=understood,
                    chosen=pick if pick in coding.codes else None,
                    field_name=field_name(standard, key),
                    understood_label=coding.codes[understood].label if understood else "",
                )
            )
        unknown = shown[True]
        column.more_understood = max(shown[False] - SHOWN_VALUES, 0)
        column.more_unknown = max(unknown - SHOWN_VALUES, 0)
        out.append(column)
    return out


def chosen_values(columns: list[CodedColumn]) -> ValueMap:
    """The user's choices of the shown columns, as saved with the mapping."""
    out: ValueMap = {}
    for column in columns:
        picked = {value.key: value.chosen for value in column.unknown if value.chosen}
        if picked:
            out[column.standard] = picked
    return out


def clean_value_map(value_map: object, kind: str) -> ValueMap:
    """Only coded columns and known code keys of a stored or posted map."""
    if not isinstance(value_map, dict):
        return {}
    out: ValueMap = {}
    for standard, picked in value_map.items():
        coding = CODED[kind].get(standard)
        if coding is None or not isinstance(picked, dict):
            continue
        kept = {
            str(key): code
            for key, code in picked.items()
            if isinstance(code, str) and code in coding.codes
        }
        if kept:
            out[standard] = kept
    return out


def apply_values(frame: pandas.DataFrame, value_map: ValueMap, kind: str) -> pandas.DataFrame:
    """`frame` (standard column names) with each mapped value replaced by the text the
    importer reads for its code; every other cell as it was, so that a value left unmapped
    is refused under its own spelling."""
    value_map = clean_value_map(value_map, kind)
    if not value_map:
        return frame
    frame = frame.copy()
    for standard, picked in value_map.items():
        if standard not in frame.columns:
            continue
        coding = CODED[kind][standard]
        cells = frame[standard].astype(str)
        texts = pandas.Series(cells.unique(), dtype=object)
        # Only values cchc does not read itself: the user never mapped the others.
        unknown = coding.read(texts.str.strip()).isna().to_numpy()
        table = {
            text: coding.codes[picked[normalise(text)]].text
            for text in texts[unknown]
            if normalise(text) in picked
        }
        if table:
            frame[standard] = cells.map(table).fillna(cells)
    return frame
