"""The mapping page's steps for a one-stop export as officials get it (issue 11): the header
row shown and chosen, the values of coded columns mapped to codes, both saved with the column
mapping; and the rejected rows as an XLSX of the source's own rows with their reasons."""

import io

import openpyxl
import pytest
from django.urls import reverse

from cchc.base.rowgroups import grouped
from cchc.base.tables import RowError, read_table
from cchc.registers.catalogue import import_procedures
from cchc.registers.imports import ImportRejected
from cchc.registers.mapping import (
    check_header_row,
    first_rows,
    guess_mapping,
    import_file,
    import_frame,
    known_names,
    save_mapping,
    saved_mapping_for,
    saved_mapping_for_file,
)
from cchc.registers.models import ColumnMapping, Dossier, ImportKind
from cchc.registers.rejected import rejected_rows_xlsx
from cchc.registers.uploads import uploads_dir
from cchc.registers.valuemap import apply_values, clean_value_map, coded_columns, field_name
from tests.conftest import PASSWORD
from tests.test_dossier_import import CATALOGUE

pytestmark = pytest.mark.django_db

HEADER = [
    "Số hồ sơ",
    "Mã thủ tục",
    "Tên thủ tục",
    "Ngày nộp",
    "Hạn trả",
    "Ngày hoàn thành",
    "Hình thức nộp",
    "Tình trạng",
]
# Statuses and channels of the 200 rows: what cchc reads itself, and what it does not.
STATUSES = ["Đã trả kết quả"] * 150 + ["Đang xử lý"] * 40 + ["Trả cho công dân"] * 10
CHANNELS = ["Qua bưu chính công ích"] * 20 + ["Trực tuyến"] * 175 + ["Nộp qua Zalo"] * 5


def _story_rows() -> list[list[str]]:
    rows = []
    for index, (status, channel) in enumerate(zip(STATUSES, CHANNELS, strict=True)):
        done = status != "Đang xử lý"
        rows.append(
            [
                f"HS-{index + 1:03d}",
                "1.004567",
                "Cấp giấy phép bưu chính",
                "01/07/2022 09:00",
                "15/07/2022",
                "12/07/2022" if done else "",
                channel,
                status,
            ]
        )
    return rows


