"""Realistic synthetic dossiers (hồ sơ TTHC) for the import and statistics benchmark.

Writes, for N dossiers spread over U units (default 200):

    OUT/units.csv              Mã đơn vị, Tên đơn vị, Số hồ sơ
    OUT/tthc/<unit>.csv        the unit's TTHC catalogue (standard catalogue header)
    OUT/dossiers/<unit>.csv    the unit's dossiers (standard one-stop-system export header)

import_dossiers takes one unit per call, so there is one dossier file per unit; DuckDB reads
them all at once with a glob and takes the unit from the file name.

Everything is drawn with one seeded numpy Generator, column by column (no loop per dossier;
the only Python loops run over units, procedures and calendar days). The mix:

- units of very different sizes (log-normal weights), each with 20-120 procedures from a
  provincial list of 600, used with Zipf-like frequencies; about 0.5% of dossiers name a
  procedure missing from the catalogue (the source system's promised date is then used);
- channel ≈ 70% online, 25% direct, 5% postal; direct and postal dossiers arrive on working
  days in office hours, online ones at any hour, a few on weekends and holidays;
- receipts over 2022-2023 (both Tết holidays are crossed), some after the 15:00 cut-off;
- ≈12.5% with one supplement request, 1% with two (the clock stops, then restarts);
- results mostly before the due date, some on it, some late; ≈5% unfinished (and anything
  that would finish after the export date of 10/01/2024 is unfinished too);
- the source system's promised date mostly equals the deadline cchc computes; ~4% differ.

Usage: python benchmarks/generate_dossiers.py --rows 100000 --out /tmp/dossiers-100k
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

import numpy
import pandas

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cchc.periods.workdays import EPOCH, WorkdayTable, WorkingCalendar  # noqa: E402
from cchc.registers.classify import start_days  # noqa: E402

DOSSIER_HEADER = [
    "Mã hồ sơ",
    "Mã TTHC",
    "Kênh",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Số lần yêu cầu bổ sung",
    "Ngày yêu cầu bổ sung",
    "Ngày bổ sung đủ",
    "Ngày có kết quả",
    "Ngày trả kết quả",
    "Trạng thái",
]
CATALOGUE_HEADER = [
    "Mã TTHC",
    "Tên TTHC",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Mức độ DVC",
    "Thời hạn giải quyết",
    "Đơn vị thời hạn",
    "Phí, lệ phí",
    "Bưu chính công ích",
]
FIELDS = [
    "Đất đai",
    "Xây dựng",
    "Hộ tịch",
    "Chứng thực",
    "Đăng ký kinh doanh",
    "Giao thông vận tải",
    "Lao động - Thương binh và Xã hội",
    "Y tế",
    "Giáo dục và Đào tạo",
    "Tài nguyên môi trường",
    "Công thương",
    "Nông nghiệp",
    "Thông tin và Truyền thông",
    "Tư pháp",
    "Văn hóa, Thể thao và Du lịch",
]
ACTIONS = ["Cấp", "Cấp lại", "Gia hạn", "Điều chỉnh", "Đăng ký", "Thẩm định", "Xác nhận"]
OBJECTS = [
    "giấy phép",
    "giấy chứng nhận",
    "chứng chỉ hành nghề",
    "giấy xác nhận",
    "quyết định",
    "hồ sơ",
]
LEVELS = ["Tỉnh", "Huyện", "Xã"]
FIRST_DAY = datetime.date(2022, 1, 1)
LAST_RECEIPT = datetime.date(2023, 12, 31)
EXPORT_DAY = datetime.date(2024, 1, 10)  # the day the one-stop system exported the file
PROCESSING_TIMES = numpy.array([0, 1, 2, 3, 5, 7, 10, 12, 15, 20, 30, 45])
PROCESSING_WEIGHTS = numpy.array([2, 6, 6, 14, 16, 12, 16, 4, 12, 6, 4, 2], dtype=float)


def unit_codes(units: int) -> list[str]:
    return [f"U{index:03d}" for index in range(1, units + 1)]


def _day_strings(size: int) -> tuple[numpy.ndarray, numpy.ndarray]:
    """dd/mm/yyyy and yymmdd for every day number, with '' at index -1 for a missing day.

    A loop over the ~18,600 calendar days, done once; dossiers then index these arrays."""
    days = [EPOCH + datetime.timedelta(days=number) for number in range(size)]
    dmy = [f"{day:%d/%m/%Y}" for day in days] + [""]
    ymd = [f"{day:%y%m%d}" for day in days] + [""]
    return numpy.array(dmy, dtype=object), numpy.array(ymd, dtype=object)


def _minute_strings() -> numpy.ndarray:
    return numpy.array([f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)], dtype=object)


class _Writer:
    """Day numbers (NO = -1 for missing) and minutes to the export's text formats."""

    def __init__(self, size: int) -> None:
        self.dmy, self.ymd = _day_strings(size)
        self.hm = _minute_strings()

    def date(self, days: numpy.ndarray) -> numpy.ndarray:
        return self.dmy[days]

    def stamp(self, days: numpy.ndarray, minutes: numpy.ndarray) -> numpy.ndarray:
        text = pandas.Series(self.dmy[days]) + " " + pandas.Series(self.hm[minutes])
        return numpy.where(days < 0, "", text.to_numpy(dtype=object))


