"""A document issued before the period is not one more of the period's: a figure whose only
document is older is said once, with that document marked as earlier, never as "trong kỳ"
plus a second sentence citing the same document."""

from __future__ import annotations

import datetime

import pytest

from cchc.catalog.loader import load_builtin_templates
from cchc.catalog.models import ReportTemplate
from cchc.reports import services
from cchc.reports.drafting import DraftContext, draft_section
from cchc.reports.models import Evidence

BEFORE = datetime.date(2022, 6, 8)  # Q3-2022 starts on 15/06/2022
INSIDE = datetime.date(2022, 7, 20)


def _cite(report, key, number, day):
    Evidence.objects.create(
        report=report,
        indicator=report.template.indicators.get(key=key),
        doc_type="Quyết định",
        number_symbol=number,
        issued_on=day,
    )


def _draft(report, number):
    return draft_section(report.template.outline.get(number=number), DraftContext(report).as_dict())


def test_a_figure_whose_only_document_is_older_is_one_sentence(report, reporter):
    services.save_value(reporter, report, "procedures_newly_published", "1")
    _cite(report, "procedures_newly_published", "1547/QĐ-UBND", BEFORE)

    text = _draft(report, "1.3.1.")

    assert text == (
        "- Về công bố TTHC: Sở đã tham mưu công bố 01 TTHC mới (Quyết định số 1547/QĐ-UBND "
        "ngày 08/06/2022, ban hành trước kỳ báo cáo)."
    )


def test_a_document_of_the_period_keeps_the_period_words(report, reporter):
    services.save_value(reporter, report, "procedures_newly_published", "1")
    _cite(report, "procedures_newly_published", "1900/QĐ-UBND", INSIDE)

    text = _draft(report, "1.3.1.")

    assert text == (
        "- Về công bố TTHC: Trong kỳ, Sở đã tham mưu công bố 01 TTHC mới (Quyết định số "
        "1900/QĐ-UBND ngày 20/07/2022)."
    )


def test_an_older_document_beside_a_newer_one_is_named_once(report, reporter):
    services.save_value(reporter, report, "legal_docs_drafted", "2")
    _cite(report, "legal_docs_drafted", "16/2022/QĐ-UBND", INSIDE)
    _cite(report, "legal_docs_drafted", "05/2022/QĐ-UBND", BEFORE)

    text = _draft(report, "1.2.")

    assert "Sở đã tham mưu ban hành 02 VBQPPL (" in text
    assert "Trong kỳ, Sở đã tham mưu ban hành" not in text
    assert text.count("05/2022/QĐ-UBND") == 1 and text.count("16/2022/QĐ-UBND") == 1
    assert "Quyết định số 05/2022/QĐ-UBND ngày 08/06/2022, ban hành trước kỳ báo cáo" in text
    assert "Trước kỳ báo cáo" not in text


def test_an_older_reappointment_is_not_the_periods(report, reporter):
    services.save_value(
        reporter,
        report,
        "appointed_division_leaders",
        "1",
        note="Quyết định số 56/QĐ-STTTT ngày 07/6/2022 về bổ nhiệm lại ông Võ Quốc Thế",
    )
    _cite(report, "appointed_division_leaders", "56/QĐ-STTTT", datetime.date(2022, 6, 7))

    text = _draft(report, "1.5.2.")

    assert text.startswith(
        "- Sở đã bổ nhiệm lại 01 lãnh đạo cấp phòng thuộc Sở (Quyết định số 56/QĐ-STTTT ngày "
        "07/06/2022, ban hành trước kỳ báo cáo)"
    )
    assert text.count("56/QĐ-STTTT") == 1


@pytest.fixture
def annual(reporter, province):
    from cchc.periods.models import Period

    if not ReportTemplate.objects.filter(code="so-nganh-nam").exists():
        load_builtin_templates()
    template = ReportTemplate.objects.get(code="so-nganh-nam")
    period = Period.objects.for_code("Y-2022")
    return services.start_report(reporter, province["ST-STTTT"], period, template)


def test_a_years_report_does_not_say_trong_nam_for_an_older_document(annual, reporter):
    services.save_value(reporter, annual, "procedures_newly_published", "1")
    _cite(annual, "procedures_newly_published", "1547/QĐ-UBND", datetime.date(2021, 11, 8))
    section = next(
        s for s in annual.template.outline.all() if "procedures_newly_published" in s.draft
    )

    text = draft_section(section, DraftContext(annual).as_dict())

    assert text.startswith(
        "Sở trình Ủy ban nhân dân tỉnh công bố 01 thủ tục hành chính mới (Quyết định số "
        "1547/QĐ-UBND ngày 08/11/2021, ban hành trước kỳ báo cáo)"
    )
    assert "Trong năm" not in text.split(".")[0]
