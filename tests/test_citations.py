"""Reading document citations as officials write them (texts taken from the seed reports)."""

from datetime import date

import pytest

from cchc.reports.citations import Citation, parse_citation


def test_plan_citation():
    citation = parse_citation("Kế hoạch số 02/KH-STTTT ngày 27/01/2022")
    assert citation == Citation(
        doc_type="Kế hoạch",
        number_symbol="02/KH-STTTT",
        issued_on=date(2022, 1, 27),
        issuer="",
        summary="",
    )
    assert citation.issuer_symbol == "STTTT"


def test_plan_citation_with_summary():
    citation = parse_citation(
        "Kế hoạch số 02/KH-STTTT ngày 27/01/2022 về việc thực hiện cải cách hành chính năm 2022"
    )
    assert citation.doc_type == "Kế hoạch"
    assert citation.number_symbol == "02/KH-STTTT"
    assert citation.issued_on == date(2022, 1, 27)
    assert citation.issuer == ""
    assert citation.summary == "thực hiện cải cách hành chính năm 2022"


def test_citation_inside_a_sentence():
    citation = parse_citation(
        "Sở đã hoàn thành 40/46 nhiệm vụ theo Kế hoạch CCHC năm 2022 của Sở "
        "(Kế hoạch số 02/KH-STTTT ngày 27/01/2022), đạt tỷ lệ 86,96%."
    )
    assert citation.number_symbol == "02/KH-STTTT"
    assert citation.issued_on == date(2022, 1, 27)


def test_decision_with_issuer_and_vv():
    citation = parse_citation(
        "Quyết định số 16/2022/QĐ-UBND ngày 03/8/2022 của UBND tỉnh Sóc Trăng v/v ban hành "
        "Quy chế hoạt động Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Sóc Trăng"
    )
    assert citation.doc_type == "Quyết định"
    assert citation.number_symbol == "16/2022/QĐ-UBND"
    assert citation.issued_on == date(2022, 8, 3)
    assert citation.issuer == "UBND tỉnh Sóc Trăng"
    assert citation.summary == (
        "ban hành Quy chế hoạt động Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Sóc Trăng"
    )
    assert citation.issuer_symbol == "UBND"


def test_decision_with_issuer_and_ve_viec():
    citation = parse_citation(
        "Quyết định số 1450/QĐ-UBND ngày 31/5/2022 của UBND tỉnh Sóc Trăng về việc tổ chức lại "
        "các đơn vị thuộc Sở Thông tin và Truyền thông."
    )
    assert citation.issuer == "UBND tỉnh Sóc Trăng"
    assert citation.summary == "tổ chức lại các đơn vị thuộc Sở Thông tin và Truyền thông"
    assert citation.issued_on == date(2022, 5, 31)


def test_official_letter_symbol_starts_with_the_issuer():
    citation = parse_citation(
        "Công văn số 1042/STTTT-VP ngày 16/6/2022 về cử CCVC học lớp bồi dưỡng QLNN ngạch "
        "chuyên viên, chuyên viên chính"
    )
    assert citation.doc_type == "Công văn"
    assert citation.number_symbol == "1042/STTTT-VP"
    assert citation.issued_on == date(2022, 6, 16)
    assert citation.issuer_symbol == "STTTT"
    assert citation.summary == "cử CCVC học lớp bồi dưỡng QLNN ngạch chuyên viên, chuyên viên chính"


def test_date_written_in_words():
    citation = parse_citation(
        "Căn cứ Kế hoạch số 367/KH-UBND ngày 25 tháng 12 năm 2021 Cải cách hành chính tỉnh "
        "Đồng Tháp năm 2022;"
    )
    assert citation.number_symbol == "367/KH-UBND"
    assert citation.issued_on == date(2021, 12, 25)
    assert citation.issuer_symbol == "UBND"
    assert citation.summary == "Cải cách hành chính tỉnh Đồng Tháp năm 2022"


def test_date_in_words_with_issuer():
    citation = parse_citation(
        "Căn cứ Công văn số 404/SNV-CCCQ ngày 25 tháng 02 năm 2022 của Sở Nội vụ về việc hướng "
        "dẫn xây dựng báo cáo cải cách hành chính định kỳ"
    )
    assert citation.doc_type == "Công văn"
    assert citation.issued_on == date(2022, 2, 25)
    assert citation.issuer == "Sở Nội vụ"
    assert citation.issuer_symbol == "SNV"
    assert citation.summary == "hướng dẫn xây dựng báo cáo cải cách hành chính định kỳ"


def test_circular_with_year_in_its_number():
    citation = parse_citation(
        "Thông tư số 11/2022/TT-BTTTT ngày 29 tháng 7 năm 2022 của Bộ Thông tin và Truyền thông"
    )
    assert citation.doc_type == "Thông tư"
    assert citation.number_symbol == "11/2022/TT-BTTTT"
    assert citation.issued_on == date(2022, 7, 29)
    assert citation.issuer == "Bộ Thông tin và Truyền thông"
    assert citation.issuer_symbol == "BTTTT"


def test_citation_without_date():
    citation = parse_citation("Nghị định số 68/2000/NĐ-CP")
    assert citation.doc_type == "Nghị định"
    assert citation.number_symbol == "68/2000/NĐ-CP"
    assert citation.issued_on is None
    assert citation.issuer_symbol == "CP"


def test_impossible_date_is_dropped():
    citation = parse_citation("Kế hoạch số 02/KH-STTTT ngày 31/02/2022")
    assert citation.number_symbol == "02/KH-STTTT"
    assert citation.issued_on is None


def test_type_and_words_are_read_case_insensitively_and_whitespace_is_normalised():
    citation = parse_citation("QUYẾT ĐỊNH  SỐ 16/2022/QĐ-UBND\nngày 03/8/2022")
    assert citation.doc_type == "Quyết định"
    assert citation.number_symbol == "16/2022/QĐ-UBND"
    assert citation.issued_on == date(2022, 8, 3)


def test_symbol_without_agency():
    assert parse_citation("Luật số 80/2015/QH13").issuer_symbol == ""


@pytest.mark.parametrize(
    "text",
    [
        "Sở đã hoàn thành 40/46 nhiệm vụ, đạt tỷ lệ 86,96%.",
        "theo Kế hoạch CCHC năm 2022 của Sở",
        "Quyết định số ...",
        "Kế hoạch số ...",
        "Quyết định số ... ngày ...",
        "",
    ],
)
def test_no_citation(text):
    assert parse_citation(text) is None


@pytest.mark.parametrize(
    "text",
    ["Báo cáo 6 tháng đầu năm 2022 của Sở", "Kế hoạch 2022"],
    ids=["bao-cao-6-thang", "ke-hoach-2022"],
)
def test_period_words_are_not_citations(text):
    assert parse_citation(text) is None


def test_comma_before_the_date():
    citation = parse_citation("Kế hoạch số 02/KH-STTTT, ngày 27/01/2022")
    assert citation.issued_on == date(2022, 1, 27)
    assert citation.summary == ""
