"""The dossiers page through the test client: the mapping flow, the catalogue upload, Biểu
II.06a per field with its rates, the XLSX and the charts, the register sources, and who may
do what."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from cchc.audit.models import AuditEntry
from cchc.registers.catalogue import import_procedures
from cchc.registers.figures import NOT_IN_CATALOGUE, field_stats, rates
from cchc.registers.imports import import_dossiers
from cchc.registers.models import ColumnMapping, Dossier, Procedure
from cchc.registers.sources import register_value
from cchc.registers.stats import KEYS, window_stats
from cchc.registers.uploads import uploads_dir
from tests.conftest import PASSWORD
from tests.test_dossier_import import CATALOGUE, DOSSIERS, PAYMENT, PAYMENT_HEADER, Q3_2022
from tests.test_dossier_mapping import EXPORT, EXPORT_MAPPING

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(province, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    return unit


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _file(text: str, name: str = "export.csv") -> io.BytesIO:
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


def _upload(client, text: str, url_name: str = "upload_dossiers"):
    return client.post(
        reverse(url_name, args=["ST-STTTT"]),
        {"file": _file(text), "mode": "all", "period": "Q3-2022"},
    )


def test_mapping_flow_saves_the_mapping_and_the_next_file_imports_directly(client, unit, reporter):
    _login(client, reporter)
    response = _upload(client, EXPORT)
    assert response.status_code == 302 and "/imports/" in response.url
    assert not Dossier.objects.exists()
    token = response.url.split("/imports/")[1].split("/")[0]
    assert (uploads_dir() / f"{token}.bin").exists()
    page = client.get(response.url)
    assert page.status_code == 200
    form = page.context["form"]
    chosen = {standard: form[name].value() for name, standard in form.columns}
    assert chosen["Mã hồ sơ"] == "SO HO SO" and chosen["Ngày tiếp nhận"] == "ngay_nhan"
    assert chosen["Số lần yêu cầu bổ sung"] in ("", None)
    text = page.content.decode()
    assert "E001 · E002 · E003" in text and "Hình thức nộp" in text
    data = {name: form[name].value() or "" for name, _ in form.columns}
    data.update(source_name="Một cửa iGate", period="Q3-2022")
    done = client.post(response.url, data, follow=True)
    assert done.redirect_chain[-1][0].endswith("/units/ST-STTTT/dossiers/?period=Q3-2022")
    messages = [str(m) for m in done.context["messages"]]
    assert "Hồ sơ TTHC: Đã nhập 3 mới, cập nhật 0." in messages
    assert "Đã lưu cách ghép cột cho nguồn «Một cửa iGate»." in messages
    assert Dossier.objects.filter(unit=unit).count() == 3
    saved = ColumnMapping.objects.get(kind="dossiers", name="Một cửa iGate")
    assert saved.columns["Kênh"] == "Hình thức nộp" and saved.created_by == reporter
    assert not (uploads_dir() / f"{token}.bin").exists()
    # The token is spent.
    again = client.get(response.url, follow=True)
    assert "Tệp đã tải lên không còn" in again.content.decode()
    # The same source's next export imports straight away with the saved mapping.
    second = client.post(
        reverse("upload_dossiers", args=["ST-STTTT"]),
        {"file": _file(EXPORT.replace("E00", "F00")), "mode": "all", "period": "Q3-2022"},
        follow=True,
    )
    messages = [str(m) for m in second.context["messages"]]
    assert "Dùng cách ghép cột đã lưu cho nguồn «Một cửa iGate»." in messages
    assert Dossier.objects.filter(unit=unit).count() == 6
    assert ColumnMapping.objects.count() == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"Mã hồ sơ": ""}, "Chưa chọn cột của tệp cho: Mã hồ sơ (bắt buộc)."),
        (
            {"Trạng thái": "Hình thức nộp"},
            "Cột «Hình thức nộp» của tệp được chọn cho nhiều cột: Kênh, Trạng thái",
        ),
    ],
)
def test_bad_mapping_is_refused_with_a_clear_message(client, unit, reporter, change, message):
    _login(client, reporter)
    url = _upload(client, EXPORT).url
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name, _ in form.columns}
    for name, standard in form.columns:
        if standard in change:
            data[name] = change[standard]
    data["source_name"] = "iGate"
    response = client.post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Dossier.objects.exists() and not ColumnMapping.objects.exists()
    # The file is still there for a second try.
    assert client.get(url).status_code == 200


def test_import_errors_after_mapping_name_the_file_s_columns(client, unit, reporter):
    _login(client, reporter)
    url = _upload(client, EXPORT.replace("Trực tiếp", "Fax")).url
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name, _ in form.columns}
    data["source_name"] = "iGate"
    text = client.post(url, data).content.decode()
    assert "Dòng 3, cột «Hình thức nộp»: kênh &#x27;Fax&#x27; không hợp lệ" in text
    assert not Dossier.objects.exists() and not ColumnMapping.objects.exists()


def test_a_kept_upload_is_only_for_its_owner_and_never_a_path(
    client, unit, reporter, django_user_model, province
):
    from cchc.org.models import Role, RoleAssignment

    _login(client, reporter)
    url = _upload(client, EXPORT).url
    colleague = django_user_model.objects.create_user("colleague", password=PASSWORD)
    RoleAssignment.objects.create(user=colleague, unit=province["ST-STTTT"], role=Role.REPORTER)
    client.logout()
    _login(client, colleague)
    assert "Tệp đã tải lên không còn" in client.get(url, follow=True).content.decode()
    bad = reverse("map_upload", args=["ST-STTTT", "..%2F..%2Fcchc.sqlite3"])
    assert "Tệp đã tải lên không còn" in client.get(bad, follow=True).content.decode()


def test_catalogue_upload_with_a_mapping(client, unit, reporter):
    _login(client, reporter)
    response = _upload(client, CATALOGUE, "upload_procedures")
    assert response.status_code == 302
    assert "Danh mục TTHC: Đã nhập 0 mới, cập nhật 2." in [
        str(m) for m in client.get(response.url).context["messages"]
    ]
    other = "Mã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn\n1.009999,Cấp phép Y,Viễn thông,3\n"
    url = _upload(client, other, "upload_procedures").url
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name, _ in form.columns}
    data["source_name"] = "CSDL quốc gia về TTHC"
    assert client.post(url, data).status_code == 302
    assert Procedure.objects.get(unit=unit, code="1.009999").field == "Viễn thông"
    assert ColumnMapping.objects.get(kind="procedures").name == "CSDL quốc gia về TTHC"


def test_per_field_figures_add_up_to_the_unit_and_rates(client, unit, reporter):
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    rows = dict(field_stats(unit, *Q3_2022))
    assert list(rows) == ["Báo chí", "Bưu chính", NOT_IN_CATALOGUE]
    assert rows["Bưu chính"]["received"] == 3 and rows["Bưu chính"]["new_online"] == 2
    assert rows[NOT_IN_CATALOGUE]["in_progress_overdue"] == 1
    _login(client, reporter)
    page = client.get(reverse("dossiers", args=["ST-STTTT"]), {"period": "Q3-2022"})
    figures = page.context["figures"]
    for key in KEYS:
        assert sum(row[key] for row in rows.values()) == figures[key], key
    found = rates(unit, *Q3_2022)
    assert (found.new, found.online, found.online_rate) == (4, 3, Decimal("75.00"))
    assert found.procedures_online_rate == Decimal("50.00")
    assert found.digitised_rate is None and (found.overdue, found.overdue_with_apology) == (3, 0)
    text = page.content.decode()
    assert "75% (3/4 hồ sơ mới)" in text
    assert "Số hóa hồ sơ:</strong>\n    không có số liệu" in text
    assert "Hồ sơ tiếp nhận từ <strong>15:00</strong>" in text
    assert "Chưa có trong danh mục" in text


def test_digitisation_rate_is_out_of_every_new_dossier(unit):
    text = DOSSIERS.replace("Trạng thái\n", "Trạng thái,Đã số hóa\n")
    lines = text.splitlines()
    marks = ["", "Có", "Có", "Không", "", "Không"]  # header, H001..H005
    text = (
        "\n".join(
            line + ("," + mark if i else "")
            for i, (line, mark) in enumerate(zip(lines, marks, strict=True))
        )
        + "\n"
    )
    import_dossiers(text.encode(), "hs.csv", unit)
    found = rates(unit, *Q3_2022)
    # New in the window: H001 (Có), H002 (Có), H004 (no answer), H005 (Không).
    # The one whose file said nothing counts as not digitised: 2 of 4.
    assert (found.digitised, found.digitised_known, found.new) == (2, 3, 4)
    assert found.digitised_rate == Decimal("50.00")
    assert register_value("dossiers.digitised_rate", unit, *Q3_2022) == Decimal("50.00")


def test_register_sources(unit, province):
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    values = {
        name: register_value(name, unit, *Q3_2022)
        for name in [
            "dossiers.early",
            "dossiers.on_time",
            "dossiers.late",
            "dossiers.in_progress_overdue",
            "dossiers.online_rate",
            "dossiers.digitised_rate",
            "dossiers.apology_letters",
            "dossiers.fee_due",
            "dossiers.paid_online",
            "dossiers.electronic_result",
        ]
    }
    assert values == {
        "dossiers.early": 1,
        "dossiers.on_time": 0,
        "dossiers.late": 2,
        "dossiers.in_progress_overdue": 1,
        "dossiers.online_rate": Decimal("75.00"),
        "dossiers.digitised_rate": None,
        "dossiers.apology_letters": 0,
        # The file does not tell: no figure rather than a 0 nobody counted.
        "dossiers.fee_due": None,
        "dossiers.paid_online": None,
        "dossiers.electronic_result": None,
    }
    Dossier.objects.filter(code="H004").update(apology_number="5/XL")
    assert register_value("dossiers.apology_letters", unit, *Q3_2022) == 1
    # A unit keeping no dossier register: not kept, not zero.
    for name in values:
        assert register_value(name, province["ST-STP"], *Q3_2022) is None


def test_online_payment_and_electronic_result_rates_and_sources(client, unit, reporter):
    import_dossiers(PAYMENT.encode(), "hs.csv", unit)
    found = rates(unit, *Q3_2022)
    # New: T1-T5, T7. Fee due: T1, T2, T4 (T3 and T5 owe none, T7 does not tell).
    assert (found.new, found.fee_due, found.fee_due_known) == (6, 3, 5)
    # Of those, paid online: T1; T2 not; T4 does not tell, so counts as not paid online.
    assert (found.paid_online, found.paid_online_known, found.paid_online_unknown) == (1, 2, 1)
    assert found.online_payment_rate == Decimal("33.33")
    # Resolved: T1, T2, T3, T5 and T6 (carried over); electronic: T1, T3, T6; T5 does not tell.
    assert found.resolved == window_stats(Dossier.objects.filter(unit=unit), *Q3_2022)["resolved"]
    assert (found.resolved, found.electronic_result, found.electronic_result_known) == (5, 3, 4)
    assert found.electronic_result_rate == Decimal("60.00")
    values = {
        name: register_value(name, unit, *Q3_2022)
        for name in ["dossiers.fee_due", "dossiers.paid_online", "dossiers.electronic_result"]
    }
    assert values == {
        "dossiers.fee_due": 3,
        "dossiers.paid_online": 1,
        "dossiers.electronic_result": 3,
    }
    # A window with no dossier: no figure.
    for name in values:
        assert (
            register_value(name, unit, datetime.date(2020, 1, 1), datetime.date(2020, 3, 31))
            is None
        )
    _login(client, reporter)
    page = client.get(reverse("dossiers", args=["ST-STTTT"]), {"period": "Q3-2022"})
    text = page.content.decode()
    assert (
        "33,33% (1/3 hồ sơ mới phải nộp phí, lệ phí; 1 hồ sơ tệp nhập không ghi, tính là chưa "
        "thanh toán trực tuyến)" in text
    )
    assert (
        "60% (3/5 hồ sơ đã giải quyết; 1 hồ sơ tệp nhập không ghi, tính là không có kết quả "
        "điện tử)" in text
    )
    detail = client.get(reverse("dossier_detail", args=["ST-STTTT", "T4"])).content.decode()
    assert "Phải nộp phí, lệ phí:</strong> Có" in detail
    assert "Đã thanh toán trực tuyến:</strong> tệp nhập không ghi" in detail
    assert "Đã số hóa:</strong> tệp nhập không ghi" in detail


def test_payment_rates_say_no_data_rather_than_zero(client, unit, reporter):
    _login(client, reporter)
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    found = rates(unit, *Q3_2022)
    assert (found.online_payment_rate, found.electronic_result_rate) == (None, None)
    text = client.get(reverse("dossiers", args=["ST-STTTT"]), {"period": "Q3-2022"}).content
    rates_list = text.decode().split('id="rates"')[1].split("</ul>")[0]
    assert (
        "Thanh toán trực tuyến:</strong>\n    không có số liệu (tệp nhập không ghi cột «Có phí, "
        "lệ phí»)" in rates_list
    )
    assert (
        "Kết quả điện tử:</strong>\n    không có số liệu (tệp nhập không ghi cột «Kết quả điện "
        "tử»)" in rates_list
    )
    assert "0%" not in rates_list.split("Thanh toán trực tuyến")[1]
    # The file tells that no new dossier owes a fee: nothing to pay online, said so.
    no_fee = PAYMENT_HEADER + "N1,1.004567,Trực tuyến,01/07/2022 09:00,,0,,,,,4,0,,\n"
    Dossier.objects.all().delete()
    import_dossiers(no_fee.encode(), "hs.csv", unit)
    text = client.get(reverse("dossiers", args=["ST-STTTT"]), {"period": "Q3-2022"}).content
    assert "không có hồ sơ mới phải nộp phí, lệ phí trong kỳ" in text.decode()
    assert register_value("dossiers.fee_due", unit, *Q3_2022) == 0
    assert register_value("dossiers.paid_online", unit, *Q3_2022) is None


def test_xlsx_has_the_official_layout(client, unit, reporter):
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    _login(client, reporter)
    response = client.get(reverse("dossier_stats_xlsx", args=["ST-STTTT"]), {"period": "Q3-2022"})
    assert response.status_code == 200
    assert "bieu-II.06a-ST-STTTT-Q3-2022.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Biểu số II.06a/VPCP/KSTT"
    assert sheet["A2"].value.startswith("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")
    assert "15/06/2022" in sheet["A3"].value and "14/09/2022" in sheet["A3"].value
    assert "Sở Thông tin và Truyền thông" in sheet["A4"].value
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A6:A9", "B6:B9", "C6:G6", "H6:K6", "L6:N6", "D7:G7", "D8:D9", "E8:G8"} <= merged
    assert [sheet.cell(row=9, column=c).value for c in (5, 6, 7)] == [
        "Trực tuyến",
        "Trực tiếp",
        "Dịch vụ bưu chính",
    ]
    assert sheet["C7"].value == "Tổng số" and sheet["I7"].value == "Trước hạn"
    assert sheet["M7"].value == "Trong hạn" and sheet["N7"].value == "Quá hạn"
    body = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=11)]
    assert [row[1] for row in body] == ["Báo chí", "Bưu chính", NOT_IN_CATALOGUE, "Tổng cộng"]
    assert body[1] == [2, "Bưu chính", 3, 0, 2, 1, 0, 2, 1, 0, 1, 1, 1, 0]
    assert body[-1] == [None, "Tổng cộng", 5, 1, 3, 1, 0, 3, 1, 0, 2, 2, 1, 1]
    for column in range(3, 15):
        assert sum(row[column - 1] for row in body[:-1]) == body[-1][column - 1]
    assert sheet["B14"].font.name == "Times New Roman" and sheet["B14"].font.bold
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9


def test_charts_are_png(client, unit, reporter):
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    _login(client, reporter)
    for key in ("fields", "channels"):
        response = client.get(
            reverse("dossier_chart", args=["ST-STTTT", key]), {"period": "Q3-2022"}
        )
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")
    assert client.get(reverse("dossier_chart", args=["ST-STTTT", "pie"])).status_code == 404
    empty = client.get(reverse("dossier_chart", args=["ST-STTTT", "fields"]), {"period": "Q1-2020"})
    assert empty.status_code == 404


@pytest.mark.parametrize(
    "person, see, change",
    [
        ("reporter", 200, 302),
        ("other_reporter", 404, 404),
        ("approver", 200, 403),
        ("consolidator", 200, 403),
        (None, 302, 302),
    ],
)
def test_pages_by_role(
    client, request, unit, reporter, other_reporter, approver, consolidator, person, see, change
):
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    if person:
        _login(client, request.getfixturevalue(person))
    period = {"period": "Q3-2022"}
    for url in (
        reverse("dossiers", args=["ST-STTTT"]),
        reverse("dossier_stats_xlsx", args=["ST-STTTT"]),
        reverse("dossier_chart", args=["ST-STTTT", "fields"]),
    ):
        response = client.get(url, period)
        assert response.status_code == see, url
        if person is None:
            assert response.url.startswith("/login/")
    if see == 200:
        page = client.get(reverse("dossiers", args=["ST-STTTT"]), period).content.decode()
        assert ('id="import-dossiers"' in page) == (person == "reporter")
        assert ('id="import-procedures"' in page) == (person == "reporter")
    catalogue = _upload(client, CATALOGUE.replace(",10,", ",11,"), "upload_procedures")
    assert catalogue.status_code == change
    export = _upload(client, EXPORT)
    assert export.status_code == change
    updated = Procedure.objects.get(code="1.004567").processing_time == 11
    assert updated == (person == "reporter")
    assert not Dossier.objects.filter(code="E001").exists()


def _map_and_import(client, url: str, source_name: str):
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name, _ in form.columns}
    data["source_name"] = source_name
    return client.post(url, data, follow=True)


def test_standard_names_plus_a_synonym_go_through_the_mapping_step(client, unit, reporter):
    """ "Ngày hoàn thành" is the result date under another name: importing the file as
    standard would drop it and show every dossier as unfinished."""
    _login(client, reporter)
    text = (
        "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Ngày hoàn thành\n"
        "S001,1.004567,Trực tuyến,01/07/2022 09:00,12/07/2022\n"
    )
    response = _upload(client, text)
    assert "/imports/" in response.url
    assert not Dossier.objects.exists()
    _map_and_import(client, response.url, "Một cửa huyện")
    assert Dossier.objects.get(code="S001").result_on == datetime.date(2022, 7, 12)


def test_token_must_be_the_whole_name(unit):
    from cchc.registers.uploads import pending_upload

    assert pending_upload("a" * 40 + "\n", unit, None) is None
    assert pending_upload("../" + "a" * 40, unit, None) is None


def test_oversized_upload_is_refused_before_it_is_read(client, unit, reporter, monkeypatch):
    monkeypatch.setattr("cchc.registers.upload_views.MAX_UPLOAD_BYTES", 100)
    _login(client, reporter)
    response = client.post(
        reverse("upload_dossiers", args=["ST-STTTT"]),
        {"file": _file(EXPORT), "mode": "all", "period": "Q3-2022"},
        follow=True,
    )
    assert "lớn hơn 0 MB; hãy chia nhỏ tệp" in response.content.decode()
    assert not list(uploads_dir().iterdir()) and not Dossier.objects.exists()


def test_web_imports_are_audited(client, unit, reporter):
    _login(client, reporter)
    _map_and_import(client, _upload(client, EXPORT).url, "iGate")
    entry = AuditEntry.objects.get(action="dossiers.import")
    assert entry.user == reporter and entry.data["created"] == 3
    assert entry.data["mapping"]["Kênh"] == "Hình thức nộp"
    assert "ST-STTTT" in entry.summary and "export.csv" in entry.summary


def test_a_mapping_saved_by_someone_else_is_not_overwritten(
    client, unit, reporter, consolidator, django_user_model, province
):
    from cchc.org.models import Role, RoleAssignment

    _login(client, reporter)
    _map_and_import(client, _upload(client, EXPORT).url, "iGate")
    colleague = django_user_model.objects.create_user("colleague", password=PASSWORD)
    RoleAssignment.objects.create(user=colleague, unit=province["ST-STTTT"], role=Role.REPORTER)
    client.logout()
    _login(client, colleague)
    # The same system's export after an upgrade renamed a column: the saved mapping no longer
    # fits, the page asks, and saving under the same name is refused; nothing is imported.
    other = EXPORT.replace("SO HO SO", "Mã số hồ sơ").replace(",E00", ",G00")
    response = client.post(
        reverse("upload_dossiers", args=["ST-STTTT"]),
        {"file": _file(other), "mode": "all", "period": "Q3-2022"},
    )
    url = response.url
    before = Dossier.objects.count()
    refused = _map_and_import(client, url, "iGate")
    assert "đã có cách ghép cột do reporter lưu" in refused.content.decode()
    assert Dossier.objects.count() == before
    assert ColumnMapping.objects.get(name="iGate").created_by == reporter
    # A consolidator may change it.
    from cchc.registers.mapping import save_mapping

    save_mapping("dossiers", "iGate", EXPORT_MAPPING, consolidator)
    assert ColumnMapping.objects.get(name="iGate").created_by == consolidator


def test_year_series_has_each_begun_quarter_and_the_year(unit):
    from cchc.registers.figures import year_series

    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    rows = year_series(unit, 2022, today=datetime.date(2022, 8, 1))
    assert [row.code for row in rows] == ["Q1-2022", "Q2-2022", "Q3-2022", "Y-2022"]
    register = Dossier.objects.filter(unit=unit)
    q3 = rows[2]
    assert q3.figures == window_stats(register, *Q3_2022)
    assert q3.new == q3.figures["new_online"] + q3.figures["new_direct"] + q3.figures["new_postal"]
    year = rows[-1]
    # The year counts H003 (received 10/06) as new, where Q3 carries it over from Q2.
    assert (year.figures["carried_over"], q3.figures["carried_over"]) == (0, 1)
    assert year.figures["received"] == 5
    assert len(year_series(unit, 2022, today=datetime.date(2026, 11, 22))) == 5


def test_page_shows_the_year_by_period(client, unit, reporter):
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    _login(client, reporter)
    text = client.get(reverse("dossiers", args=["ST-STTTT"]) + "?period=Q3-2022").content.decode()
    table = text.split('id="by-period"')[1].split("</table>")[0]
    assert 'data-period="Q3-2022"' in table and 'data-period="Y-2022"' in table
    assert "Quý III năm 2022" in table


def test_progress_rate_of_qd_766(client, unit, reporter):
    """(early + on time + still within time) ÷ every dossier of the period."""
    from cchc.registers.figures import progress_rate

    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    figures = window_stats(Dossier.objects.filter(unit=unit), *Q3_2022)
    # Of the 5 dossiers of Q3: H001 early, H002 still within time; H003 and H004 late,
    # H005 overdue at the period's end.
    expected = Decimal("40.00")
    assert progress_rate(figures) == expected
    assert register_value("dossiers.progress_rate", unit, *Q3_2022) == expected
    assert progress_rate(dict.fromkeys(KEYS, 0)) is None
    _login(client, reporter)
    text = client.get(reverse("dossiers", args=["ST-STTTT"]) + "?period=Q3-2022").content.decode()
    assert "Tiến độ giải quyết (QĐ 766)" in text