def story_xlsx() -> bytes:
    """The user story's 200-row export: a title row above the header, as an XLSX."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH HỒ SƠ TIẾP NHẬN QUÝ III/2022"])
    sheet.append(HEADER)
    for row in _story_rows():
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Title rows whose second line looks more like a header than the real one (row 3), whose
# names cchc does not know: the automatic search takes row 2.
MISLEADING = (
    "Danh sách hồ sơ,,,,\n"
    "Đơn vị:,Sở TTTT,Quý:,III/2022,\n"
    "SoHS,MaTT,KenhNop,NgayNhan,TinhTrang\n"
    "M001,1.004567,Trực tuyến,01/07/2022 09:00,Đã trả kết quả\n"
    "M002,1.004567,Nộp qua Zalo,02/07/2022 09:00,Đang xử lý\n"
    "M003,1.004567,Trực tiếp,03/07/2022 09:00,Xong\n"
)
MISLEADING_MAPPING = {
    "Mã hồ sơ": "SoHS",
    "Mã TTHC": "MaTT",
    "Kênh": "KenhNop",
    "Ngày tiếp nhận": "NgayNhan",
    "Trạng thái": "TinhTrang",
}


@pytest.fixture
def unit(province, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    return unit


# The header row.


def test_first_rows_are_the_file_s_rows_title_rows_included():
    rows = first_rows(MISLEADING.encode(), "m.csv")
    assert rows[0][0] == "Danh sách hồ sơ" and rows[2][0] == "SoHS" and len(rows) == 6
    sheet = first_rows(story_xlsx(), "story.xlsx", count=3)
    assert sheet[0][0] == "DANH SÁCH HỒ SƠ TIẾP NHẬN QUÝ III/2022" and sheet[1] == HEADER
    assert sheet[2][0] == "HS-001" and len(sheet) == 3


def test_a_header_row_beyond_the_file_or_blank_is_refused_in_vietnamese():
    rows = first_rows(MISLEADING.encode(), "m.csv")
    assert check_header_row(3, rows) is None
    assert check_header_row(9, rows) == (
        "Tệp chỉ có 6 dòng: không có dòng 9 để làm dòng tiêu đề; hãy chọn một dòng từ 1 đến 6."
    )
    assert check_header_row(0, rows) == "Dòng tiêu đề phải là một trong 50 dòng đầu của tệp."
    assert check_header_row(51, rows) == "Dòng tiêu đề phải là một trong 50 dòng đầu của tệp."
    assert check_header_row(2, [["a"], [], ["b"]]) == (
        "Dòng 2 của tệp trống: không thể là dòng tiêu đề."
    )


def test_read_table_on_a_chosen_header_row_keeps_the_file_s_row_numbers():
    found = read_table(MISLEADING.encode(), "m.csv", known_names(ImportKind.DOSSIERS))
    assert found.attrs["header_row"] == 2 and "SoHS" not in found.columns
    chosen = read_table(MISLEADING.encode(), "m.csv", header_row=3)
    assert list(chosen.columns) == MISLEADING_MAPPING_HEADERS
    assert chosen.attrs["header_row"] == 3
    assert (chosen.index + 2).tolist() == [4, 5, 6]  # the file's own rows
    sheet = read_table(story_xlsx(), "story.xlsx", header_row=2)
    assert list(sheet.columns) == HEADER and sheet.index[0] + 2 == 3


MISLEADING_MAPPING_HEADERS = ["SoHS", "MaTT", "KenhNop", "NgayNhan", "TinhTrang"]


# The values of coded columns.


def _story_frame():
    return read_table(story_xlsx(), "story.xlsx", known_names(ImportKind.DOSSIERS))


def test_the_story_s_header_is_found_under_its_title_and_its_columns_guessed():
    frame = _story_frame()
    assert frame.attrs["header_row"] == 2 and list(frame.columns) == HEADER
    assert not any(column.startswith("Unnamed") for column in frame.columns)
    mapping = guess_mapping(HEADER, ImportKind.DOSSIERS)
    assert mapping["Trạng thái"] == "Tình trạng" and mapping["Kênh"] == "Hình thức nộp"


def test_coded_values_are_listed_with_their_row_counts_understood_or_not():
    frame = _story_frame()
    mapping = guess_mapping(HEADER, ImportKind.DOSSIERS)
    status, channel = coded_columns(frame, mapping, ImportKind.DOSSIERS, {})
    assert (status.standard, status.source) == ("Trạng thái", "Tình trạng")
    assert [(v.text, v.rows, v.understood_label) for v in status.understood] == [
        ("Đã trả kết quả", 150, "10 · Đã trả kết quả"),
        ("Đang xử lý", 40, "4 · Đang xử lý"),
    ]
    assert [(v.text, v.rows) for v in status.unknown] == [("Trả cho công dân", 10)]
    assert [(v.text, v.rows, v.understood_label) for v in channel.understood] == [
        ("Trực tuyến", 175, "Trực tuyến"),
        ("Qua bưu chính công ích", 20, "Bưu chính"),
    ]
    assert [(v.text, v.rows) for v in channel.unknown] == [("Nộp qua Zalo", 5)]
    # A choice made before comes back on its value.
    again = coded_columns(
        frame, mapping, ImportKind.DOSSIERS, {"Trạng thái": {"tra cho cong dan": "10"}}
    )
    assert again[0].unknown[0].chosen == "10"


def test_a_column_of_many_values_is_looked_at_in_part(monkeypatch):
    monkeypatch.setattr("cchc.registers.valuemap.READ_VALUES", 3)
    monkeypatch.setattr("cchc.registers.valuemap.SHOWN_VALUES", 2)
    frame = read_table(
        ("Ma,TT\n" + "".join(f"{n},{text}\n" for n, text in enumerate("aabbbcdd"))).encode(),
        "t.csv",
    )
    (status,) = coded_columns(frame, {"Trạng thái": "TT"}, ImportKind.DOSSIERS, {})
    assert status.distinct == 4 and status.read_values == 3
    assert [(v.text, v.rows) for v in status.values] == [("b", 3), ("a", 2)]
    assert status.more_unknown == 1  # "d" looked at, not shown; "c" not looked at


def test_yes_no_words_the_importer_does_not_read_are_offered():
    frame = read_table(
        "Số hồ sơ,Thanh toán qua DVCQG,Thu phí\nA,Có,50.000\nB,Đã thanh toán,Không\n"
        "C,CÓ,Miễn phí\n".encode(),
        "p.csv",
    )
    mapping = {"Mã hồ sơ": "Số hồ sơ", "Thanh toán trực tuyến": "Thanh toán qua DVCQG"}
    mapping["Có phí, lệ phí"] = "Thu phí"
    fee, paid = coded_columns(frame, mapping, ImportKind.DOSSIERS, {})  # in cchc's order
    assert [(v.text, v.rows, v.understood_label) for v in paid.understood] == [("Có", 2, "Có")]
    assert [v.text for v in paid.unknown] == ["Đã thanh toán"]
    assert {v.text: v.understood_label for v in fee.understood} == {
        "50.000": "Có",
        "Không": "Không",
    }
    assert [v.text for v in fee.unknown] == ["Miễn phí"]


def test_the_value_map_turns_values_into_what_the_importer_reads_and_nothing_else():
    frame = _story_frame()
    mapping = guess_mapping(HEADER, ImportKind.DOSSIERS)
    standard = frame.rename(columns={source: name for name, source in mapping.items()})
    mapped = apply_values(
        standard,
        {"Trạng thái": {"tra cho cong dan": "10"}, "Kênh": {"nop qua zalo": "online"}},
        ImportKind.DOSSIERS,
    )
    assert mapped["Trạng thái"].value_counts().to_dict() == {
        "Đã trả kết quả": 150,
        "Đang xử lý": 40,
        "10": 10,
    }
    assert mapped["Kênh"].value_counts()["Trực tuyến"] == 180
    assert standard["Trạng thái"].value_counts()["Trả cho công dân"] == 10  # not changed
    # Codes that are none of the column's are dropped, like columns that are not coded.
    assert clean_value_map(
        {"Trạng thái": {"x": "11", "y": "9"}, "Mã hồ sơ": {"a": "1"}, "Kênh": "online"},
        ImportKind.DOSSIERS,
    ) == {"Trạng thái": {"y": "9"}}


def test_unmapped_values_are_refused_grouped_by_column_and_value(unit):
    frame = _story_frame()
    mapping = guess_mapping(HEADER, ImportKind.DOSSIERS)
    with pytest.raises(ImportRejected) as error:
        import_frame(frame, "story.xlsx", unit, ImportKind.DOSSIERS, mapping)
    lines = grouped(error.value.errors)
    assert lines[0].startswith("Cột «Tình trạng», 10 dòng (dòng 193, 194, 195, 196, 197…")
    assert "trạng thái 'Trả cho công dân' không hợp lệ" in lines[0]
    assert lines[1].startswith("Cột «Hình thức nộp», 5 dòng (dòng 198, 199, 200, 201 và 202)")
    assert not Dossier.objects.exists()
    values = {"Trạng thái": {"tra cho cong dan": "10"}, "Kênh": {"nop qua zalo": "online"}}
    result = import_frame(frame, "story.xlsx", unit, ImportKind.DOSSIERS, mapping, values=values)
    assert result.created == 200 and not result.skipped
    stored = {d.code: d for d in Dossier.objects.filter(unit=unit)}
    assert (stored["HS-193"].status, stored["HS-198"].channel) == (10, "online")
    assert (stored["HS-001"].status, stored["HS-001"].channel) == (10, "postal")
    assert stored["HS-160"].status == 4


def test_the_header_row_and_the_values_are_saved_with_the_mapping(unit, reporter):
    data = MISLEADING.encode()
    headers = read_table(data, "m.csv", known_names(ImportKind.DOSSIERS)).columns.tolist()
    values = {"Kênh": {"nop qua zalo": "online"}, "Trạng thái": {"xong": "9", "bad": "0"}}
    save_mapping(
        ImportKind.DOSSIERS,
        "Một cửa huyện",
        MISLEADING_MAPPING,
        reporter,
        header_row=3,
        values=values,
    )
    saved = ColumnMapping.objects.get(name="Một cửa huyện")
    assert saved.header_row == 3
    assert saved.values == {"Kênh": {"nop qua zalo": "online"}, "Trạng thái": {"xong": "9"}}
    # Its columns are on row 3, not on the row the search finds.
    assert saved_mapping_for(headers, ImportKind.DOSSIERS) is None
    assert saved_mapping_for_file(data, "m.csv", ImportKind.DOSSIERS, headers) == saved
    assert saved_mapping_for_file(b"a,b\n1,2\n", "x.csv", ImportKind.DOSSIERS, ["a", "b"]) is None
    result = import_file(
        data,
        "m.csv",
        unit,
        ImportKind.DOSSIERS,
        saved.columns,
        header_row=saved.header_row,
        values=saved.values,
    )
    assert result.created == 3
    stored = {d.code: (d.channel, d.status) for d in Dossier.objects.filter(unit=unit)}
    assert stored == {"M001": ("online", 10), "M002": ("online", 4), "M003": ("direct", 9)}


def test_the_command_uses_a_saved_header_row_and_values(unit, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "m.csv"
    path.write_text(MISLEADING, encoding="utf-8")
    save_mapping(
        ImportKind.DOSSIERS,
        "Một cửa huyện",
        MISLEADING_MAPPING,
        header_row=3,
        values={"Kênh": {"nop qua zalo": "postal"}, "Trạng thái": {"xong": "10"}},
    )
    out = io.StringIO()
    call_command("dossiers", "import", str(path), "--unit", "ST-STTTT", stdout=out)
    assert "«Một cửa huyện»" in out.getvalue() and "Đã nhập 3 mới" in out.getvalue()
    assert Dossier.objects.get(code="M002").channel == "postal"
    out = io.StringIO()
    call_command(
        "dossiers",
        "import",
        str(path),
        "--unit",
        "ST-STTTT",
        "--mapping",
        "Một cửa huyện",
        stdout=out,
    )
    assert "cập nhật 3" in out.getvalue()


def test_the_api_uses_a_saved_header_row_and_values(unit, reporter):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_api_dossiers import URL, _client

    save_mapping(
        ImportKind.DOSSIERS,
        "Một cửa huyện",
        MISLEADING_MAPPING,
        header_row=3,
        values={"Kênh": {"nop qua zalo": "online"}, "Trạng thái": {"xong": "9"}},
    )
    upload = SimpleUploadedFile("m.csv", MISLEADING.encode(), content_type="text/csv")
    answer = _client(reporter).post(URL, {"file": upload}, format="multipart")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["created"] == 3
    assert Dossier.objects.get(code="M003").status == 9


# The rejected rows.


def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_rejected_rows_are_the_source_s_rows_with_every_reason():
    frame = read_table(
        'Tiêu đề\nSố hồ sơ,Ghi chú,Kênh\nA1,=HYPERLINK("x"),Fax\nA2,+84 912,Trực tiếp\n'
        "A3,@mention,Fax\n".encode(),
        "r.csv",
        ["Số hồ sơ", "Kênh"],
    )
    errors = [
        RowError(3, "Kênh", "kênh 'Fax' không hợp lệ"),
        RowError(3, "Ghi chú", "quá dài"),
        RowError(5, "Kênh", "kênh 'Fax' không hợp lệ"),
        RowError(5, "Kênh", "kênh 'Fax' không hợp lệ"),  # told twice, written once
    ]
    sheet = _sheet(rejected_rows_xlsx(frame, errors))
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Dòng trong tệp", "Số hồ sơ", "Ghi chú", "Kênh", "Lý do"]
    assert rows[1] == [
        3,
        "A1",
        '=HYPERLINK("x")',
        "Fax",
        "Cột «Kênh»: kênh 'Fax' không hợp lệ\nCột «Ghi chú»: quá dài",
    ]
    assert rows[2] == [5, "A3", "@mention", "Fax", "Cột «Kênh»: kênh 'Fax' không hợp lệ"]
    assert len(rows) == 3  # row 4 was fine
    formula = sheet["C2"]
    assert formula.data_type == "s" and formula.quotePrefix  # text, not a formula
    assert sheet["C3"].data_type == "s" and sheet["C3"].quotePrefix


def test_rejected_rows_past_the_limit_are_counted_not_written(monkeypatch):
    monkeypatch.setattr("cchc.registers.rejected.MAX_ROWS", 2)
    frame = read_table(b"Ma,Kenh\nA,x\nB,y\nC,z\n", "r.csv")
    errors = [RowError(line, "Kenh", "sai") for line in (2, 3, 4)] + [RowError(9, "Ma", "?")]
    rows = list(_sheet(rejected_rows_xlsx(frame, errors)).iter_rows(values_only=True))
    assert rows[1:3] == [(2, "A", "x", "Cột «Kenh»: sai"), (3, "B", "y", "Cột «Kenh»: sai")]
    assert rows[3][1].startswith("… và 2 dòng bị từ chối khác, không ghi vào tệp này")
    assert len(rows) == 4


# The pages.


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _upload(client, data: bytes, name: str, mode: str = "all"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        reverse("upload_dossiers", args=["ST-STTTT"]),
        {"file": upload, "mode": mode, "period": "Q3-2022"},
    )


def _columns_data(form, mapping: dict[str, str]) -> dict[str, str]:
    data = {name: mapping.get(standard, "") for name, standard in form.columns}
    data["period"] = "Q3-2022"
    return data


def test_page_shows_the_header_row_and_lets_the_user_choose_another(client, unit, reporter):
    _login(client, reporter)
    url = _upload(client, MISLEADING.encode(), "m.csv").url
    page = client.get(url)
    text = page.content.decode()
    assert "Dòng tiêu đề: dòng 2" in text and "Danh sách hồ sơ" in text
    assert page.context["headers"] == ["Đơn vị:", "Sở TTTT", "Quý:", "III/2022", "Unnamed: 4"]
    # The preview's row 3 is picked: the columns follow it.
    picked = client.get(url, {"pick": "3", "period": "Q3-2022"})
    assert "Dòng tiêu đề: dòng 3" in picked.content.decode()
    assert picked.context["headers"] == MISLEADING_MAPPING_HEADERS
    assert picked.context["form"]["header_row"].value() == 3
    # A row beyond the file is refused and the found one kept.
    beyond = client.get(url, {"header_row": "12"})
    assert beyond.status_code == 400
    assert "Tệp chỉ có 6 dòng: không có dòng 12" in beyond.content.decode()
    assert "Dòng tiêu đề: dòng 2" in beyond.content.decode()
    assert client.get(url, {"header_row": "ba"}).status_code == 400


def test_the_catalogue_has_no_value_step(client, unit, reporter):
    _login(client, reporter)
    other = "Danh mục TTHC\nMã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn\n1.009999,Cấp phép Y,Viễn thông,3\n"
    url = _upload_procedures(client, other)
    page = client.get(url)
    text = page.content.decode()
    assert "Dòng tiêu đề: dòng 2" in text and "Tiếp tục: kiểm tra giá trị" not in text
    assert "Nhập với cách ghép này và lưu" in text and page.context["has_values"] is False
    form = page.context["form"]
    data = {name: form[name].value() or "" for name, _ in form.columns}
    data.update(step="import", source_name="CSDL TTHC", header_row="2")
    assert client.post(url, data).status_code == 302
    assert ColumnMapping.objects.get(name="CSDL TTHC").header_row is None  # as found


def _upload_procedures(client, text: str) -> str:
    upload = io.BytesIO(text.encode())
    upload.name = "tthc.csv"
    response = client.post(
        reverse("upload_procedures", args=["ST-STTTT"]), {"file": upload, "mode": "all"}
    )
    return response.url


def test_header_row_then_columns_then_values_then_import_and_the_next_file_directly(
    client, unit, reporter
):
    _login(client, reporter)
    url = _upload(client, MISLEADING.encode(), "m.csv").url
    form = client.get(url, {"pick": "3"}).context["form"]
    data = _columns_data(form, MISLEADING_MAPPING)
    data.update(header_row="3", step="columns")
    values = client.post(url, data)
    assert values.status_code == 200 and values.context["step"] == "values"
    text = values.content.decode()
    assert "Cột «KenhNop» → Kênh (Trực tiếp, Trực tuyến hoặc Bưu chính)" in text
    assert "Cột «TinhTrang» → Trạng thái (mã trạng thái DVCQG từ 1 đến 10)" in text
    status, channel = values.context["values_form"].coded
    assert [(v.text, v.understood_label) for v in status.understood] == [
        ("Đang xử lý", "4 · Đang xử lý"),
        ("Đã trả kết quả", "10 · Đã trả kết quả"),
    ]
    assert [v.text for v in status.unknown] == ["Xong"]
    assert [v.text for v in channel.unknown] == ["Nộp qua Zalo"]
    assert not Dossier.objects.exists() and not ColumnMapping.objects.exists()
    data.update(
        step="import",
        source_name="Một cửa huyện",
        **{
            field_name("Trạng thái", "xong"): "9",
            field_name("Kênh", "nop qua zalo"): "online",
        },
    )
    done = client.post(url, data, follow=True)
    messages = [str(m) for m in done.context["messages"]]
    assert "Hồ sơ TTHC: Đã nhập 3 mới, cập nhật 0." in messages
    saved = ColumnMapping.objects.get(name="Một cửa huyện")
    assert saved.header_row == 3 and saved.columns == MISLEADING_MAPPING
    assert saved.values == {"Trạng thái": {"xong": "9"}, "Kênh": {"nop qua zalo": "online"}}
    assert Dossier.objects.get(code="M003").status == 9
    # The next export of the same source imports without asking again.
    second = _upload(client, MISLEADING.replace("\nM00", "\nN00").encode(), "m2.csv")
    assert second.url.endswith("/dossiers/?period=Q3-2022")
    messages = [str(m) for m in client.get(second.url).context["messages"]]
    assert "Dùng cách ghép cột đã lưu cho nguồn «Một cửa huyện»." in messages
    assert "Hồ sơ TTHC: Đã nhập 3 mới, cập nhật 0." in messages
    assert Dossier.objects.get(code="N002").channel == "online"


def test_values_step_keeps_the_columns_and_goes_back_to_them(client, unit, reporter):
    _login(client, reporter)
    url = _upload(client, MISLEADING.encode(), "m.csv").url
    data = _columns_data(client.get(url).context["form"], {})
    data.update(header_row="3", step="columns")
    refused = client.post(url, data)  # nothing chosen: the required columns are missing
    assert refused.status_code == 400 and refused.context["step"] == "columns"
    assert "Chưa chọn cột của tệp cho: Mã hồ sơ, Mã TTHC, Kênh, Ngày tiếp nhận" in (
        refused.content.decode()
    )
    form = client.get(url, {"pick": "3"}).context["form"]
    data = _columns_data(form, MISLEADING_MAPPING)
    data.update(header_row="3", step="columns")
    values = client.post(url, data).content.decode()
    assert 'name="header_row" value="3"' in values and 'value="KenhNop"' in values
    data["step"] = "back"
    back = client.post(url, data)
    assert back.context["step"] == "columns" and back.context["header_row"] == 3
    chosen = {standard: back.context["form"][name].value() for name, standard in form.columns}
    assert chosen["Kênh"] == "KenhNop"
    # No source name: asked for on the value step, nothing written.
    data["step"] = "import"
    nameless = client.post(url, data)
    assert nameless.status_code == 400 and nameless.context["step"] == "values"
    assert not ColumnMapping.objects.exists() and not Dossier.objects.exists()


def test_a_value_left_unmapped_refuses_the_import_with_a_download_of_its_rows(
    client, unit, reporter, other_reporter, approver, django_user_model, province
):
    from cchc.org.models import Role, RoleAssignment

    _login(client, reporter)
    url = _upload(client, story_xlsx(), "story.xlsx").url
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name, _ in form.columns}
    data.update(step="import", source_name="Một cửa tỉnh", period="Q3-2022")
    data[field_name("Kênh", "nop qua zalo")] = "online"  # the status is left
    response = client.post(url, data)
    text = response.content.decode()
    assert "Cột «Tình trạng», 10 dòng (dòng 193, 194, 195, 196, 197… và 5 dòng khác)" in text
    assert not Dossier.objects.exists() and not ColumnMapping.objects.exists()
    token = url.split("/imports/")[1].split("/")[0]
    link = reverse("rejected_rows", args=["ST-STTTT", token])
    assert f'<a href="{link}" class="rejected-rows">Tải các dòng bị từ chối (XLSX)</a>' in text
    download = client.get(link)
    assert download.status_code == 200
    assert "story-dong-bi-tu-choi.xlsx" in download["Content-Disposition"]
    sheet = _sheet(b"".join(download.streaming_content))
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Dòng trong tệp", *HEADER, "Lý do"]
    assert len(rows) == 11 and rows[1][:2] == [193, "HS-191"]
    assert rows[1][8] == "Trả cho công dân"
    assert "Cột «Tình trạng»: trạng thái 'Trả cho công dân' không hợp lệ" in rows[1][9]
    # Only the user who uploaded it, for that unit.
    colleague = django_user_model.objects.create_user("colleague", password=PASSWORD)
    RoleAssignment.objects.create(user=colleague, unit=province["ST-STTTT"], role=Role.REPORTER)
    client.logout()
    _login(client, colleague)
    assert client.get(link).status_code == 404
    client.logout()
    _login(client, other_reporter)
    assert client.get(link).status_code == 404  # another unit: not even shown
    assert client.get(reverse("rejected_rows", args=["ST-STP", token])).status_code == 404
    client.logout()
    _login(client, approver)  # reads the unit's registers, does not keep them
    assert client.get(link).status_code == 403
    client.logout()
    assert client.get(link).status_code == 302  # to the login page


def test_good_rows_import_keeps_the_skipped_rows_to_download(client, unit, reporter):
    _login(client, reporter)
    url = _upload(client, story_xlsx(), "story.xlsx", mode="good_rows").url
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name, _ in form.columns}
    data.update(step="import", source_name="Một cửa tỉnh", period="Q3-2022")
    done = client.post(url, data, follow=True)
    messages = [str(m) for m in done.context["messages"]]
    assert "Hồ sơ TTHC: Đã nhập 190 mới, cập nhật 0; bỏ qua 10 dòng lỗi." in messages
    assert any("Tải các dòng bị từ chối (XLSX)" in m and "10 dòng" in m for m in messages)
    token = url.split("/imports/")[1].split("/")[0]
    assert not (uploads_dir() / f"{token}.bin").exists()  # the upload itself is spent
    download = client.get(reverse("rejected_rows", args=["ST-STTTT", token]))
    rows = list(_sheet(b"".join(download.streaming_content)).iter_rows(values_only=True))
    assert len(rows) == 11  # the header and the ten rows whose status is not mapped
    # The saved source's next file, straight from the upload: its skipped rows too.
    again = _upload(client, story_xlsx(), "story.xlsx", mode="good_rows")
    messages = [str(m) for m in client.get(again.url).context["messages"]]
    assert "Dùng cách ghép cột đã lưu cho nguồn «Một cửa tỉnh»." in messages
    links = [m for m in messages if "Tải các dòng bị từ chối" in m]
    assert len(links) == 1
    href = links[0].split('href="')[1].split('"')[0]
    rows = list(_sheet(b"".join(client.get(href).streaming_content)).iter_rows(values_only=True))
    assert len(rows) == 11 and rows[1][0] == 193


def test_a_saved_source_s_new_value_is_mapped_from_the_refusal(client, unit, reporter):
    """The saved mapping imports the next file at once; when that file brings a value the
    mapping does not know, the refusal leads back to the mapping page, filled in from it."""
    import html

    save_mapping(
        ImportKind.DOSSIERS,
        "Một cửa huyện",
        MISLEADING_MAPPING,
        reporter,
        header_row=3,
        values={"Trạng thái": {"xong": "9"}, "Kênh": {"nop qua zalo": "online"}},
    )
    _login(client, reporter)
    text = MISLEADING.replace("Trực tiếp", "Qua Zalo OA")
    response = _upload(client, text.encode(), "m.csv")
    messages = [str(m) for m in client.get(response.url).context["messages"]]
    assert "Dùng cách ghép cột đã lưu cho nguồn «Một cửa huyện»." in messages
    assert not Dossier.objects.exists()
    remap = next(m for m in messages if 'class="remap"' in m)
    assert "Sửa cách ghép của nguồn «Một cửa huyện»" in remap
    url = html.unescape(remap.split('href="')[1].split('"')[0])
    page = client.get(url)
    assert page.context["header_row"] == 3 and page.context["source"].name == "Một cửa huyện"
    form = page.context["form"]
    chosen = {standard: form[name].value() for name, standard in form.columns}
    assert chosen["Kênh"] == "KenhNop" and chosen["Trạng thái"] == "TinhTrang"
    data = {name: form[name].value() or "" for name, _ in form.columns}
    data.update(step="columns", header_row="3", source=page.context["source"].pk, period="Q3-2022")
    data["source_name"] = form["source_name"].value()
    values = client.post(url, data)
    status, channel = values.context["values_form"].coded
    assert [(v.text, v.chosen) for v in status.unknown] == [("Xong", "9")]
    assert [(v.text, v.chosen) for v in channel.unknown] == [
        ("Nộp qua Zalo", "online"),
        ("Qua Zalo OA", None),
    ]
    assert values.context["form"]["source_name"].value() == "Một cửa huyện"
    data.update(
        step="import",
        **{
            field_name("Trạng thái", "xong"): "9",
            field_name("Kênh", "nop qua zalo"): "online",
            field_name("Kênh", "qua zalo oa"): "online",
        },
    )
    done = client.post(url, data, follow=True)
    assert "Hồ sơ TTHC: Đã nhập 3 mới, cập nhật 0." in [str(m) for m in done.context["messages"]]
    saved = ColumnMapping.objects.get(name="Một cửa huyện")
    assert saved.values["Kênh"] == {"nop qua zalo": "online", "qua zalo oa": "online"}
    assert saved.header_row == 3 and ColumnMapping.objects.count() == 1


def test_a_standard_file_refused_offers_its_rows(client, unit, reporter):
    _login(client, reporter)
    text = (
        "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận\n"
        "S1,1.004567,Trực tuyến,01/07/2022 09:00\n"
        "S2,1.004567,Fax,01/07/2022 09:00\n"
    )
    response = _upload(client, text.encode(), "hs.csv")
    messages = [str(m) for m in client.get(response.url).context["messages"]]
    assert any("Tải các dòng bị từ chối (XLSX)" in m for m in messages)
    href = next(m for m in messages if "rejected-rows" in m).split('href="')[1].split('"')[0]
    rows = list(_sheet(b"".join(client.get(href).streaming_content)).iter_rows(values_only=True))
    assert rows[1][:4] == (3, "S2", "1.004567", "Fax")
    assert not Dossier.objects.exists()
