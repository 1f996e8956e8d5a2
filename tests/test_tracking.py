"""Submission tracking for the consolidator: the overview's counts (by kind of unit), working
days late and overdue on the Vietnamese calendar (Tết included), deadline extensions, filter
and sort, the XLSX, the history across periods, acknowledgement of receipt, and who may do what.

The fixture, hand-checked. Q3-2022 ends Wed 14/09/2022; 2 working days: deadline Fri 16/09.
Today is Fri 23/09/2022.
  ST-SNV      Sở Nội vụ              department  not started     overdue 5 (19–23/09)
  ST-STP      Sở Tư pháp             department  sent Wed 21/09  late 3 (19, 20, 21/09)
  ST-STTTT    Sở TT&TT               department  sent Thu 15/09, approved: on time
  ST-HCT      UBND huyện Châu Thành  district    returned        overdue 5
  ST-HCT-XAH  UBND xã An Hiệp        commune     draft           overdue 5
"""

from __future__ import annotations

import datetime
import io
import re
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.audit.models import AuditEntry
from cchc.catalog.models import ReportTemplate
from cchc.org.models import Role, Unit, UnitKind
from cchc.periods.models import CalendarOverride, Period
from cchc.reports import services
from cchc.reports.models import DeadlineExtension, Report, Status
from tests.conftest import COMPLETE_VALUES, PASSWORD, _user
from tests.test_get_never_writes import assert_get_writes_nothing

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.datetime(2022, 9, 23, 10, 0, tzinfo=TZ)


def _at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def _filled(user, unit, period, template) -> Report:
    report = services.start_report(user, unit, period, template)
    for key, raw in COMPLETE_VALUES.items():
        services.save_value(user, report, key, raw)
    return report


def _sent(user, unit, period, template, at: datetime.datetime) -> Report:
    return services.submit_report(user, _filled(user, unit, period, template), at=at)


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


@pytest.fixture
def admin_user(django_user_model, province):
    return _user(django_user_model, "quantri", Role.ADMIN, province["ST"])


@pytest.fixture
def outsider(django_user_model, db):
    """The consolidator of another province (Hậu Giang), with one unit of its own."""
    hg = Unit.objects.create(code="HG", name="UBND tỉnh Hậu Giang", kind=UnitKind.PROVINCE)
    Unit.objects.create(
        code="HG-STP",
        name="Sở Tư pháp Hậu Giang",
        kind=UnitKind.DEPARTMENT,
        parent=hg,
        must_report=True,
    )
    return _user(django_user_model, "tonghop-hg", Role.CONSOLIDATOR, hg)


@pytest.fixture
def tracked(
    today,
    province,
    period,
    template,
    reporter,
    other_reporter,
    approver,
    consolidator,
    django_user_model,
):
    """The five units of the docstring; returns their reports by unit code."""
    sttt = _sent(reporter, province["ST-STTTT"], period, template, _at(2022, 9, 15, 9, 0))
    services.approve_report(approver, sttt, at=_at(2022, 9, 15, 15, 0))
    stp = _sent(other_reporter, province["ST-STP"], period, template, _at(2022, 9, 21, 14, 30))
    hct_user = _user(django_user_model, "bc-huyen", Role.REPORTER, province["ST-HCT"])
    district_template = ReportTemplate.objects.get(code="huyen")  # the district template
    hct = _sent(hct_user, province["ST-HCT"], period, district_template, _at(2022, 9, 16, 8, 0))
    services.return_report(consolidator, hct, "Thiếu số liệu biên chế")
    xah_user = _user(django_user_model, "bc-xa", Role.REPORTER, province["ST-HCT-XAH"])
    commune_template = ReportTemplate.objects.get(code="xa")  # the xã template
    xah = services.start_report(xah_user, province["ST-HCT-XAH"], period, commune_template)
    return {"ST-STTTT": sttt, "ST-STP": stp, "ST-HCT": hct, "ST-HCT-XAH": xah}


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-unit="([^"]+)"', html)


def _count_cells(html: str, kind: str) -> dict[str, int]:
    row = re.search(rf'<tr data-kind="{kind}">(.*?)</tr>', html, re.S)
    assert row, kind
    return {k: int(n) for k, n in re.findall(r'data-count="(\w+)">(\d+)<', row.group(1))}


# --- counts, deadlines, days late ------------------------------------------------------------


