"""The fast write path of the dossier import: rows it writes read back exactly as rows written
through the ORM, re-imports keep what users entered, counts hold for files bigger than
SQLite's parameter limit, and the calendar table follows the overrides."""

import datetime
import re
import sqlite3
from zoneinfo import ZoneInfo

import numpy
import pandas
import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.periods.models import CalendarOverride, workday_table
from cchc.periods.workdays import WorkdayTable, WorkingCalendar
from cchc.registers import imports
from cchc.registers.catalogue import import_procedures
from cchc.registers.imports import (
    UPSERT_COLUMNS,
    ImportRejected,
    _parse_dates,
    import_dossiers,
)
from cchc.registers.models import Dossier
from cchc.registers.stats import grouped_stats, window_stats
from cchc.registers.writes import _utc_text
from tests.test_dossier_import import CATALOGUE

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER = (
    "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Ngày hẹn trả,Số lần yêu cầu bổ sung,"
    "Ngày yêu cầu bổ sung,Ngày bổ sung đủ,Ngày có kết quả,Ngày trả kết quả,Trạng thái,Đã số hóa,"
    '"Có phí, lệ phí",Thanh toán trực tuyến,Kết quả điện tử\n'
)


@pytest.fixture
def unit(province):
    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    return unit


def _stored(code: str) -> tuple:
    """The row as the database holds it (text on SQLite), all columns but id and code."""
    names = [f.column for f in Dossier._meta.concrete_fields if f.column not in ("id", "code")]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(n) for n in names)} FROM {Dossier._meta.db_table} "
            f"WHERE {quote('code')} = %s",
            [code],
        )
        return cursor.fetchone()


def test_fast_path_row_reads_back_as_an_orm_row(unit):
    # Early morning local time is the previous day in UTC; seconds; nulls; booleans.
    import_dossiers(
        (
            HEADER + "F1,1.001234,Bưu chính,10/06/2022 06:30:15,,1,13/06/2022 10:00,"
            "20/06/2022 09:00,30/06/2022,30/06/2022,10,Có,50.000,Có,Có\n"
            + "F2,1.004567,Trực tuyến,01/01/2023 00:05,,0,,,,,,Không,0,Không,Không\n"
            # A clock stopped for a supplement: no due date yet.
            + "F3,1.004567,Trực tiếp,2023-03-01 16:00:00,,1,02/03/2023 10:00,,,,,\n"
        ).encode(),
        "hs.csv",
        unit,
    )
    imported = {d.code: d for d in Dossier.objects.filter(unit=unit)}
    told = {"F1": (True, True, True), "F2": (False, False, False), "F3": (None, None, None)}
    for code, received, requested, completed, digitised, status in [
        (
            "F1",
            datetime.datetime(2022, 6, 10, 6, 30, 15, tzinfo=ZONE),
            datetime.datetime(2022, 6, 13, 10, 0, tzinfo=ZONE),
            datetime.datetime(2022, 6, 20, 9, 0, tzinfo=ZONE),
            True,
            10,
        ),
        ("F2", datetime.datetime(2023, 1, 1, 0, 5, tzinfo=ZONE), None, None, False, None),
        (
            "F3",
            datetime.datetime(2023, 3, 1, 16, 0, tzinfo=ZONE),
            datetime.datetime(2023, 3, 2, 10, 0, tzinfo=ZONE),
            None,
            None,
            None,
        ),
    ]:
        fast = imported[code]
        assert fast.received_at == received
        assert (fast.supplement_requested_at, fast.supplement_completed_at) == (
            requested,
            completed,
        )
        assert (fast.digitised, fast.status) == (digitised, status)
        assert (fast.fee_due, fast.paid_online, fast.electronic_result) == told[code]
        # The same values saved the old way, through the ORM.
        Dossier.objects.bulk_create(
            [
                Dossier(
                    unit=unit,
                    code=f"ORM-{code}",
                    **{
                        name: getattr(fast, name)
                        for name in UPSERT_COLUMNS
                        if name not in ("code", "received_at")
                    },
                    received_at=received,
                )
            ]
        )
        assert _stored(code) == _stored(f"ORM-{code}")
    f1 = imported["F1"]
    assert (f1.promised_on, f1.result_on, f1.returned_on) == (
        None,
        datetime.date(2022, 6, 30),
        datetime.date(2022, 6, 30),
    )
    assert f1.verdict == "late" and f1.promised_differs is False
    assert imported["F3"].due_on is None and imported["F3"].verdict == ""
    # ORM lookups on the stored datetimes give the same answers as for ORM rows.
    day = datetime.date(2022, 6, 10)
    assert set(Dossier.objects.filter(received_at__date=day).values_list("code", flat=True)) == {
        "F1",
        "ORM-F1",
    }


