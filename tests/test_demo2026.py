"""The structure of today in the demo: Thành phố Cần Thơ since the 1/7/2025 merger (its sở,
ban, ngành and a dozen phường, xã, no districts), Sóc Trăng's units closed and handed over to
their successors, and the 2026 annual reports (Y-2026) in every state possible before their
deadline. The consolidated figures are added up here by hand from the demo's data file, not
computed by the code under test."""

from __future__ import annotations

import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from cchc.consolidation.engine import SUBMITTED, consolidate
from cchc.consolidation.overview import period_overview
from cchc.demo.loader import load_demo
from cchc.org.models import Unit, UnitKind
from cchc.periods.models import Period
from cchc.reports.drafting import draft_report
from cchc.reports.models import Report, Status
from cchc.reports.sheet import ReportSheet

pytestmark = pytest.mark.django_db

CT_DEPARTMENTS = {
    "CT-SNV": "Sở Nội vụ thành phố Cần Thơ",
    "CT-SKHCN": "Sở Khoa học và Công nghệ thành phố Cần Thơ",
    "CT-STP": "Sở Tư pháp thành phố Cần Thơ",
    "CT-SYT": "Sở Y tế thành phố Cần Thơ",
    "CT-SGDDT": "Sở Giáo dục và Đào tạo thành phố Cần Thơ",
    "CT-STC": "Sở Tài chính thành phố Cần Thơ",
    "CT-SNNMT": "Sở Nông nghiệp và Môi trường thành phố Cần Thơ",
    "CT-SXD": "Sở Xây dựng thành phố Cần Thơ",
    "CT-SCT": "Sở Công Thương thành phố Cần Thơ",
    "CT-VPUB": "Văn phòng UBND thành phố Cần Thơ",
}
CT_COMMUNES = {
    "CT-PNK": "UBND phường Ninh Kiều",
    "CT-PCK": "UBND phường Cái Khế",
    "CT-PBT": "UBND phường Bình Thủy",
    "CT-PCR": "UBND phường Cái Răng",
    "CT-POM": "UBND phường Ô Môn",
    "CT-PTN": "UBND phường Thốt Nốt",
    "CT-PST": "UBND phường Sóc Trăng",
    "CT-PPL": "UBND phường Phú Lợi",
    "CT-PVT": "UBND phường Vị Thanh",
    "CT-XPD": "UBND xã Phong Điền",
    "CT-XCD": "UBND xã Cờ Đỏ",
    "CT-XVT": "UBND xã Vĩnh Thạnh",
}
SUCCESSORS = {
    "ST": "CT",
    "ST-SNV": "CT-SNV",
    "ST-STTTT": "CT-SKHCN",  # Sở TT&TT merged into Sở Khoa học và Công nghệ
    "ST-STP": "CT-STP",
    "ST-SYT": "CT-SYT",
    "ST-SGDDT": "CT-SGDDT",
    "ST-STC": "CT-STC",
}
STATES = {
    Status.APPROVED: {"CT-SNV", "CT-SKHCN", "CT-VPUB", "CT-PNK", "CT-PBT", "CT-PST"},
    Status.SUBMITTED: {"CT-STP", "CT-SYT", "CT-SNNMT", "CT-PCK", "CT-PCR", "CT-PPL", "CT-XPD"},
    Status.RETURNED: {"CT-SGDDT", "CT-POM"},
    # The city's own report (template tinh), started by Sở Nội vụ from the approved ones.
    Status.DRAFT: {"CT", "CT-STC", "CT-SXD", "CT-PTN", "CT-XCD"},
}
NOT_STARTED = {"CT-SCT", "CT-PVT", "CT-XVT"}


@dataclass
class Demo:
    units: dict[str, dict[str, Any]]
    reports: dict[str, dict[str, Any]]
    depts: dict[str, Decimal | None]  # so-nganh-nam, submitted and approved counted
    depts_approved: dict[str, Decimal | None]
    communes: dict[str, Decimal | None]  # xa, submitted and approved counted
    counted: dict[str, list[str]]
    command: dict[str, Any]  # cchc consolidate --unit CT --period Y-2026 --include submitted
    overview: dict[str, str]
    history: dict[str, str]
    xa_narrative: dict[str, str]