def test_overview_counts_by_kind_hand_checked(client, tracked, consolidator, today):
    response = _login(client, consolidator).get(reverse("overview", args=["Q3-2022"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert _count_cells(html, "total") == {
        "expected": 5,
        "received": 2,
        "on_time": 1,
        "late": 1,
        "not_started": 1,
        "draft": 1,
        "returned": 1,
        "overdue": 3,
        "acknowledged": 0,
    }
    assert _count_cells(html, "department") == {
        "expected": 3,
        "received": 2,
        "on_time": 1,
        "late": 1,
        "not_started": 1,
        "draft": 0,
        "returned": 0,
        "overdue": 1,
        "acknowledged": 0,
    }
    assert _count_cells(html, "district") == {
        "expected": 1,
        "received": 0,
        "on_time": 0,
        "late": 0,
        "not_started": 0,
        "draft": 0,
        "returned": 1,
        "overdue": 1,
        "acknowledged": 0,
    }
    assert _count_cells(html, "commune")["draft"] == 1
    assert "Sở, ban, ngành" in html and "UBND huyện" in html and "UBND xã" in html
    rows = {row.unit.code: row for row in response.context["rows"]}
    assert rows["ST-STP"].deadline == datetime.date(2022, 9, 16)
    assert (rows["ST-STP"].late, rows["ST-STP"].days_late) == (True, 3)
    assert rows["ST-STP"].timeliness == "Trễ 3 ngày làm việc"
    assert (rows["ST-STTTT"].late, rows["ST-STTTT"].days_late) == (False, 0)
    assert rows["ST-STTTT"].timeliness == "Đúng hạn"
    for code in ("ST-SNV", "ST-HCT", "ST-HCT-XAH"):
        assert rows[code].days_overdue == 5, code
        assert rows[code].timeliness == "Quá hạn 5 ngày làm việc"
        assert rows[code].deadline == datetime.date(2022, 9, 16)
    # The row as printed: the deadline, the time sent, the working days.
    stp = re.search(r'<tr data-unit="ST-STP".*?</tr>', html, re.S).group(0)
    assert "16/09/2022" in stp and "14:30 21/09/2022" in stp and 'data-days="3"' in stp


def test_not_yet_overdue_on_the_deadline_and_a_saturday_counts_as_the_next_working_day(
    province, period, template, reporter
):
    from cchc.consolidation.overview import period_overview

    units = Unit.objects.filter(code="ST-SNV")
    on_deadline = period_overview(period, units, today=datetime.date(2022, 9, 16)).rows[0]
    assert on_deadline.days_overdue is None and on_deadline.timeliness == ""
    saturday = period_overview(period, units, today=datetime.date(2022, 9, 17)).rows[0]
    assert saturday.days_overdue == 1
    report = _sent(reporter, province["ST-STTTT"], period, template, _at(2022, 9, 17, 9, 0))
    assert (report.is_late, report.days_late) == (True, 1)


def test_days_late_are_working_days_across_tet(province, template, reporter):
    # M1-2023: 15/12/2022 - Sat 14/01/2023; 2 working days: deadline Tue 17/01/2023. Tết:
    # Fri 20/01 to Thu 26/01/2023. Sent Fri 27/01: late on Wed 18, Thu 19 and Fri 27 = 3
    # working days (10 calendar days).
    period = Period.objects.for_code("M1-2023")
    report = _sent(reporter, province["ST-STTTT"], period, template, _at(2023, 1, 27, 9, 0))
    assert report.deadline == datetime.date(2023, 1, 17)
    assert (report.is_late, report.days_late) == (True, 3)
    # A day off announced on top of the holidays (CalendarOverride) is not counted either.
    CalendarOverride.objects.create(date=datetime.date(2023, 1, 19), is_working_day=False)
    again = Report.objects.select_related("period", "template").get(pk=report.pk)
    assert again.days_late == 2


def test_deadline_across_tet_2026():
    # M2-2026 ends Sat 14/02/2026; Tết 2026 is Mon 16/02 - Fri 20/02: the 2 working days are
    # Mon 23 and Tue 24/02.
    from cchc.periods.models import working_calendar
    from cchc.reports.models import working_days_late

    period = Period.objects.lookup("M2-2026")
    deadline = period.deadline_for(2)
    assert deadline == datetime.date(2026, 2, 24)
    assert working_days_late(datetime.date(2026, 2, 13), deadline, working_calendar()) == 2


# --- deadline extensions ---------------------------------------------------------------------


def test_extension_changes_lateness_everywhere_and_is_audited(
    client, tracked, consolidator, other_reporter, today
):
    stp = tracked["ST-STP"]
    url = reverse("unit_deadline", args=["Q3-2022", "ST-STP"])
    client = _login(client, consolidator)
    response = client.post(url, {"deadline": "22/09/2022", "reason": "Mất điện diện rộng"})
    assert response.status_code == 302
    extension = DeadlineExtension.objects.get(unit__code="ST-STP", period__code="Q3-2022")
    assert (extension.deadline, extension.reason) == (
        datetime.date(2022, 9, 22),
        "Mất điện diện rộng",
    )
    assert extension.granted_by == consolidator
    fresh = Report.objects.select_related("period", "template").get(pk=stp.pk)
    assert fresh.regular_deadline == datetime.date(2022, 9, 16)
    assert fresh.deadline == datetime.date(2022, 9, 22)
    assert (fresh.is_late, fresh.days_late) == (False, 0)
    page = client.get(reverse("overview", args=["Q3-2022"]))
    row = {r.unit.code: r for r in page.context["rows"]}["ST-STP"]
    assert row.deadline == datetime.date(2022, 9, 22) and row.is_extended
    assert row.state_label == "Đã gửi đúng hạn" and row.timeliness == "Đúng hạn"
    assert "Mất điện diện rộng" in page.content.decode()
    assert _count_cells(page.content.decode(), "total")["late"] == 0
    # The unit's reporter sees the new deadline on the report page.
    report_page = _login(type(client)(), other_reporter).get(reverse("report", args=[stp.pk]))
    text = report_page.content.decode()
    assert "22/09/2022" in text and "được gia hạn, hạn chung 16/09/2022" in text
    assert '<b id="timeliness">đúng hạn</b>' in text

    # Changed to Tue 20/09: sent Wed 21/09, one working day late.
    client.post(url, {"deadline": "20/09/2022", "reason": "Điều chỉnh theo công văn 12/SNV"})
    fresh = Report.objects.select_related("period", "template").get(pk=stp.pk)
    assert (fresh.is_late, fresh.days_late) == (True, 1)
    # Withdrawn: the regular deadline again, three working days late.
    client.post(url, {"action": "withdraw", "reason": "Đơn vị không bị ảnh hưởng"})
    assert not DeadlineExtension.objects.exists()
    fresh = Report.objects.select_related("period", "template").get(pk=stp.pk)
    assert (fresh.deadline, fresh.days_late) == (datetime.date(2022, 9, 16), 3)
    trail = list(
        AuditEntry.objects.filter(action__startswith="report.extension.").order_by("at", "pk")
    )
    assert [(e.action, e.data["before"], e.data["after"]) for e in trail] == [
        ("report.extension.grant", "16/09/2022", "22/09/2022"),
        ("report.extension.change", "22/09/2022", "20/09/2022"),
        ("report.extension.withdraw", "20/09/2022", "16/09/2022"),
    ]
    assert all(e.unit.code == "ST-STP" and e.report_id == stp.pk for e in trail)
    assert trail[2].data["reason"] == "Đơn vị không bị ảnh hưởng"
    # The page shows the trail.
    page = client.get(url).content.decode()
    assert "Thu hồi gia hạn gửi báo cáo quý III năm 2022: 20/09/2022 → 16/09/2022" in page


def test_extension_before_the_report_exists(client, province, consolidator, today, template):
    url = reverse("unit_deadline", args=["Q4-2022", "ST-SNV"])
    client = _login(client, consolidator)
    assert client.get(url).status_code == 200
    client.post(url, {"deadline": "23/12/2022", "reason": "Đơn vị mới sáp nhập"})
    assert Period.objects.filter(code="Q4-2022").exists()  # stored by the service only
    row = {
        r.unit.code: r for r in client.get(reverse("overview", args=["Q4-2022"])).context["rows"]
    }["ST-SNV"]
    assert row.report is None and row.deadline == datetime.date(2022, 12, 23)
    assert row.regular_deadline == datetime.date(2022, 12, 16)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"deadline": "30/09/2022", "reason": " "}, "Phải ghi lý do gia hạn."),
        ({"deadline": "", "reason": "Lý do"}, "Hạn gia hạn: phải ghi ngày được gia hạn đến."),
        ({"deadline": "31/02/2022", "reason": "Lý do"}, "không đọc được ngày “31/02/2022”"),
        ({"deadline": "15/09/2022", "reason": "Lý do"}, "phải sau hạn gửi chung 16/09/2022"),
        ({"deadline": "24/09/2022", "reason": "Lý do"}, "Ngày 24/09/2022 là ngày nghỉ (Thứ Bảy)"),
        ({"deadline": "30/09/2032", "reason": "Lý do"}, "quá một năm"),
        ({"action": "withdraw", "reason": "Lý do"}, "không được gia hạn"),
        ({"action": "withdraw", "reason": ""}, "Phải ghi lý do thu hồi gia hạn."),
    ],
)
def test_bad_extension_is_refused_with_a_message(
    client, tracked, consolidator, today, data, message
):
    url = reverse("unit_deadline", args=["Q3-2022", "ST-STP"])
    response = _login(client, consolidator).post(url, data, follow=True)
    assert message in response.content.decode()
    assert not DeadlineExtension.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="report.extension.").exists()


