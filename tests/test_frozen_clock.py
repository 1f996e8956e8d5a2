"""What depends on today, checked with a frozen clock instead of accepting either outcome:
the home page's period shortcuts, an unfinished dossier becoming overdue (and so open to an
apology letter), and a report's lateness at the deadline's last minute."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cchc.registers.catalogue import import_procedures
from cchc.registers.forms import is_overdue
from cchc.registers.imports import import_dossiers
from cchc.registers.models import Dossier
from cchc.reports import services
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CATALOGUE = "Mã TTHC,Tên TTHC,Thời hạn giải quyết,Đơn vị thời hạn\n1.0001,Thủ tục A,10,ngày LV\n"
OPEN_DOSSIER = "Mã hồ sơ,Mã TTHC,Kênh,Ngày tiếp nhận\nH1,1.0001,Trực tuyến,01/07/2022 09:00\n"


def _at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize(
    "now, shortcuts",
    [
        (_at(2022, 9, 20, 9, 0), ["Q3-2022", "Q2-2022"]),
        (_at(2023, 1, 5, 9, 0), ["Q1-2023", "Q4-2022"]),
        (_at(2022, 12, 31, 23, 30), ["Q4-2022", "Q3-2022"]),
    ],
)
def test_home_shortcuts_follow_today(client, reporter, now, shortcuts):
    assert client.login(username=reporter.username, password=PASSWORD)
    with time_machine.travel(now, tick=False):
        page = client.get(reverse("home")).content.decode()
    links = [code for code in ("Q1-2023", "Q4-2022", "Q3-2022", "Q2-2022") if f"/{code}/" in page]
    assert sorted(links) == sorted(shortcuts)


def test_an_open_dossier_is_overdue_from_the_day_after_its_due_date(province):
    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    import_dossiers(OPEN_DOSSIER.encode(), "hs.csv", unit)
    dossier = Dossier.objects.get(code="H1")
    assert dossier.due_on == datetime.date(2022, 7, 15)  # 10 working days from Fri 01/07
    with time_machine.travel(_at(2022, 7, 15, 16, 0), tick=False):
        assert is_overdue(dossier) is False
    with time_machine.travel(_at(2022, 7, 16, 8, 0), tick=False):
        assert is_overdue(dossier) is True


def test_lateness_turns_at_midnight_after_the_deadline(complete_report, reporter):
    # Q3-2022: cut-off 14/09, deadline Friday 16/09/2022 (local time).
    with time_machine.travel(_at(2022, 9, 16, 23, 59), tick=False):
        report = services.submit_report(reporter, complete_report)
    assert report.is_late is False
    assert report.submitted_at == _at(2022, 9, 16, 23, 59)
