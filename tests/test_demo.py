"""The demo is honest: registers load before reports, the Q3-2022 report of Sở TT&TT Sóc
Trăng is started from its registers and every register-fed row equals seed 004's appendix
(transcribed here from /work/shared/seeds/004, not computed by the code under test), and
the audit trail holds the demo's own actions at the time they ran."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cchc.audit.models import AuditEntry
from cchc.demo.loader import load_demo
from cchc.org.models import Unit
from cchc.registers.models import OnlineLevel, Procedure
from cchc.registers.sources import register_value
from cchc.reports.models import Report, Source, Status
from cchc.reports.sheet import ReportSheet

pytestmark = pytest.mark.django_db

# Seed 004's appendix (PHỤ LỤC of Báo cáo số 174/BC-STTTT) for every row of the so-nganh
# template that names a `source:`; None where the appendix leaves the row blank.
SEED_004_SOURCED_ROWS: dict[str, Decimal | None] = {
    # I.1 Số nhiệm vụ đề ra trong kế hoạch / đã hoàn thành / văn bản chỉ đạo CCHC
    "plan_tasks_total": Decimal(46),
    "plan_tasks_done": Decimal(40),
    "directive_documents_issued": Decimal(10),
    # I.2 Kiểm tra CCHC: 04 phòng ban, 01 đơn vị trực thuộc; vấn đề phát hiện, xử lý: trống
    "inspected_divisions": Decimal(4),
    "inspected_subunits": Decimal(1),
    "inspection_issues_found": None,
    "inspection_issues_resolved": None,
    # I.3 Tuyên truyền: Chuyên trang CCHC tỉnh trống; Chuyên mục của đơn vị 12; phương tiện 12
    "communication_provincial_page_articles": None,
    "communication_unit_site_articles": Decimal(12),
    "communication_media_articles": Decimal(12),
    # I.4 Nhiệm vụ UBND tỉnh giao: 10, đúng hạn 09, quá hạn 01
    "ppc_tasks_assigned": Decimal(10),
    "ppc_tasks_on_time": Decimal(9),
    "ppc_tasks_late": Decimal(1),
    # III.4 Tổng số TTHC đang có hiệu lực 43; III.5 ý kiến tiếp nhận, giải quyết: trống
    "procedures_in_force": Decimal(43),
    "feedback_received": None,
    "feedback_resolved": None,
    # III.7 Hồ sơ tiếp nhận 15, trả kết quả 15, đúng hạn 100%
    "dossiers_received": Decimal(15),
    "dossiers_returned": Decimal(15),
    "dossiers_on_time_rate": Decimal(100),
    # IV.2, IV.3, IV.5 Biên chế 29/27, hợp đồng 4; sự nghiệp 18/10; lãnh đạo 4, 7, 3
    "staff_quota": Decimal(29),
    "staff_present": Decimal(27),
    "admin_contract_workers": Decimal(4),
    "sncl_staff_quota": Decimal(18),
    "sncl_staff_present": Decimal(10),
    "leaders_department": Decimal(4),
    "leaders_division": Decimal(7),
    "leaders_subunit_division": Decimal(3),
    # V.4 Số người đã được đào tạo, bồi dưỡng thực tế 3
    "training_actual": Decimal(3),
    # VII.2 Văn bản đi 714: hoàn toàn điện tử 655, điện tử và song song bản giấy 59
    "docs_outgoing_total": Decimal(714),
    "docs_electronic_only": Decimal(655),
    "docs_electronic_with_paper": Decimal(59),
    # VII.3 Mức độ 4: đang cung cấp 43; hồ sơ của các TTHC trực tuyến 15, tiếp nhận trực tuyến 15
    "l4_provided": Decimal(43),
    "online_procedures_dossiers_total": Decimal(15),
    "online_dossiers_received": Decimal(15),
    # VII.9 BCCI: TTHC đã công bố 10; TTHC, hồ sơ thực tế qua BCCI: trống
    "bcci_procedures_published": Decimal(10),
    "bcci_procedures_received": None,
    "bcci_dossiers_received": None,
}


PAYMENT_SOURCES = [
    "dossiers.fee_due",
    "dossiers.paid_online",
    "dossiers.resolved",
    "dossiers.electronic_result",
    "procedures.online_payment",
]


@dataclass
class Demo:
    """What the tests read of the loaded demo (loaded once, then rolled back)."""

    started: datetime.datetime
    status: str
    sourced: dict[str, str]
    values: dict[str, tuple[Any, str, Decimal | None, str]]  # content, source, register, reason
    prefills: int
    errors: list[str]
    catalogue: dict[str, int]
    procedures_with_dossiers: int
    # unit -> register source -> its Q3-2022 figure (fees, online payment, electronic results)
    payment: dict[str, dict[str, Decimal | None]]
    entries: list[tuple[str, str, datetime.datetime]]  # unit, action, at


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Demo:
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast_hashing):
        with transaction.atomic():
            started = timezone.now()
            load_demo()
            report = Report.objects.get(unit__code="ST-STTTT", period__code="Q3-2022")
            catalogue = Procedure.objects.filter(unit=report.unit)
            window = (report.period.start, report.period.end)
            demo = Demo(
                started=started,
                status=report.status,
                sourced=dict(
                    report.template.indicators.exclude(source="").values_list("key", "source")
                ),
                values={
                    v.indicator.key: (v.content, v.source, v.register_number, v.override_reason)
                    for v in report.values.select_related("indicator")
                },
                prefills=report.audit_entries.filter(action="report.prefill").count(),
                errors=[issue.message for issue in ReportSheet(report).errors],
                catalogue={
                    "total": catalogue.count(),
                    "full_online": catalogue.filter(online_level=OnlineLevel.FULL).count(),
                    "postal": catalogue.filter(postal=True).count(),
                },
                procedures_with_dossiers=report.unit.dossiers.filter(
                    received_at__date__range=window
                )
                .values("procedure_code")
                .distinct()
                .count(),
                payment={
                    code: {
                        name: register_value(name, Unit.objects.get(code=code), *window)
                        for name in PAYMENT_SOURCES
                    }
                    for code in ("ST-STTTT", "ST-STP", "ST-HCT")
                },
                entries=[
                    (e.report.unit.code, e.action, e.at)
                    for e in AuditEntry.objects.filter(report__isnull=False).select_related(
                        "report__unit"
                    )
                ],
            )
            transaction.set_rollback(True)
    return demo


def test_every_register_fed_row_of_the_demo_report_is_seed_004s_figure(demo):
    # None left out: every sourced row has an expected figure, and no expected figure is for
    # a row the template does not feed from a register.
    assert set(demo.sourced) == set(SEED_004_SOURCED_ROWS)
    for key, expected in SEED_004_SOURCED_ROWS.items():
        content, source, register, reason = demo.values.get(key, (None, "", None, ""))
        if expected is None:
            assert content is None and register is None, key
            continue
        assert content == expected, key
        # Filled by the register, not typed: the register's figure, no override.
        assert (source, register, reason) == (Source.REGISTER, expected, ""), key


def test_the_demo_report_was_started_from_its_registers_and_approved(demo):
    assert demo.status == Status.APPROVED
    assert demo.prefills == 1
    assert demo.errors == []


def test_the_demo_catalogue_is_seed_004s(demo):
    assert demo.catalogue == {"total": 43, "full_online": 43, "postal": 10}
    # "Số TTHC đang cung cấp trực tuyến mức độ 4 có phát sinh hồ sơ nộp trực tuyến": 02.
    assert demo.procedures_with_dossiers == 2


def test_the_illustrative_registers_tell_fees_online_payment_and_electronic_results(demo):
    for code in ("ST-STP", "ST-HCT"):
        figures = demo.payment[code]
        assert all(value is not None for value in figures.values()), code
        # Most fee-owing dossiers are paid online; a share of the results are electronic.
        assert figures["dossiers.fee_due"] / 2 < figures["dossiers.paid_online"], code
        resolved = figures["dossiers.resolved"]
        assert 0 < figures["dossiers.electronic_result"] < resolved, code
        assert figures["procedures.online_payment"] == 3, code
    # Seed 004 says nothing of Sở TT&TT's fees: its register does not tell, no figure.
    stttt = demo.payment["ST-STTTT"]
    told = ["dossiers.fee_due", "dossiers.paid_online", "dossiers.electronic_result"]
    assert [stttt[name] for name in told] == [None, None, None]


def test_demo_audit_entries_are_not_back_dated(demo):
    """Only the past events the demo records through the services' `at=` (submission,
    approval, return) may carry an earlier time; everything else ran during the load."""
    past_events = {"report.submit", "report.approve", "report.return"}
    own_actions = [
        (unit, action, at) for unit, action, at in demo.entries if action not in past_events
    ]
    assert len(own_actions) > 100
    late = [(unit, action, at) for unit, action, at in own_actions if at < demo.started]
    assert late == []
    # Sóc Trăng's 2022 submissions (Cần Thơ's 2026 ones are checked in tests/test_demo2026.py).
    submitted = {unit for unit, action, _ in demo.entries if action == "report.submit"}
    assert {unit for unit in submitted if unit.startswith("ST")} == {
        "ST-STTTT",
        "ST-STP",
        "ST-SGDDT",
        "ST-HCT",
    }