def test_extension_must_be_a_working_day_after_tet(province, template, consolidator, reporter):
    period = Period.objects.for_code("M1-2023")
    with pytest.raises(services.WorkflowError, match="Tết Nguyên đán, mùng 2 tháng Giêng"):
        services.grant_extension(
            consolidator, province["ST-STTTT"], period, datetime.date(2023, 1, 23), "Tết"
        )
    report = _sent(reporter, province["ST-STTTT"], period, template, _at(2023, 1, 27, 9, 0))
    services.grant_extension(
        consolidator, province["ST-STTTT"], period, datetime.date(2023, 1, 19), "Nghỉ Tết sớm"
    )
    fresh = Report.objects.select_related("period", "template").get(pk=report.pk)
    assert (fresh.is_late, fresh.days_late) == (True, 1)  # only Fri 27/01 after Thu 19/01


# --- filter, sort, XLSX ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, codes",
    [
        ({}, ["ST-SNV", "ST-STP", "ST-STTTT", "ST-HCT", "ST-HCT-XAH"]),
        ({"state": "late"}, ["ST-STP"]),
        ({"state": "on_time"}, ["ST-STTTT"]),
        ({"state": "received"}, ["ST-STP", "ST-STTTT"]),
        ({"state": "overdue"}, ["ST-SNV", "ST-HCT", "ST-HCT-XAH"]),
        ({"state": "returned"}, ["ST-HCT"]),
        ({"state": "not_started"}, ["ST-SNV"]),
        ({"state": "draft"}, ["ST-HCT-XAH"]),
        ({"state": "approved"}, ["ST-STTTT"]),
        ({"state": "unacknowledged"}, ["ST-STP", "ST-STTTT"]),
        ({"kind": "department"}, ["ST-SNV", "ST-STP", "ST-STTTT"]),
        ({"kind": "commune"}, ["ST-HCT-XAH"]),
        ({"q": "chau thanh"}, ["ST-HCT"]),  # typed without diacritics
        ({"q": "Tư pháp"}, ["ST-STP"]),
        ({"q": "st-hct"}, ["ST-HCT", "ST-HCT-XAH"]),
        ({"kind": "department", "state": "overdue"}, ["ST-SNV"]),
        ({"sort": "-unit"}, ["ST-HCT-XAH", "ST-HCT", "ST-STTTT", "ST-STP", "ST-SNV"]),
        ({"sort": "state"}, ["ST-SNV", "ST-HCT-XAH", "ST-STP", "ST-HCT", "ST-STTTT"]),
        ({"sort": "sent"}, ["ST-STTTT", "ST-STP", "ST-SNV", "ST-HCT", "ST-HCT-XAH"]),
        ({"sort": "-sent"}, ["ST-STP", "ST-STTTT", "ST-SNV", "ST-HCT", "ST-HCT-XAH"]),
        ({"sort": "late"}, ["ST-STP", "ST-SNV", "ST-HCT", "ST-HCT-XAH", "ST-STTTT"]),
        ({"sort": "-late"}, ["ST-SNV", "ST-HCT", "ST-HCT-XAH", "ST-STP", "ST-STTTT"]),
        ({"state": "received", "sort": "-late"}, ["ST-STP", "ST-STTTT"]),
    ],
)
def test_filter_and_sort(client, tracked, consolidator, today, params, codes):
    response = _login(client, consolidator).get(reverse("overview", args=["Q3-2022"]), params)
    html = response.content.decode()
    assert _rows(html) == codes
    assert f"Hiển thị {len(codes)}/5 đơn vị" in html
    assert _count_cells(html, "total")["expected"] == 5  # the counts are the whole period's