def test_reimport_updates_imported_columns_and_keeps_the_apology(unit):
    first = HEADER + "A1,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,,Không\n"
    import_dossiers(first.encode(), "hs.csv", unit)
    Dossier.objects.filter(code="A1").update(
        apology_number="12/XL", apology_on=datetime.date(2022, 7, 20), new_due_on=None
    )
    second = HEADER + "A1,1.004567,Trực tiếp,01/07/2022 09:00,,0,,,25/07/2022,,10,Có\n"
    result = import_dossiers(second.encode(), "hs.csv", unit)
    assert (result.created, result.updated) == (0, 1)
    row = Dossier.objects.get(code="A1")
    assert (row.channel, row.result_on, row.status, row.digitised, row.verdict) == (
        "direct",
        datetime.date(2022, 7, 25),
        10,
        True,
        "late",
    )
    assert (row.apology_number, row.apology_on, row.new_due_on) == (
        "12/XL",
        datetime.date(2022, 7, 20),
        None,
    )


def _many(count: int, start: int = 0) -> bytes:
    codes = numpy.arange(start, start + count)
    lines = [f"M{n:06d},1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,,\n" for n in codes]
    return (HEADER + "".join(lines)).encode()


def test_counts_for_a_file_bigger_than_the_sqlite_parameter_limit(unit):
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # The library default is 32,766; this build allows more. Lower it so that a query
        # with one parameter per row would fail here.
        raw = connection.connection
        previous = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        result = import_dossiers(_many(3000), "hs.csv", unit)
        assert (result.created, result.updated) == (3000, 0)
        result = import_dossiers(_many(3000, start=1000), "hs.csv", unit)
        assert (result.created, result.updated) == (1000, 2000)
    finally:
        if connection.vendor == "sqlite":
            raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, previous)
    assert Dossier.objects.filter(unit=unit).count() == 4000


def test_utc_text_is_what_django_stores():
    values = numpy.array(
        ["2022-06-10T06:30:15", "NaT", "2023-01-01T00:05:00.250000"], dtype="datetime64[ns]"
    )
    assert list(_utc_text(values)) == [
        "2022-06-09 23:30:15",
        None,
        "2022-12-31 17:05:00.250000",
    ]


def test_workday_table_follows_the_overrides():
    saturday = datetime.date(2041, 6, 1)
    assert saturday.weekday() == 5 and not CalendarOverride.objects.filter(date=saturday)
    number = WorkdayTable.day_number(saturday)
    before = workday_table()
    assert not before.working[number]
    CalendarOverride.objects.create(date=saturday, is_working_day=True, note="làm bù")
    assert workday_table().working[number]
    assert workday_table() is workday_table()  # built once per set of overrides
    CalendarOverride.objects.filter(date=saturday).update(is_working_day=False)
    assert not workday_table().working[number]
    CalendarOverride.objects.filter(date=saturday).delete()
    assert workday_table() is before


def test_numpy_table_equals_the_calendar_day_by_day():
    calendar = WorkingCalendar.from_overrides(
        [
            (datetime.date(2024, 5, 4), True, "làm bù"),
            (datetime.date(2024, 4, 29), False, "nghỉ bù"),
            (datetime.date(2024, 4, 30), True, "ghi đè ngày lễ"),
        ]
    )
    table = WorkdayTable(calendar)
    days = [WorkdayTable.to_date(n) for n in range(table.size)]
    assert table.working.tolist() == [calendar.is_working_day(day) for day in days]


