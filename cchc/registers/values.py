"""The words one-stop-system exports use for a dossier's status and channel, as data: each is
looked up after normalise() (lower case, no diacritics, đ as d, one space between words), so
"Đã trả kết quả", "ĐÃ TRẢ KẾT QUẢ" and "Da tra ket qua" are the same key.

Statuses are the ten codes of the national portal (DVCQG, REGULATIONS.md). Decisions on
spellings that are not a status's own name:
- "Đã có kết quả" / "Có kết quả" / "Hoàn thành" mean the result exists but the text does not
  say it was handed over: 9 (Đã xử lý xong), never 10.
- "Đã trả" / "Đã trả KQ" / "Đã trả hồ sơ" say it was handed over: 10.
- "Trả lại hồ sơ", "Từ chối tiếp nhận" are the refusal at the counter: 3.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pandas

from cchc.registers.models import Channel


def normalise(text: str) -> str:
    """Lower case, no diacritics (đ as d), words separated by one space: 'NGÀY  nhận-HS' and
    'ngay nhan hs' compare equal."""
    decomposed = unicodedata.normalize("NFD", str(text).lower().replace("đ", "d"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.split(r"[^a-z0-9]+", plain)).strip()


STATUS_NAMES: dict[int, list[str]] = {
    1: ["Mới đăng ký", "Đăng ký mới", "Mới", "Chờ tiếp nhận"],
    2: ["Được tiếp nhận", "Đã tiếp nhận", "Tiếp nhận", "Mới tiếp nhận"],
    3: ["Không được tiếp nhận", "Không tiếp nhận", "Từ chối tiếp nhận", "Trả lại hồ sơ"],
    4: ["Đang xử lý", "Đang giải quyết", "Đang thụ lý", "Đang thực hiện"],
    5: [
        "Yêu cầu bổ sung giấy tờ",
        "Yêu cầu bổ sung",
        "Yêu cầu bổ sung hồ sơ",
        "Chờ bổ sung",
        "Bổ sung hồ sơ",
    ],
    6: [
        "Yêu cầu thực hiện nghĩa vụ tài chính",
        "Thực hiện nghĩa vụ tài chính",
        "Chờ thực hiện nghĩa vụ tài chính",
        "Chờ nộp phí",
    ],
    7: ["Công dân yêu cầu rút hồ sơ", "Rút hồ sơ", "Đã rút hồ sơ", "Yêu cầu rút hồ sơ"],
    8: ["Dừng xử lý", "Tạm dừng xử lý", "Dừng giải quyết"],
    9: [
        "Đã xử lý xong",
        "Đã giải quyết xong",
        "Đã có kết quả",
        "Có kết quả",
        "Hoàn thành",
        "Đã hoàn thành",
        "Chờ trả kết quả",
    ],
    10: ["Đã trả kết quả", "Đã trả", "Đã trả KQ", "Đã trả hồ sơ", "Trả kết quả"],
}
CHANNEL_NAMES: dict[Channel, list[str]] = {
    Channel.DIRECT: [
        "Trực tiếp",
        "Nộp trực tiếp",
        "Tại Bộ phận Một cửa",
        "Tại bộ phận tiếp nhận và trả kết quả",
        "Tại quầy",
        "Một cửa",
    ],
    Channel.ONLINE: [
        "Trực tuyến",
        "Nộp trực tuyến",
        "Dịch vụ công trực tuyến",
        "DVC trực tuyến",
        "DVCTT",
        "Qua mạng",
        "Online",
        "Cổng dịch vụ công",
    ],
    Channel.POSTAL: [
        "Bưu chính",
        "Bưu chính công ích",
        "Qua bưu chính công ích",
        "Qua bưu chính",
        "Qua dịch vụ bưu chính công ích",
        "BCCI",
        "Qua BCCI",
        "Bưu điện",
        "Qua bưu điện",
    ],
}

STATUS_BY_NAME: dict[str, int] = {
    normalise(name): code for code, names in STATUS_NAMES.items() for name in names
}
CHANNEL_BY_NAME: dict[str, str] = {
    normalise(name): channel.value for channel, names in CHANNEL_NAMES.items() for name in names
}


def status_code(text: str) -> float:
    """The DVCQG status code a cell gives by number (1–10, "10.0" as an Excel cell may give
    it) or by name; NaN otherwise."""
    try:
        number = float(text)
    except ValueError:
        return float(STATUS_BY_NAME.get(normalise(text), "nan"))
    return number if number in range(1, 11) else float("nan")


def channel_value(text: str) -> str | None:
    """The Channel value a cell names; None when it is none of the known spellings."""
    return CHANNEL_BY_NAME.get(normalise(text))


def looked_up(raw: pandas.Series, lookup: Callable[[str], object]) -> pandas.Series:
    """lookup() of each cell, computed once per distinct text (a million-row export has a
    handful of statuses and channels)."""
    table = {text: lookup(text) for text in raw.unique()}
    return raw.map(table)