def test_bad_filter_values_are_named_and_ignored(client, tracked, consolidator, today):
    response = _login(client, consolidator).get(
        reverse("overview", args=["Q3-2022"]), {"state": "lat", "sort": "size", "kind": "commune"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trạng thái: Hãy chọn một lựa chọn hợp lệ" in html
    assert "Sắp xếp theo: Hãy chọn một lựa chọn hợp lệ" in html
    assert _rows(html) == ["ST-HCT-XAH"]  # the valid part of the filter still applies


def test_sort_links_keep_the_filter_and_flip_the_direction(client, tracked, consolidator, today):
    html = (
        _login(client, consolidator)
        .get(reverse("overview", args=["Q3-2022"]), {"kind": "department", "sort": "late"})
        .content.decode()
    )
    assert 'href="?kind=department&amp;sort=-late"' in html
    assert 'href="?kind=department&amp;sort=sent"' in html
    assert 'href="/overview/Q3-2022/tinh-hinh-bao-cao.xlsx?kind=department&amp;sort=late"' in html
    assert 'href="/overview/Q3-2022/history/"' in html


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _table(sheet, heading: str) -> list[list]:
    """The rows under the header row whose first cell is `heading`, until a blank row."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == heading and row[1] is not None)
    found = []
    for row in rows[start + 1 :]:
        if row[1] is None:
            break
        found.append(list(row))
    return found


def test_xlsx_has_the_counts_and_rows_the_page_shows(client, tracked, consolidator, today):
    client = _login(client, consolidator)
    services.grant_extension(
        consolidator,
        tracked["ST-STP"].unit,
        tracked["ST-STP"].period,
        datetime.date(2022, 9, 20),
        "Sự cố đường truyền",
    )
    params = {"kind": "department", "sort": "-late"}
    page = client.get(reverse("overview", args=["Q3-2022"]), params).content.decode()
    response = client.get(reverse("overview_xlsx", args=["Q3-2022"]), params)
    assert 'filename="tinh-hinh-bao-cao-Q3-2022.xlsx"' in response["Content-Disposition"]
    sheet = _sheet(response)
    assert sheet["A1"].value == "TÌNH HÌNH GỬI BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2022"
    counts = _table(sheet, "STT")
    assert counts[0][:11] == [1, "Sở, ban, ngành", 3, 2, 1, 1, 1, 0, 0, 1, 0]
    assert counts[1][:11] == [2, "UBND huyện", 1, 0, 0, 0, 0, 0, 1, 1, 0]
    assert counts[2][:11] == [3, "UBND xã", 1, 0, 0, 0, 0, 1, 0, 1, 0]
    assert counts[3][:11] == [None, "Tổng cộng", 5, 2, 1, 1, 1, 1, 1, 3, 0]
    # Page totals agree.
    assert list(_count_cells(page, "total").values()) == [5, 2, 1, 1, 1, 1, 1, 3, 0]
    listing = [row for row in sheet.iter_rows(values_only=True) if isinstance(row[0], str)]
    assert any("3/5 đơn vị; lọc theo loại đơn vị: Sở, ban, ngành" in row[0] for row in listing)
    rows = [
        row
        for row in sheet.iter_rows(values_only=True)
        if row[1] in ("ST-SNV", "ST-STP", "ST-STTTT")
    ]
    assert [row[1] for row in rows] == _rows(page) == ["ST-SNV", "ST-STP", "ST-STTTT"]
    snv, stp, stttt = (list(row) for row in rows)
    header = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Mã")
    assert list(header) == [
        "STT",
        "Mã",
        "Đơn vị",
        "Loại đơn vị",
        "Trạng thái",
        "Hạn gửi",
        "Gia hạn (lý do)",
        "Gửi lúc",
        "Đúng/trễ hạn",
        "Số ngày làm việc trễ/quá hạn",
        "Tiếp nhận lúc",
    ]
    assert snv[2:6] == [
        "Sở Nội vụ",
        "Sở, ban, ngành",
        "Chưa báo cáo",
        datetime.datetime(2022, 9, 16),
    ]
    assert snv[7:10] == [None, "Quá hạn 5 ngày làm việc", 5]
    assert stp[4:10] == [
        "Đã gửi trễ hạn",
        datetime.datetime(2022, 9, 20),
        "Đến 20/09/2022: Sự cố đường truyền",
        datetime.datetime(2022, 9, 21, 14, 30),
        "Trễ 1 ngày làm việc",
        1,
    ]
    assert stttt[4] == "Đã phê duyệt" and stttt[8:10] == ["Đúng hạn", None]
    assert (
        sheet.cell(
            row=next(
                i
                for i, r in enumerate(sheet.iter_rows(values_only=True), start=1)
                if r[1] == "ST-STP"
            ),
            column=6,
        ).number_format
        == "dd/mm/yyyy"
    )


# --- history ---------------------------------------------------------------------------------


def test_history_across_quarters(
    client, tracked, consolidator, reporter, other_reporter, province, template, today
):
    # Q2-2022 (deadline Thu 16/06/2022) sent Mon 20/06: 2 working days late.
    q2 = _sent(
        reporter,
        province["ST-STTTT"],
        Period.objects.for_code("Q2-2022"),
        template,
        _at(2022, 6, 20, 9, 0),
    )
    # The first report kept in cchc: Sở Tư pháp's Q3-2021, sent on its deadline Thu 16/09/2021.
    # Quarters before it were reported outside cchc and are not counted as missing.
    _sent(
        other_reporter,
        province["ST-STP"],
        Period.objects.for_code("Q3-2021"),
        template,
        _at(2021, 9, 16, 16, 0),
    )
    # A unit opened on 01/01/2022 had nothing to report before Q1-2022 (15/12/2021 - 14/03/2022).
    Unit.objects.create(
        code="ST-SKHCN",
        name="Sở Khoa học và Công nghệ",
        kind=UnitKind.DEPARTMENT,
        parent=province["ST"],
        must_report=True,
        valid_from=datetime.date(2022, 1, 1),
    )
    response = _login(client, consolidator).get(reverse("overview_history", args=["Q3-2022"]))
    assert response.status_code == 200
    html = response.content.decode()
    periods = re.findall(r'<th data-period="([^"]+)"><a', html)
    assert periods == [
        "Q4-2020",
        "Q1-2021",
        "Q2-2021",
        "Q3-2021",
        "Q4-2021",
        "Q1-2022",
        "Q2-2022",
        "Q3-2022",
    ]
    assert "Từ quý IV năm 2020 đến quý II năm 2021 chưa có báo cáo nào" in html
    rows = {row.unit.code: row for row in response.context["rows"]}
    sttt = rows["ST-STTTT"]
    assert [tracked for tracked, _ in sttt.cells] == [False] * 3 + [True] * 5
    states = [cell.state if cell else None for _, cell in sttt.cells]
    assert states[3:] == ["not_started"] * 3 + ["submitted_late", "approved"]
    assert sttt.cells[6][1].days_late == 2 and sttt.cells[6][1].report == q2
    assert (sttt.times_late, sttt.times_on_time, sttt.working_days_late) == (1, 1, 2)
    assert sttt.times_missing == 3  # Q3-2021, Q4-2021, Q1-2022 passed with nothing sent
    assert f'href="/reports/{q2.pk}/"' in html and "Trễ 2 ngày làm việc" in html
    new = rows["ST-SKHCN"]
    assert [cell is None for _, cell in new.cells] == [True] * 5 + [False] * 3
    stp = rows["ST-STP"]
    assert (stp.times_on_time, stp.times_late, stp.times_missing, stp.working_days_late) == (
        1,
        1,
        3,
        3,
    )
    unit_row = re.search(r'<tr data-unit="ST-STTTT">.*?</tr>', html, re.S).group(0)
    assert unit_row.count('data-state="untracked"') == 3
    assert re.findall(r'data-total="(\w+)">(\d+)<', unit_row) == [
        ("on_time", "1"),
        ("late", "1"),
        ("missing", "3"),
        ("days_late", "2"),
    ]
    new_row = re.search(r'<tr data-unit="ST-SKHCN">.*?</tr>', html, re.S).group(0)
    assert new_row.count('data-state="not_expected">—<') == 2


def test_history_of_years_and_of_a_custom_window(client, province, consolidator, today):
    client = _login(client, consolidator)
    years = client.get(reverse("overview_history", args=["Y-2022"])).content.decode()
    assert re.findall(r'<th data-period="([^"]+)"><a', years) == [
        f"Y-{year}" for year in range(2015, 2023)
    ]
    custom = client.get(reverse("overview_history", args=["C-20240101-20240731"]))
    assert re.findall(r'<th data-period="([^"]+)"><a', custom.content.decode()) == [
        "C-20240101-20240731"
    ]


def test_new_get_pages_write_nothing(client, tracked, consolidator, today):
    client.force_login(consolidator)
    for url in [
        "/overview/Q1-2024/history/",
        "/overview/Q1-2024/tinh-hinh-bao-cao.xlsx",
        "/overview/Q1-2024/units/ST-STP/deadline/",
        "/overview/Q3-2022/?state=late&sort=-late",
    ]:
        assert assert_get_writes_nothing(client, url) == 200, url
    assert not Period.objects.filter(code="Q1-2024").exists()


def test_overview_and_history_query_counts_do_not_grow_with_units(
    client, tracked, consolidator, province, template, today
):
    client.force_login(consolidator)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [
        "/overview/Q3-2022/",
        "/overview/Q3-2022/history/",
        "/overview/Q3-2022/tinh-hinh-bao-cao.xlsx",
    ]
    client.get(urls[0])
    before = [count(url) for url in urls]
    period = tracked["ST-STP"].period
    for number in range(6):
        unit = Unit.objects.create(
            code=f"ST-X{number}",
            name=f"UBND xã {number}",
            kind=UnitKind.COMMUNE,
            parent=province["ST-HCT"],
            must_report=True,
        )
        report = Report.objects.create(
            unit=unit,
            period=period,
            template=template,
            status=Status.SUBMITTED,
            submitted_at=_at(2022, 9, 20, 9, 0),
            acknowledged_at=_at(2022, 9, 21, 9, 0),
            acknowledged_by=consolidator,
            acknowledged_submission=_at(2022, 9, 20, 9, 0),
        )
        assert report.is_acknowledged
        DeadlineExtension.objects.create(
            unit=unit,
            period=period,
            deadline=datetime.date(2022, 9, 30),
            reason="Lũ",
            granted_at=_at(2022, 9, 15, 9, 0),
            granted_by=consolidator,
        )
    after = [count(url) for url in urls]
    assert after == before
    assert max(after) <= 20  # 15 to 17 measured on 03/12/2026


# --- acknowledgement ---------------------------------------------------------------------------


def test_acknowledgement_seen_by_the_reporter_and_lost_when_returned(
    client, tracked, consolidator, other_reporter, today
):
    stp = tracked["ST-STP"]
    client = _login(client, consolidator)
    overview = reverse("overview", args=["Q3-2022"]) + "?state=unacknowledged"
    response = client.post(reverse("acknowledge", args=[stp.pk]), {"next": overview})
    assert response.status_code == 302 and response["Location"] == overview
    stp.refresh_from_db()
    assert stp.is_acknowledged and stp.acknowledged_by == consolidator
    assert stp.acknowledged_at == TODAY and stp.acknowledged_submission == stp.submitted_at
    entry = AuditEntry.objects.get(action="report.acknowledge")
    assert entry.report == stp and entry.user == consolidator
    assert entry.summary == "Tiếp nhận báo cáo gửi lúc 14:30 21/09/2022 (trễ hạn)"
    assert _rows(client.get(overview).content.decode()) == ["ST-STTTT"]
    html = client.get(reverse("overview", args=["Q3-2022"])).content.decode()
    assert _count_cells(html, "total")["acknowledged"] == 1
    # Twice: refused, nothing more written.
    again = client.post(reverse("acknowledge", args=[stp.pk]), follow=True)
    assert "Báo cáo đã được tiếp nhận lúc 10:00 23/09/2022" in again.content.decode()
    assert AuditEntry.objects.filter(action="report.acknowledge").count() == 1

    reporter_client = _login(type(client)(), other_reporter)
    page = reporter_client.get(reverse("report", args=[stp.pk])).content.decode()
    assert "Sở Nội vụ đã tiếp nhận lúc 10:00 23/09/2022 (consolidator)" in page
    assert 'id="acknowledge-report"' not in page

    services.return_report(consolidator, stp, "Sai biểu mẫu")
    stp = Report.objects.get(pk=stp.pk)
    assert not stp.is_acknowledged
    page = reporter_client.get(reverse("report", args=[stp.pk])).content.decode()
    assert 'id="receipt"' not in page and "Sở Nội vụ đã tiếp nhận" not in page
    # Sent again: a new submission, not acknowledged until marked again; the trail keeps both.
    for key, raw in COMPLETE_VALUES.items():
        services.save_value(other_reporter, stp, key, raw)
    with time_machine.travel(_at(2022, 9, 26, 9, 0), tick=False):
        stp = services.submit_report(other_reporter, stp)
        assert not Report.objects.get(pk=stp.pk).is_acknowledged
        services.acknowledge_report(consolidator, stp)
    assert Report.objects.get(pk=stp.pk).is_acknowledged
    assert AuditEntry.objects.filter(action="report.acknowledge", report=stp).count() == 2


def test_reopened_report_loses_its_acknowledgement(tracked, consolidator, today):
    sttt = tracked["ST-STTTT"]
    services.acknowledge_report(consolidator, sttt)
    assert Report.objects.get(pk=sttt.pk).is_acknowledged  # approved, still acknowledged
    services.reopen_report(consolidator, Report.objects.get(pk=sttt.pk), "Sửa số liệu")
    assert not Report.objects.get(pk=sttt.pk).is_acknowledged


@pytest.mark.parametrize("code", ["ST-HCT", "ST-HCT-XAH"])
def test_only_a_sent_report_can_be_acknowledged(client, tracked, consolidator, today, code):
    report = tracked[code]
    response = _login(client, consolidator).post(
        reverse("acknowledge", args=[report.pk]), follow=True
    )
    assert "Chỉ tiếp nhận được báo cáo đã gửi" in response.content.decode()
    assert Report.objects.get(pk=report.pk).acknowledged_at is None


def test_consolidator_acknowledges_from_the_report_page(client, tracked, consolidator, today):
    stp = tracked["ST-STP"]
    client = _login(client, consolidator)
    page = client.get(reverse("report", args=[stp.pk])).content.decode()
    assert 'id="acknowledge-report"' in page and "Sở Nội vụ chưa xác nhận tiếp nhận" in page
    response = client.post(reverse("acknowledge", args=[stp.pk]))
    assert response["Location"] == reverse("report", args=[stp.pk])
    assert Report.objects.get(pk=stp.pk).is_acknowledged


def test_acknowledge_ignores_a_foreign_next(client, tracked, consolidator, today):
    stp = tracked["ST-STP"]
    response = _login(client, consolidator).post(
        reverse("acknowledge", args=[stp.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("report", args=[stp.pk])


# --- who may -----------------------------------------------------------------------------------

PEOPLE = [
    "reporter",
    "other_reporter",
    "approver",
    "consolidator",
    "admin_user",
    "outsider",
    "anonymous",
]


@pytest.fixture
def person(request, client, tracked, admin_user, outsider):
    def login(name: str):
        if name != "anonymous":
            client.force_login(request.getfixturevalue(name))
        return client

    return login


def _is_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "who, status",
    [
        ("reporter", 403),
        ("other_reporter", 403),
        ("approver", 403),
        ("consolidator", 200),
        ("admin_user", 200),
        ("outsider", 200),
        ("anonymous", "login"),
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        "/overview/Q3-2022/",
        "/overview/Q3-2022/history/",
        "/overview/Q3-2022/tinh-hinh-bao-cao.xlsx",
    ],
)
def test_who_sees_the_tracking_pages(person, who, status, url):
    response = person(who).get(url)
    if status == "login":
        assert _is_login(response)
        return
    assert response.status_code == status
    if status != 200:
        return
    if url.endswith(".xlsx"):
        codes = {row[1] for row in _sheet(response).iter_rows(values_only=True)}
        assert ("ST-STP" in codes) == (who != "outsider")
        assert ("HG-STP" in codes) == (who != "consolidator")
    else:
        html = response.content.decode()
        assert ('data-unit="ST-STP"' in html) == (who != "outsider")
        assert ('data-unit="HG-STP"' in html) == (who != "consolidator")
    if url == "/overview/Q3-2022/":
        # Only the unit's consolidator is offered receipt and extension.
        html = response.content.decode()
        assert ("/units/ST-STP/deadline/" in html) == (who == "consolidator")
        assert ("Tiếp nhận</button>" in html) == (who == "consolidator")


@pytest.mark.parametrize(
    "who, status",
    [
        ("reporter", 403),
        ("other_reporter", 403),
        ("approver", 403),
        ("consolidator", 200),
        ("admin_user", 200),
        ("outsider", 404),
        ("anonymous", "login"),
    ],
)
def test_who_sees_a_units_deadline_page(person, who, status):
    response = person(who).get("/overview/Q3-2022/units/ST-STP/deadline/")
    if status == "login":
        assert _is_login(response)
        return
    assert response.status_code == status
    if status == 200:
        assert ('id="grant"' in response.content.decode()) == (who == "consolidator")


@pytest.mark.parametrize(
    "who, status",
    [
        ("reporter", 403),
        ("other_reporter", 403),
        ("approver", 403),
        ("consolidator", 302),
        ("admin_user", 403),
        ("outsider", 404),
        ("anonymous", "login"),
    ],
)
def test_who_may_grant_and_withdraw_an_extension(person, who, status, consolidator, tracked):
    url = "/overview/Q3-2022/units/ST-STP/deadline/"
    client = person(who)
    response = client.post(url, {"deadline": "23/09/2022", "reason": "Lý do"})
    if status == "login":
        assert _is_login(response)
    else:
        assert response.status_code == status
    assert DeadlineExtension.objects.exists() == (who == "consolidator")
    if who != "consolidator":
        services.grant_extension(
            consolidator,
            tracked["ST-STP"].unit,
            tracked["ST-STP"].period,
            datetime.date(2022, 9, 23),
            "Lý do",
        )
    response = client.post(url, {"action": "withdraw", "reason": "Thu hồi"})
    assert DeadlineExtension.objects.exists() == (who != "consolidator")
    if status == "login":
        assert _is_login(response)
    else:
        assert response.status_code == status


@pytest.mark.parametrize(
    "who, status",
    [
        ("reporter", 404),
        ("other_reporter", 403),
        ("approver", 404),
        ("consolidator", 302),
        ("admin_user", 403),
        ("outsider", 404),
        ("anonymous", "login"),
    ],
)
def test_who_may_acknowledge(person, who, status, tracked):
    stp = tracked["ST-STP"]  # other_reporter's own report; reporter and approver are of Sở TT&TT
    response = person(who).post(reverse("acknowledge", args=[stp.pk]))
    if status == "login":
        assert _is_login(response)
    else:
        assert response.status_code == status
    assert Report.objects.get(pk=stp.pk).is_acknowledged == (who == "consolidator")


def test_acknowledge_is_post_only(client, tracked, consolidator):
    client.force_login(consolidator)
    response = client.get(reverse("acknowledge", args=[tracked["ST-STP"].pk]))
    assert response.status_code == 405