def test_window_edges_follow_local_days(unit):
    start, end = datetime.date(2022, 7, 1), datetime.date(2022, 9, 30)
    rows = [
        "E1,1.004567,Trực tuyến,30/06/2022 23:59,,0,,,,,,",  # carried over
        "E2,1.004567,Trực tuyến,01/07/2022 00:00,,0,,,,,,",  # new
        "E3,1.004567,Trực tiếp,30/09/2022 23:59,,0,,,,,,",  # new
        "E4,1.004567,Trực tiếp,01/10/2022 00:00,,0,,,,,,",  # after the window
        "E5,1.004567,Trực tiếp,01/06/2022 08:00,,0,,,30/06/2022,,10,",  # done before
        "E6,1.004567,Bưu chính,01/06/2022 08:00,,0,,,01/07/2022,,10,",  # carried, resolved
    ]
    import_dossiers((HEADER + "\n".join(rows) + "\n").encode(), "hs.csv", unit)
    figures = window_stats(Dossier.objects.filter(unit=unit), start, end)
    assert (figures["carried_over"], figures["new_online"], figures["new_direct"]) == (2, 1, 1)
    assert (figures["received"], figures["resolved"]) == (4, 1)
    assert figures["in_progress_within"] + figures["in_progress_overdue"] == 3
    by_unit = grouped_stats(Dossier.objects.all(), start, end, "unit_id")
    assert by_unit == {unit.pk: figures}


def test_stray_spaces_are_stripped_wherever_they_are(unit):
    rows = [
        ' S1 ,1.004567 , Trực tuyến ,"01/07/2022 09:00 ", 15/07/2022 ,  ,,," 12/07/2022",,10 , Có ',
        "S2,1.004567,TRỰC TIẾP,01/07/2022 09:00,  ,0,,,,, ,",
    ]
    result = import_dossiers((HEADER + "\n".join(rows) + "\n").encode(), "hs.csv", unit)
    assert (result.created, result.skipped) == (2, [])
    s1 = Dossier.objects.get(code="S1")
    assert (s1.procedure_code, s1.channel, s1.status, s1.digitised) == (
        "1.004567",
        "online",
        10,
        True,
    )
    assert s1.received_at == datetime.datetime(2022, 7, 1, 9, 0, tzinfo=ZONE)
    assert (s1.promised_on, s1.result_on) == (
        datetime.date(2022, 7, 15),
        datetime.date(2022, 7, 12),
    )
    s2 = Dossier.objects.get(code="S2")
    assert (s2.channel, s2.promised_on, s2.status, s2.digitised) == ("direct", None, None, None)