def _office_minutes(rng: numpy.random.Generator, n: int) -> numpy.ndarray:
    """07:30-11:30 and 13:30-17:00, the one-stop desk's hours."""
    morning = rng.integers(7 * 60 + 30, 11 * 60 + 30, n)
    afternoon = rng.integers(13 * 60 + 30, 17 * 60, n)
    return numpy.where(rng.random(n) < 0.55, morning, afternoon)


def _online_minutes(rng: numpy.random.Generator, n: int) -> numpy.ndarray:
    """Mostly office hours, a good share in the evening, a few at night."""
    office = rng.integers(7 * 60, 17 * 60 + 30, n)
    evening = rng.integers(17 * 60 + 30, 23 * 60, n)
    anytime = rng.integers(0, 24 * 60, n)
    pick = rng.random(n)
    return numpy.where(pick < 0.8, office, numpy.where(pick < 0.95, evening, anytime))


def _working_back(table: WorkdayTable, day: numpy.ndarray, count: numpy.ndarray) -> numpy.ndarray:
    """The working day `count` working days before `day` (a working day)."""
    target = numpy.maximum(table.cumulative[day] - count, 1)
    return numpy.searchsorted(table.cumulative, target, side="left")


def catalogue(rng: numpy.random.Generator, size: int = 600) -> pandas.DataFrame:
    """The province's procedure list: codes, names, fields, deadlines."""
    kinds = rng.choice([1, 2, 3], size, p=[0.6, 0.3, 0.1])
    numbers = rng.choice(numpy.arange(1000, 12000), size, replace=False)
    codes = [f"{k}.{n:06d}" for k, n in zip(kinds, numbers, strict=True)]
    fields = rng.choice(FIELDS, size)
    names = [
        f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)} lĩnh vực {field.lower()} ({index + 1})"
        for index, field in enumerate(fields)
    ]
    days = rng.choice(PROCESSING_TIMES, size, p=PROCESSING_WEIGHTS / PROCESSING_WEIGHTS.sum())
    calendar = rng.random(size) < 0.1
    return pandas.DataFrame(
        {
            "Mã TTHC": codes,
            "Tên TTHC": names,
            "Lĩnh vực": fields,
            "Cấp thực hiện": rng.choice(LEVELS, size, p=[0.5, 0.3, 0.2]),
            "Mức độ DVC": rng.choice(
                ["Toàn trình", "Một phần", "Không"], size, p=[0.45, 0.4, 0.15]
            ),
            "Thời hạn giải quyết": days.astype(str),
            "Đơn vị thời hạn": numpy.where(calendar, "ngày", "ngày làm việc"),
            "Phí, lệ phí": rng.choice(
                ["Không", "50.000 đồng", "100.000 đồng", "200.000 đồng"], size
            ),
            "Bưu chính công ích": numpy.where(rng.random(size) < 0.6, "Có", "Không"),
        }
    )


