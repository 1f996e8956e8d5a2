"""Work-register files as they come: a header row that is not the register's own goes to the
mapping page of the dossier imports (header row, columns, the values of choice and yes/no
columns), saved per source so the next file imports at once; the rejected rows of any register
import can be downloaded as an XLSX with their reasons."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cchc.audit.models import AuditEntry
from cchc.records.mapping import SYNONYMS
from cchc.records.models import OutgoingDocument, Task, TaskKind
from cchc.records.registry import REGISTERS
from cchc.registers.mapping import FRAME_KINDS, REQUIRED, STANDARD, guess_mapping
from cchc.registers.models import ColumnMapping, ImportKind
from cchc.registers.valuemap import CODED, field_name
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

BASE = "/units/ST-STTTT/records"
CORPUS = Path(__file__).parent / "data" / "imports"
# A department's own task list: a title row, its own headers, its own words for the kind.
TASK_ROWS = [
    ["DANH MỤC NHIỆM VỤ CCHC NĂM 2022", "", "", "", "", ""],
    ["STT", "Nhiệm vụ", "Phân loại nhiệm vụ", "Căn cứ", "Thời hạn", "Ngày xong"],
    [
        "1",
        "Ban hành Kế hoạch kiểm tra CCHC",
        "Kế hoạch",
        "KH 02/KH-STTTT",
        "31/03/2022",
        "08/03/2022",
    ],
    ["2", "Triển khai Kế hoạch ứng dụng CNTT", "Tỉnh giao", "KH 182/KH-UBND", "30/06/2022", ""],
    ["3", "Rà soát TTHC lĩnh vực bưu chính", "Tỉnh giao", "CV 15/UBND", "30/09/2022", "20/09/2022"],
]


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def reporting(client, reporter, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    assert client.login(username=reporter.username, password=PASSWORD)
    return client


def _upload(client, register: str, data: bytes, name: str, mode: str = "all"):
    upload = SimpleUploadedFile(name, data)
    return client.post(
        f"{BASE}/{register}/import/", {"file": upload, "mode": mode, "period": "Q3-2022"}
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_every_register_has_a_kind_on_the_mapping_page():
    for spec in REGISTERS.values():
        if spec.importer is not None:  # the TTHC catalogue is a kind of its own
            assert spec.slug == ImportKind.PROCEDURES
            continue
        assert ImportKind(spec.slug).label == spec.title
        assert STANDARD[spec.slug] == spec.headers
        assert REQUIRED[spec.slug] == [c.header for c in spec.columns if c.required]
        assert spec.slug in FRAME_KINDS
        coded = {c.header for c in spec.columns if c.kind in ("choice", "bool")}
        assert set(CODED[spec.slug]) == coded
        # Synonyms name the register's own columns only.
        assert set(SYNONYMS.get(spec.slug, {})) <= set(spec.headers)


def test_guesses_the_columns_of_other_names():
    headers = TASK_ROWS[1]
    assert guess_mapping(headers, "tasks") == {
        "Loại nhiệm vụ": "Phân loại nhiệm vụ",
        "Nội dung nhiệm vụ": "Nhiệm vụ",
        "Văn bản giao": "Căn cứ",
        "Hạn hoàn thành": "Thời hạn",
        "Ngày hoàn thành": "Ngày xong",
    }


def test_a_task_list_of_its_own_headers_maps_columns_then_values_and_imports(reporting):
    response = _upload(reporting, "tasks", _xlsx(TASK_ROWS), "nhiem-vu.xlsx")
    assert response.status_code == 302 and "/imports/" in response.url
    assert not Task.objects.exists()  # nothing before the user has said how to read it
    url = response.url
    page = reporting.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tệp sổ theo dõi nhiệm vụ CCHC có 3 dòng dữ liệu" in text
    assert "← Nhiệm vụ CCHC của" in text
    assert f'href="{BASE}/tasks/?period=Q3-2022"' in text
    assert page.context["header_row"] == 2  # the title row is skipped
    form = page.context["form"]
    columns = {name: form[name].value() or "" for name, _ in form.columns}
    assert columns[next(n for n, s in form.columns if s == "Nội dung nhiệm vụ")] == "Nhiệm vụ"

    step = reporting.post(url, {**columns, "step": "columns", "period": "Q3-2022"})
    assert step.status_code == 200 and step.context["step"] == "values"
    coded = {column.standard: column for column, _ in step.context["coded"]}
    kinds = coded["Loại nhiệm vụ"]
    assert [(v.text, v.rows) for v in kinds.unknown] == [("Tỉnh giao", 2)]
    assert [(v.text, v.understood) for v in kinds.understood] == [("Kế hoạch", TaskKind.PLAN)]

    done = reporting.post(
        url,
        {
            **columns,
            "step": "import",
            "period": "Q3-2022",
            "source_name": "Phần mềm quản lý văn bản",
            field_name("Loại nhiệm vụ", "tinh giao"): TaskKind.PPC,
        },
        follow=True,
    )
    assert done.redirect_chain[-1][0] == f"{BASE}/tasks/?period=Q3-2022"
    assert "Nhiệm vụ CCHC: Đã nhập 3 mới, cập nhật 0." in _messages(done)
    tasks = {t.content: t for t in Task.objects.all()}
    assert tasks["Rà soát TTHC lĩnh vực bưu chính"].kind == TaskKind.PPC
    assert tasks["Ban hành Kế hoạch kiểm tra CCHC"].kind == TaskKind.PLAN
    assert str(tasks["Ban hành Kế hoạch kiểm tra CCHC"].completed_on) == "2022-03-08"
    saved = ColumnMapping.objects.get(kind="tasks", name="Phần mềm quản lý văn bản")
    assert saved.columns["Hạn hoàn thành"] == "Thời hạn"
    assert saved.values == {"Loại nhiệm vụ": {"tinh giao": TaskKind.PPC}}
    entry = AuditEntry.objects.get(action="records.import")
    assert entry.data["mapping"]["Nội dung nhiệm vụ"] == "Nhiệm vụ"
    assert entry.data["created"] == 3

    # The next file from the same source imports at once, through the saved mapping.
    rows = [
        *TASK_ROWS[:2],
        ["1", "Tổ chức Hội nghị CCHC", "Tỉnh giao", "CV 20/UBND", "15/09/2022", ""],
    ]
    again = _upload(reporting, "tasks", _xlsx(rows), "nhiem-vu-2.xlsx")
    assert again.status_code == 302 and again.url == f"{BASE}/tasks/?period=Q3-2022"
    assert Task.objects.get(content="Tổ chức Hội nghị CCHC").kind == TaskKind.PPC


def test_errors_name_the_files_own_columns_and_the_rejected_rows_download(reporting):
    rows = [
        *TASK_ROWS[:3],
        ["2", "Việc có hạn sai", "Kế hoạch", "KH 03", "31/02/2022", ""],
        ["3", "Việc chưa rõ loại", "Việc khác", "KH 04", "30/06/2022", ""],
    ]
    url = _upload(reporting, "tasks", _xlsx(rows), "loi.xlsx", mode="good_rows").url
    form = reporting.get(url).context["form"]
    columns = {name: form[name].value() or "" for name, _ in form.columns}
    done = reporting.post(
        url,
        {**columns, "step": "import", "period": "Q3-2022", "source_name": "Bảng tính cũ"},
        follow=True,
    )
    messages = _messages(done)
    assert "Nhiệm vụ CCHC: Đã nhập 1 mới, cập nhật 0; bỏ qua 2 dòng lỗi." in messages
    text = "\n".join(messages)
    assert "Dòng 4, cột «Thời hạn»: '31/02/2022' không có trong lịch" in text
    assert "Dòng 5, cột «Phân loại nhiệm vụ»: 'Việc khác' không hợp lệ" in text
    link = next(m for m in messages if "Tải các dòng bị từ chối (XLSX)" in m)
    href = link.split('href="')[1].split('"')[0]
    download = reporting.get(href)
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:3] == ("Dòng trong tệp", "STT", "Nhiệm vụ")
    assert [row[0] for row in table[1:]] == [4, 5]  # the rows as the file numbers them
    assert "Cột «Thời hạn»" in table[1][-1]


def test_a_standard_file_with_bad_rows_offers_its_rejected_rows(reporting):
    csv = (
        '"Số, ký hiệu",Ngày ban hành,Trích yếu,Hình thức gửi,Ký số,Văn bản chỉ đạo CCHC\r\n'
        "174/BC-STTTT,15/09/2022,Báo cáo CCHC quý III,Hoàn toàn điện tử,Có,Không\r\n"
        "175/BC-STTTT,16/09/2022,Báo cáo tháng,Qua Zalo,Có,Không\r\n"
    ).encode("utf-8-sig")
    response = _upload(reporting, "documents", csv, "vb.csv")
    assert response.status_code == 302 and response.url == f"{BASE}/documents/?period=Q3-2022"
    messages = _messages(reporting.get(response.url))
    assert any("có 1 dòng lỗi; chưa nhập dòng nào" in m for m in messages)
    assert any("Tải các dòng bị từ chối (XLSX)" in m and "1 dòng" in m for m in messages)
    assert not OutgoingDocument.objects.exists()


def test_the_document_systems_export_maps_its_yes_no_words(reporting):
    data = (CORPUS / "van_ban_di_cot_khac.xlsx").read_bytes()
    url = _upload(reporting, "documents", data, "van_ban_di_cot_khac.xlsx").url
    page = reporting.get(url)
    assert page.context["header_row"] == 2  # the merged title row is skipped
    form = page.context["form"]
    columns = {name: form[name].value() or "" for name, _ in form.columns}
    guessed = {standard: columns[name] for name, standard in form.columns}
    assert guessed["Số, ký hiệu"] == "Số ký hiệu" and guessed["Ký số"] == "Chữ ký số"
    assert guessed["Ngày ban hành"] == "Ngày ký" and guessed["Trích yếu"] == "Trích yếu nội dung"
    step = reporting.post(url, {**columns, "step": "columns", "period": "Q3-2022"})
    coded = {column.standard: column for column, _ in step.context["coded"]}
    assert sorted(v.text for v in coded["Ký số"].unknown) == ["Chưa ký", "Đã ký"]
    assert {v.text for v in coded["Hình thức gửi"].understood} == {"Hoàn toàn điện tử", "Bản giấy"}
    reporting.post(
        url,
        {
            **columns,
            "step": "import",
            "period": "Q3-2022",
            "source_name": "Quản lý văn bản",
            field_name("Ký số", "da ky"): "co",
            field_name("Ký số", "chua ky"): "khong",
        },
    )
    documents = {d.number: d for d in OutgoingDocument.objects.all()}
    assert {n: d.digitally_signed for n, d in documents.items()} == {
        "174/BC-STTTT": True,
        "175/BC-STTTT": False,
    }
    assert str(documents["174/BC-STTTT"].issued_on) == "2022-09-15"


def test_a_windows_1258_task_list_with_semicolons_and_its_own_headers(reporting):
    data = (CORPUS / "nhiem_vu_cot_khac.csv").read_bytes()
    url = _upload(reporting, "tasks", data, "nhiem_vu_cot_khac.csv").url
    page = reporting.get(url)
    assert page.context["header_row"] == 2 and page.context["row_count"] == 3
    form = page.context["form"]
    columns = {name: form[name].value() or "" for name, _ in form.columns}
    done = reporting.post(
        url,
        {
            **columns,
            "step": "import",
            "period": "Q3-2022",
            "source_name": "Bảng tính của phòng",
            field_name("Loại nhiệm vụ", "tinh giao"): TaskKind.PPC,
        },
        follow=True,
    )
    assert "Nhiệm vụ CCHC: Đã nhập 3 mới, cập nhật 0." in _messages(done)
    first = Task.objects.get(content="Ban hành Kế hoạch kiểm tra CCHC năm 2022")
    assert (str(first.deadline), str(first.completed_on)) == ("2022-03-31", "2022-03-08")
    assert Task.objects.filter(kind=TaskKind.PPC).count() == 2


def test_another_user_cannot_use_the_kept_file(reporting, client, approver, reporter):
    url = _upload(reporting, "tasks", _xlsx(TASK_ROWS), "nhiem-vu.xlsx").url
    other = type(client)()
    assert other.login(username=approver.username, password=PASSWORD)
    # The approver may read the unit but the upload is the reporter's: it is not there for them.
    assert other.get(url).status_code in (302, 403)
    assert not Task.objects.exists()
    assert reverse("map_upload", args=["ST-STTTT", "x" * 43]).startswith("/units/ST-STTTT/imports/")