def _html(client: Client, user: User | None, url: str) -> tuple[int, str]:
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Demo:
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast_hashing):
        with transaction.atomic():
            load_demo()
            ct = Unit.objects.get(code="CT")
            units = {
                u.code: {
                    "name": u.name,
                    "kind": u.kind,
                    "parent": u.parent.code if u.parent else None,
                    "valid_from": u.valid_from,
                    "valid_to": u.valid_to,
                    "successor": u.successor.code if u.successor else None,
                    "must_report": u.must_report,
                }
                for u in Unit.objects.select_related("parent", "successor")
            }
            reports = {}
            for r in Report.objects.filter(period__code="Y-2026").select_related(
                "unit", "period", "template"
            ):
                reports[r.unit.code] = {
                    "status": r.status,
                    "template": r.template.code,
                    "late": r.is_late,
                    "deadline": r.deadline,
                    "reason": r.return_reason,
                    "submitted_at": r.submitted_at,
                    "errors": [i.message for i in ReportSheet(r).errors],
                }
            depts = consolidate(ct, "Y-2026", "so-nganh-nam", include=SUBMITTED)
            communes = consolidate(ct, "Y-2026", "xa", include=SUBMITTED)
            out = io.StringIO()
            call_command(
                "consolidate",
                "--unit=CT",
                "--period=Y-2026",
                "--include=submitted",
                "--json",
                stdout=out,
            )
            snv_ct = User.objects.get(username="snv_ct")
            overview = period_overview(
                Period.objects.get(code="Y-2026"), Unit.objects.consolidated_by(snv_ct)
            )
            client = Client()
            history = {}
            for name, username, code in [
                ("consolidator_skhcn", "snv_ct", "CT-SKHCN"),
                ("consolidator_ct", "snv_ct", "CT"),
                ("reporter_skhcn", "khcn", "CT-SKHCN"),
                ("consolidator_old", "snv_ct", "ST-STTTT"),
                ("outsider_skhcn", "ninhkieu", "CT-SKHCN"),
                ("admin_skhcn", "admin", "CT-SKHCN"),
            ]:
                status, html = _html(
                    client, User.objects.get(username=username), f"/units/{code}/history/"
                )
                history[name] = html if status == 200 else str(status)
            xa_report = Report.objects.get(unit__code="CT-PNK", period__code="Y-2026")
            texts = draft_report(xa_report)
            demo = Demo(
                units=units,
                reports=reports,
                depts=depts.values,
                depts_approved=consolidate(ct, "Y-2026", "so-nganh-nam").values,
                communes=communes.values,
                counted={
                    "so-nganh-nam": sorted(u.code for u in depts.counted),
                    "xa": sorted(u.code for u in communes.counted),
                    "xa_missing": sorted(u.code for u in communes.missing),
                },
                command=json.loads(out.getvalue()),
                overview={row.unit.code: row.state for row in overview.rows},
                history=history,
                xa_narrative={
                    s.number: texts[s.pk] for s in xa_report.template.outline.all() if s.pk in texts
                },
            )
            transaction.set_rollback(True)
    return demo


def test_can_tho_has_its_departments_and_a_dozen_communes_and_no_districts(demo):
    below_ct = {code: u for code, u in demo.units.items() if u["parent"] == "CT"}
    assert {c: u["name"] for c, u in below_ct.items() if u["kind"] == UnitKind.DEPARTMENT} == (
        CT_DEPARTMENTS
    )
    assert {c: u["name"] for c, u in below_ct.items() if u["kind"] == UnitKind.COMMUNE} == (
        CT_COMMUNES
    )
    assert set(below_ct) == set(CT_DEPARTMENTS) | set(CT_COMMUNES)  # no district, nothing else
    for code, unit in below_ct.items():
        assert unit["valid_from"] == datetime.date(2025, 7, 1), code
        assert unit["valid_to"] is None and unit["must_report"], code
    assert not [
        c for c, u in demo.units.items() if u["kind"] == UnitKind.DISTRICT and not u["valid_to"]
    ]


def test_soc_trang_units_close_on_30_june_2025_and_name_their_successors(demo):
    for code, successor in SUCCESSORS.items():
        assert demo.units[code]["successor"] == successor, code
    for code, unit in demo.units.items():
        if code == "ST" or code.startswith("ST-"):
            assert unit["valid_to"] is not None, code
            assert unit["valid_to"] <= datetime.date(2025, 6, 30), code


def test_the_2026_annual_reports_are_in_every_state_with_the_fitting_template(demo):
    by_status: dict[str, set[str]] = {}
    for code, report in demo.reports.items():
        by_status.setdefault(report["status"], set()).add(code)
    assert by_status == STATES
    assert not NOT_STARTED & set(demo.reports)
    for code, report in demo.reports.items():
        expected = "xa" if code in CT_COMMUNES else "tinh" if code == "CT" else "so-nganh-nam"
        assert report["template"] == expected, code
        # Due 16/12/2026: two working days after the cut-off of Monday 14/12/2026.
        assert report["deadline"] == datetime.date(2026, 12, 16), code
    for code in STATES[Status.SUBMITTED] | STATES[Status.APPROVED]:
        report = demo.reports[code]
        assert report["late"] is False, code
        assert report["submitted_at"].date() < datetime.date(2026, 12, 3), code
        assert report["errors"] == [], code  # the template's rules pass
    for code in STATES[Status.RETURNED]:
        assert len(demo.reports[code]["reason"]) > 40, code


def test_the_overview_of_the_city_shows_todays_work(demo):
    ct_rows = {code: state for code, state in demo.overview.items() if code.startswith("CT-")}
    assert set(ct_rows) == set(CT_DEPARTMENTS) | set(CT_COMMUNES)
    assert {code for code, state in ct_rows.items() if state == "not_started"} == NOT_STARTED
    assert {c for c, s in ct_rows.items() if s == "submitted_on_time"} == STATES[Status.SUBMITTED]
    # Sóc Trăng's units were closed before the 2026 reporting year began.
    assert not [code for code in demo.overview if code.startswith("ST")]


