"""The consolidator's page of every unit's dossier figures for a period."""

import datetime

import pytest

from cchc.registers.catalogue import import_procedures
from cchc.registers.imports import import_dossiers
from cchc.registers.models import Dossier
from cchc.registers.stats import window_stats

pytestmark = pytest.mark.django_db

CATALOGUE = """Mã TTHC,Tên TTHC,Lĩnh vực,Cấp thực hiện,Mức độ DVC,Thời hạn giải quyết,Đơn vị thời hạn
1.004567,Cấp giấy phép bưu chính,Bưu chính,Tỉnh,Toàn trình,10,ngày làm việc
"""
HEADER = "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận,Ngày có kết quả\n"
# Due 15/07/2022 for a dossier received 01/07/2022 09:00 (10 working days).
TTTT = HEADER + (
    "A1,1.004567,Trực tuyến,01/07/2022 09:00,12/07/2022\n"
    "A2,1.004567,Trực tiếp,01/07/2022 09:00,15/07/2022\n"
    "A3,1.004567,Trực tiếp,01/07/2022 09:00,20/07/2022\n"
    "A4,1.004567,Bưu chính,05/09/2022 09:00,\n"
)
STP = HEADER + (
    "B1,1.004567,Trực tuyến,01/07/2022 09:00,05/07/2022\n"
    "B2,1.004567,Trực tuyến,01/06/2022 09:00,01/07/2022\n"
)

Q3_2022 = (datetime.date(2022, 6, 15), datetime.date(2022, 9, 14))


@pytest.fixture
def registers(province):
    for code, dossiers in (("ST-STTTT", TTTT), ("ST-STP", STP)):
        import_procedures(CATALOGUE.encode(), "tthc.csv", province[code])
        import_dossiers(dossiers.encode(), "hs.csv", province[code])


def cells(html: str, unit: str, key: str) -> str:
    row = html.split(f'data-unit="{unit}"')[1].split("</tr>")[0]
    return row.split(f'data-key="{key}">')[1].split("<")[0]


def test_each_unit_its_figures_and_the_totals(client, consolidator, province, registers):
    client.force_login(consolidator)
    html = client.get("/overview/Q3-2022/dossiers/").content.decode()
    assert cells(html, "ST-STTTT", "received") == "4"
    assert cells(html, "ST-STTTT", "resolved") == "3"
    assert cells(html, "ST-STTTT", "late") == "1"
    assert cells(html, "ST-STTTT", "rate") == "66,67%"
    assert cells(html, "ST-STP", "received") == "2"  # B2 carried over from Q2
    assert cells(html, "ST-STP", "rate") == "50%"  # B2 late (due 15/06)
    # A unit that must report but keeps no dossier register: said so, not zeros.
    no_register = html.split('data-unit="ST-SNV"')[1].split("</tr>")[0]
    assert "Chưa có sổ theo dõi hồ sơ" in no_register
    totals = html.split("<tfoot>")[1]
    everything = window_stats(Dossier.objects.all(), *Q3_2022)
    assert f'data-key="received">{everything["received"]}<' in totals
    assert 'data-key="rate">60%<' in totals


def test_only_consolidators(client, reporter, registers):
    client.force_login(reporter)
    assert client.get("/overview/Q3-2022/dossiers/").status_code == 403
    client.logout()
    assert client.get("/overview/Q3-2022/dossiers/").status_code == 302


def test_unknown_period_is_not_found(client, consolidator, registers):
    client.force_login(consolidator)
    assert client.get("/overview/Q9-2022/dossiers/").status_code == 404


def test_province_xlsx_has_a_row_per_unit_and_the_total(client, consolidator, registers):
    import io

    import openpyxl

    client.force_login(consolidator)
    response = client.get("/overview/Q3-2022/dossiers/bieu-II.06a.xlsx")
    assert response.status_code == 200
    assert "bieu-II.06a-ST-Q3-2022.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A4"].value == "Đơn vị báo cáo: UBND tỉnh Sóc Trăng"
    assert sheet["B6"].value == "Cơ quan, đơn vị"
    body = [
        [cell.value for cell in row]
        for row in sheet.iter_rows(min_row=11, max_col=14)
        if row[1].value
    ]
    # Units that keep a dossier register, in the page's order (by code), then the total.
    assert [row[1] for row in body] == [
        "Sở Tư pháp",
        "Sở Thông tin và Truyền thông",
        "Tổng cộng",
    ]
    assert [row[2] for row in body] == [2, 4, 6]  # received
    assert body[2][10] == 2  # late: A3 and B2


def test_province_xlsx_only_for_consolidators(client, reporter, registers):
    client.force_login(reporter)
    assert client.get("/overview/Q3-2022/dossiers/bieu-II.06a.xlsx").status_code == 403