def generate(rows: int, units: int, out: Path, seed: int = 20240601, quiet: bool = False) -> dict:
    """Write the files under `out`; returns a summary of what was drawn."""
    if rows < units:
        raise SystemExit(f"--rows ({rows}) must be at least --units ({units})")
    began = time.perf_counter()
    rng = numpy.random.default_rng(seed)
    table = WorkdayTable(WorkingCalendar())
    writer = _Writer(table.size)
    codes = unit_codes(units)

    # --- units and their catalogues --------------------------------------------------------
    master = catalogue(rng)
    master_days = master["Thời hạn giải quyết"].astype(int).to_numpy()
    master_calendar = (master["Đơn vị thời hạn"] == "ngày").to_numpy()
    weights = rng.lognormal(0.0, 1.0, units)
    counts = 1 + rng.multinomial(rows - units, weights / weights.sum())
    unit_of_row = numpy.repeat(numpy.arange(units), counts)
    procedure_of_row = numpy.empty(rows, dtype=numpy.int64)
    (out / "tthc").mkdir(parents=True, exist_ok=True)
    (out / "dossiers").mkdir(parents=True, exist_ok=True)
    offsets = numpy.concatenate([[0], numpy.cumsum(counts)])
    for index, code in enumerate(codes):  # a loop over 200 units, not over dossiers
        chosen = rng.choice(len(master), rng.integers(20, 121), replace=False)
        master.iloc[chosen].to_csv(out / "tthc" / f"{code}.csv", index=False)
        popularity = 1.0 / numpy.arange(1, len(chosen) + 1) ** 1.1
        procedure_of_row[offsets[index] : offsets[index + 1]] = rng.choice(
            chosen, counts[index], p=popularity / popularity.sum()
        )
    pandas.DataFrame(
        {"Mã đơn vị": codes, "Tên đơn vị": [f"Đơn vị {c}" for c in codes], "Số hồ sơ": counts}
    ).to_csv(out / "units.csv", index=False)

    # --- channel and receipt ----------------------------------------------------------------
    channel = rng.choice(3, rows, p=[0.70, 0.25, 0.05])  # 0 online, 1 direct, 2 postal
    first = table.day_number(FIRST_DAY)
    last = table.day_number(LAST_RECEIPT)
    span = numpy.arange(first, last + 1)
    growth = numpy.linspace(1.0, 1.25, len(span))  # a little more traffic each month
    working = table.working[span]
    online_p = numpy.where(working, 1.0, 0.12) * growth
    desk_p = numpy.where(working, 1.0, 0.0) * growth
    online = channel == 0
    received = numpy.empty(rows, dtype=numpy.int64)
    received[online] = rng.choice(span, online.sum(), p=online_p / online_p.sum())
    received[~online] = rng.choice(span, (~online).sum(), p=desk_p / desk_p.sum())
    minute = numpy.where(online, _online_minutes(rng, rows), _office_minutes(rng, rows))
    # Within a unit, the export lists dossiers in order of receipt.
    order = numpy.lexsort((minute, received, unit_of_row))
    channel, received, minute = channel[order], received[order], minute[order]
    procedure_of_row = procedure_of_row[order]

    # --- deadlines as cchc computes them --------------------------------------------------------
    days = master_days[procedure_of_row]
    calendar = master_calendar[procedure_of_row]
    start = start_days(table, received, minute)
    export = table.day_number(EXPORT_DAY)
    supplements = rng.choice(3, rows, p=[0.865, 0.125, 0.01])
    used = numpy.floor(rng.random(rows) * days).astype(numpy.int64)  # days used before the request
    requested = numpy.where(calendar, start + used, table.add_working_days(start, used))
    requested = table.next_working[requested]  # requests are made on working days
    # A request cannot postdate the export; such a dossier simply had none yet.
    supplements = numpy.where(requested < export, supplements, 0)
    paused = supplements > 0
    requested_minute = _office_minutes(rng, rows)
    gap = 1 + rng.geometric(0.3, rows)  # working days the applicant takes to complete the file
    completed = table.add_working_days(requested, gap)
    completed_minute = numpy.where(online, _online_minutes(rng, rows), _office_minutes(rng, rows))
    restart = start_days(table, completed, completed_minute)
    remaining = numpy.where(paused, days - used, days)
    base = numpy.where(paused, restart, start)
    due = numpy.where(calendar, base + remaining, table.add_working_days(base, remaining))

    # --- outcome --------------------------------------------------------------------------------
    outcome = rng.choice(4, rows, p=[0.05, 0.68, 0.19, 0.08])  # unfinished, early, on time, late
    early_by = 1 + rng.geometric(0.45, rows) - 1
    late_by = rng.geometric(0.25, rows)
    due_working = table.next_working[due]
    result = numpy.select(
        [outcome == 1, outcome == 2, outcome == 3],
        [
            _working_back(table, due_working, numpy.minimum(early_by, numpy.maximum(days, 1))),
            due,
            table.add_working_days(due_working, late_by),
        ],
        default=-1,
    )
    floor = numpy.where(paused, completed, received)
    result = numpy.where(result >= 0, numpy.maximum(result, floor), -1)
    result = numpy.where(result > export, -1, result)
    finished = result >= 0
    # A dossier still waiting for the applicant has no completion date yet.
    waiting = paused & ~finished & (rng.random(rows) < 0.5)
    completed = numpy.where(paused & ~waiting & (completed <= export), completed, -1)
    returned = numpy.where(
        finished & (rng.random(rows) < 0.97),
        table.next_working[result + rng.choice(3, rows, p=[0.6, 0.3, 0.1])],
        -1,
    )
    returned = numpy.where(returned > export, -1, returned)
    status = numpy.where(finished, numpy.where(returned >= 0, 10, 9), rng.choice([2, 3, 4], rows))

    # The source system's promised date: mostly cchc's deadline, sometimes a day or two off.
    drift = rng.choice([-2, -1, 0, 1, 2], rows, p=[0.01, 0.015, 0.96, 0.01, 0.005])
    promised = numpy.where(rng.random(rows) < 0.01, -1, due + drift)
    # ~0.5% name a procedure that is not (or no longer) in the unit's catalogue.
    unknown = rng.random(rows) < 0.005
    procedure_code = master["Mã TTHC"].to_numpy(dtype=object)[procedure_of_row]
    procedure_code = numpy.where(
        unknown,
        "9.999" + pandas.Series(rng.integers(100, 999, rows)).astype(str).to_numpy(dtype=object),
        procedure_code,
    )
    promised = numpy.where(unknown, due, promised)

    # --- text ---------------------------------------------------------------------------------
    unit_sorted = unit_of_row  # already grouped by unit
    sequence = numpy.arange(rows) - offsets[unit_sorted]
    prefix = numpy.array(
        [f"000.{i // 100:02d}.{i % 100:02d}.H55" for i in range(units)], dtype=object
    )
    dossier_code = (
        pandas.Series(prefix[unit_sorted])
        + "-"
        + pandas.Series(writer.ymd[received])
        + "-"
        + pandas.Series(sequence + 1).astype(str).str.zfill(6)
    )
    channel_text = numpy.array(["Trực tuyến", "Trực tiếp", "Bưu chính"], dtype=object)[channel]
    channel_text = numpy.where(
        (channel == 2) & (rng.random(rows) < 0.4), "Bưu chính công ích", channel_text
    )
    frame = pandas.DataFrame(
        {
            "Mã hồ sơ": dossier_code.to_numpy(dtype=object),
            "Mã TTHC": procedure_code,
            "Kênh": channel_text,
            "Ngày tiếp nhận": writer.stamp(received, minute),
            "Ngày hẹn trả": writer.date(promised),
            "Số lần yêu cầu bổ sung": supplements,
            "Ngày yêu cầu bổ sung": writer.stamp(
                numpy.where(paused, requested, -1), requested_minute
            ),
            "Ngày bổ sung đủ": writer.stamp(completed, completed_minute),
            "Ngày có kết quả": writer.date(result),
            "Ngày trả kết quả": writer.date(returned),
            "Trạng thái": status,
        },
        columns=DOSSIER_HEADER,
    )
    for index, code in enumerate(codes):
        frame.iloc[offsets[index] : offsets[index + 1]].to_csv(
            out / "dossiers" / f"{code}.csv", index=False, encoding="utf-8-sig"
        )
    summary = {
        "rows": rows,
        "units": units,
        "seed": seed,
        "largest_unit": int(counts.max()),
        "smallest_unit": int(counts.min()),
        "online": float(online.mean()),
        "weekend_or_holiday_receipts": float((~table.working[received]).mean()),
        "after_cut_off": float((minute >= 15 * 60).mean()),
        "one_supplement": float((supplements == 1).mean()),
        "two_supplements": float((supplements == 2).mean()),
        "unfinished": float((~finished).mean()),
        "unknown_procedure": float(unknown.mean()),
        "seconds": round(time.perf_counter() - began, 2),
    }
    if not quiet:
        print(
            ", ".join(
                f"{key}={value:.3f}" if isinstance(value, float) else f"{key}={value}"
                for key, value in summary.items()
            )
        )
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    generate(args.rows, args.units, args.out, args.seed)


if __name__ == "__main__":
    main()