def test_consolidated_department_figures_are_the_hand_added_ones(demo):
    # SNV, SKHCN, VPUB (approved) and STP, SYT, SNNMT (submitted), from data/ct-y-2026.yaml.
    assert demo.counted["so-nganh-nam"] == [
        "CT-SKHCN",
        "CT-SNNMT",
        "CT-SNV",
        "CT-STP",
        "CT-SYT",
        "CT-VPUB",
    ]
    values = demo.depts
    assert values["plan_tasks_total"] == 38 + 42 + 28 + 34 + 45 + 40 == 227
    assert values["plan_tasks_done"] == 35 + 39 + 27 + 30 + 40 + 36 == 207
    assert values["plan_completion_rate"] == Decimal("91.19")  # 207 / 227, recomputed
    assert values["ppc_tasks_assigned"] == 24 + 18 + 30 + 15 + 27 + 22
    assert values["dossiers_received"] == 1260 + 486 + 0 + 9850 + 5320 + 7460 == 24376
    assert values["staff_quota"] == 62 + 71 + 56 + 48 + 95 + 120 == 452
    # The on-time rate weighted by dossiers returned (VPUB returned none and gave no rate).
    weighted = (
        Decimal("99.52") * 1248
        + Decimal(100) * 480
        + Decimal("99.12") * 9790
        + Decimal("98.63") * 5268
        + Decimal("98.94") * 7380
    ) / (1248 + 480 + 9790 + 5268 + 7380)
    assert values["dossiers_on_time_rate"] == weighted.quantize(Decimal("0.01"))
    # Approved only: SNV, SKHCN, VPUB.
    assert demo.depts_approved["plan_tasks_total"] == 38 + 42 + 28


def test_consolidated_commune_figures_are_the_hand_added_ones(demo):
    assert demo.counted["xa"] == [
        "CT-PBT",
        "CT-PCK",
        "CT-PCR",
        "CT-PNK",
        "CT-PPL",
        "CT-PST",
        "CT-XPD",
    ]
    assert demo.counted["xa_missing"] == ["CT-POM", "CT-PTN", "CT-PVT", "CT-XCD", "CT-XVT"]
    values = demo.communes
    assert values["plan_tasks_total"] == 26 + 24 + 25 + 24 + 26 + 22 + 20 == 167
    assert values["dossiers_received"] == 8420 + 6310 + 5140 + 4870 + 7250 + 4010 + 3120
    assert values["dossiers_returned"] == 8395 + 6288 + 5120 + 4851 + 7231 + 4002 + 3105
    assert values["dossiers_resolved_late"] == 35 + 28 + 29 + 31 + 32 + 14 + 35 == 204
    assert values["online_dossiers_received"] == 6150 + 4420 + 3310 + 3020 + 5020 + 2650 + 1710
    # The parts add up to the whole in the consolidation too.
    assert (
        values["dossiers_resolved_early"]
        + values["dossiers_resolved_on_time"]
        + values["dossiers_resolved_late"]
        == values["dossiers_returned"]
    )
    # The command, without a template, takes the one most of the city's units used (xa: ten
    # reports against nine) and gives the same figures.
    assert demo.command["values"]["dossiers_received"] == 39120
    assert demo.command["counted"] == demo.counted["xa"]


def test_the_successors_history_reaches_the_predecessors_reports(demo):
    html = demo.history["consolidator_skhcn"]
    assert "Đơn vị tiền thân" in html
    assert "Sở Thông tin và Truyền thông tỉnh Sóc Trăng" in html
    assert "Quý III năm 2022" in html and "Quý IV năm 2022" in html
    assert 'href="/reports/' in html
    # Through two merges: the city's page lists Sóc Trăng and what was below it.
    assert "UBND tỉnh Sóc Trăng" in demo.history["consolidator_ct"]
    # The old unit's page points to the one that took over its work.
    old = demo.history["consolidator_old"]
    assert "công việc chuyển cho" in old and "/units/CT-SKHCN/history/" in old
    # A reporter of the successor sees the predecessor's reports too (its role covers the
    # units its unit took over, to read).
    own = demo.history["reporter_skhcn"]
    assert "Sở Thông tin và Truyền thông tỉnh Sóc Trăng" in own
    assert "Quý III năm 2022" in own
    assert demo.history["outsider_skhcn"] == "404"
    assert "Quý III năm 2022" in demo.history["admin_skhcn"]


def test_a_commune_report_drafts_as_a_commune_never_as_a_so(demo):
    texts = demo.xa_narrative
    assert texts["1.1."].startswith("Trong năm, UBND phường đã triển khai thực hiện 25/26 nhiệm vụ")
    assert "8.395 hồ sơ" in texts["3."] and "99,58%" in texts["3."]
    for number, text in texts.items():
        assert "Sở" not in text.split(), f"{number}: {text}"
        assert "Sở " not in text, f"{number}: {text}"