def test_bad_cells_are_named_with_their_stripped_text(unit):
    rows = [
        "B1,1.004567,Fax ,01/07/2022 09:00,,x,,,,,11,Chưa",
        "B2,1.004567,Trực tuyến,31/02/2022 09:00,,0,,,,,,",
        "B3,1.004567,Trực tuyến, ,,0,,,,,,",
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers((HEADER + "\n".join(rows) + "\n").encode(), "hs.csv", unit)
    assert [str(error) for error in rejected.value.errors] == [
        "Dòng 2, cột «Kênh»: kênh 'Fax' không hợp lệ (Trực tiếp, Trực tuyến hoặc Bưu chính)",
        "Dòng 2, cột «Số lần yêu cầu bổ sung»: 'x' không phải số nguyên không âm",
        "Dòng 2, cột «Trạng thái»: trạng thái '11' không hợp lệ: ghi mã từ 1 đến 10 hoặc tên "
        "trạng thái của Cổng DVCQG (ví dụ Đang xử lý, Đã trả kết quả)",
        "Dòng 2, cột «Đã số hóa»: 'Chưa' phải là Có hoặc Không",
        "Dòng 3, cột «Ngày tiếp nhận»: '31/02/2022 09:00' không có trong lịch: tháng 2/2022 chỉ có 28 ngày",
        "Dòng 4, cột «Ngày tiếp nhận»: thiếu ngày tiếp nhận",
    ]
    assert not Dossier.objects.exists()


FORMATS = {
    True: [
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d",
    ],
    False: [
        "%d/%m/%Y",
        "%Y-%m-%d",
        "%d/%m/%Y %H:%M",
        "%d/%m/%Y %H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ],
}


def _strptime(text: str, with_time: bool) -> datetime.datetime | None:
    """What the importer should make of a cell, one value at a time: an Excel serial day
    number (five digits), or the formats in turn, a two-digit year read as 20yy."""
    text = text.strip()
    if re.fullmatch(r"\d{5}", text):
        return datetime.datetime(1899, 12, 30) + datetime.timedelta(days=int(text))
    short = re.match(r"(\d{1,2}/\d{1,2})/(\d{2})(\s|$)", text)
    if short:
        text = f"{short[1]}/20{short[2]}{text[short.end(2) :]}"
    for fmt in FORMATS[with_time]:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


@given(
    st.lists(
        st.one_of(
            st.tuples(
                st.integers(0, 39),
                st.integers(0, 14),
                st.integers(1990, 2060),
                st.integers(0, 25),
                st.integers(0, 61),
            ).map(lambda t: "{:02d}/{:02d}/{:04d} {:02d}:{:02d}".format(*t)),
            st.tuples(st.integers(0, 39), st.integers(0, 14), st.integers(1990, 2060)).map(
                lambda t: "{:02d}/{:02d}/{:04d}".format(*t)
            ),
            st.tuples(st.integers(0, 39), st.integers(0, 14), st.integers(0, 99)).map(
                lambda t: "{}/{}/{:02d}".format(*t)
            ),
            st.tuples(
                st.integers(0, 39), st.integers(0, 14), st.integers(0, 99), st.integers(0, 25)
            ).map(lambda t: "{:02d}/{:02d}/{:02d} {:02d}:05".format(*t)),
            st.integers(0, 99999).map(str),
            st.text(alphabet="0123456789/: -", max_size=20),
        ),
        max_size=30,
    ),
    st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_array_date_decoding_agrees_with_strptime(texts, with_time):
    parsed, blank = _parse_dates(pandas.Series(texts, dtype=str), with_time)
    for text, value, is_blank in zip(texts, parsed, blank, strict=True):
        expected = _strptime(text, with_time)
        got = None if numpy.isnat(value) else value.astype("datetime64[s]").item()
        assert got == expected, text
        assert is_blank == (text.strip() == "")


def test_a_csv_read_in_chunks_reports_as_one_file(unit, monkeypatch):
    rows = [
        "C1,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,,",
        "C2,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,,",
        "C3,1.004567,Fax,01/07/2022 09:00,,0,,,,,,",
        "C1,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,,",  # repeats row 2, another chunk
        ",1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,,",
        "C2,1.004567,Trực tuyến,02/07/2022 09:00,,x,,,,,,",  # repeats row 3, another chunk
        "C7,1.004567,Trực tuyến,03/07/2022 09:00,,0,,,,,,",
    ]
    text = (HEADER + "\n".join(rows) + "\n").encode()
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers(text, "hs.csv", unit)
    whole = [str(error) for error in rejected.value.errors]
    monkeypatch.setattr(imports, "CSV_CHUNK_ROWS", 2)
    with pytest.raises(ImportRejected) as rejected:
        import_dossiers(text, "hs.csv", unit)
    assert (
        [str(error) for error in rejected.value.errors]
        == whole
        == [
            "Dòng 4, cột «Kênh»: kênh 'Fax' không hợp lệ (Trực tiếp, Trực tuyến hoặc Bưu chính)",
            "Dòng 5, cột «Mã hồ sơ»: mã hồ sơ C1 lặp lại trong tệp",
            "Dòng 6, cột «Mã hồ sơ»: thiếu mã hồ sơ",
            "Dòng 7, cột «Mã hồ sơ»: mã hồ sơ C2 lặp lại trong tệp",
            "Dòng 7, cột «Số lần yêu cầu bổ sung»: 'x' không phải số nguyên không âm",
        ]
    )
    assert not Dossier.objects.exists()
    result = import_dossiers(text, "hs.csv", unit, good_rows_only=True)
    assert (result.created, result.updated) == (3, 0)
    assert set(Dossier.objects.values_list("code", flat=True)) == {"C1", "C2", "C7"}
    assert Dossier.objects.get(code="C2").received_at.day == 1  # the first C2 is kept


def test_codes_with_commas_and_quotes_are_written_as_they_are(unit):
    rows = [
        '"Q1,""2""",1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,,',
        '"Q3\nnext",1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,,',
    ]
    for _ in range(2):  # the first import of the unit, then a re-import
        import_dossiers((HEADER + "\n".join(rows) + "\n").encode(), "hs.csv", unit)
        assert sorted(Dossier.objects.values_list("code", flat=True)) == [
            'Q1,"2"',
            "Q3\nnext",
        ]
