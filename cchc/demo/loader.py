"""The demo province: units, users of every role, registers, and Q3-2022 reports in every
state; then Thành phố Cần Thơ as it is today (since the 1/7/2025 merger) with its 2026 annual
reports in every state possible before their deadline.

Registers load first. The Q3-2022 report of Sở TT&TT Sóc Trăng is then started from its
registers (start_report pre-fills every row the template maps to a register), which hold
what seed 004 reports; only the rows no register feeds, the notes and the narrative are typed
through save_value, and it is submitted and approved through the services with `at=` for
those past events. Nothing writes audit entries behind the services: the audit trail is
the one of the demo's own actions. Other units' figures are illustrative, and so are Cần
Thơ's (data/ct-y-2026.yaml), typed, sent, approved and returned through the same services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction

from cchc.catalog.loader import SafeLoader, load_builtin_templates
from cchc.catalog.models import ReportTemplate
from cchc.catalog.values import format_number
from cchc.demo.records import load_records
from cchc.demo.scoring import load_scoring_demo
from cchc.notices.services import remind_now
from cchc.org.models import Unit
from cchc.org.services import assign_role
from cchc.periods.models import Period
from cchc.registers import services as services_registers
from cchc.registers.catalogue import import_procedures
from cchc.registers.imports import import_dossiers
from cchc.registers.models import Dossier, Verdict
from cchc.reports import services
from cchc.reports.models import Report
from cchc.scoring.loader import load_builtin_schemes

HERE = Path(__file__).parent
PASSWORD = "demo1234"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Illustrative figures for the other departments' Q3-2022 reports. Sở Tư pháp and UBND huyện
# Châu Thành keep dossier registers, so their dossier rows come from them, not from here.
OTHER_REPORTS: list[dict[str, Any]] = [
    {
        "unit": "ST-STP",
        "reporter": "stp",
        "submit_at": "2022-09-21 09:30",
        "values": {
            "plan_tasks_total": 32,
            "plan_tasks_done": 27,
            "ppc_tasks_assigned": 6,
            "ppc_tasks_on_time": 5,
            "ppc_tasks_late": 0,
            "staff_quota": 38,
            "staff_present": 35,
        },
    },
    {
        "unit": "ST-SGDDT",
        "reporter": "sgd",
        "submit_at": "2022-09-16 08:15",
        "values": {
            "plan_tasks_total": 28,
            "plan_tasks_done": 25,
            "ppc_tasks_assigned": 12,
            "ppc_tasks_on_time": 11,
            "ppc_tasks_late": 1,
            "dossiers_received": 412,
            "dossiers_returned": 409,
            "staff_quota": 52,
            "staff_present": 49,
        },
    },
    {
        "unit": "ST-HCT",
        "reporter": "chauthanh",
        "submit_at": "2022-09-15 16:40",
        "return": (
            "snv",
            "2022-09-19 10:05",
            "Số nhiệm vụ UBND tỉnh giao (15) chưa khớp với Hệ thống theo dõi nhiệm vụ (17); "
            "đề nghị rà soát, bổ sung và gửi lại.",
        ),
        "values": {
            "plan_tasks_total": 41,
            "plan_tasks_done": 33,
            "ppc_tasks_assigned": 15,
            "ppc_tasks_on_time": 13,
            "ppc_tasks_late": 1,
            "staff_quota": 96,
            "staff_present": 91,
        },
    },
    {
        "unit": "ST-SYT",
        "reporter": "syt",
        "values": {"plan_tasks_total": 36, "plan_tasks_done": 30, "dossiers_received": 2210},
    },
]


def _at(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


def _raw(value: Any) -> str:
    return format_number(Decimal(str(value)), 2) if isinstance(value, int | float) else str(value)


def _load_units(rows: list[dict[str, Any]]) -> None:
    created: dict[str, Unit] = {}
    for row in rows:
        created[row["code"]] = Unit.objects.create(
            code=row["code"],
            name=row["name"],
            short_name=row.get("short_name", ""),
            kind=row["kind"],
            parent=created.get(row.get("parent", "")),
            doc_symbol=row.get("doc_symbol", ""),
            place=row.get("place", ""),
            must_report=row.get("must_report", False),
            valid_from=row.get("valid_from", datetime.date(2000, 1, 1)),
            valid_to=row.get("valid_to"),
        )
    for row in rows:
        if row.get("successor"):
            unit = created[row["code"]]
            unit.successor = created[row["successor"]]
            unit.save(update_fields=["successor"])


def _load_users(rows: list[dict[str, Any]]) -> None:
    """The demo's accounts; their roles are handed out by the demo's administrator through
    the role service, so the trail shows who gave whom which role."""
    users = {}
    # One hash for the one demo password: the hasher is slow by design (about 0.7 s a hash).
    hashed = make_password(PASSWORD)
    for row in rows:
        first, _, last = row["name"].rpartition(" ")
        users[row["username"]] = User.objects.create(
            username=row["username"],
            email=row.get("email", ""),
            password=hashed,
            first_name=first,
            last_name=last,
            is_staff=row.get("superuser", False),
            is_superuser=row.get("superuser", False),
        )
    admin = next(users[row["username"]] for row in rows if row.get("superuser"))
    for row in rows:
        for role, unit_code in row.get("roles", []):
            assign_role(admin, users[row["username"]], Unit.objects.get(code=unit_code), role)


def _enter(user: User, report: Report, values: dict[str, Any]) -> None:
    """Type what no register fed: values of the rows the pre-fill left empty, and every note.
    A row a register filled is checked, not typed: the demo fails to load rather than show a
    register figure that differs from the figure its data claims (seed 004's)."""
    filled = {
        v.indicator.key: v
        for v in report.values.select_related("indicator").filter(register_number__isnull=False)
    }
    for key, item in values.items():
        item = item if isinstance(item, dict) else {"value": item}
        if "value" in item and key in filled:
            figure = filled[key].content
            if figure != Decimal(str(item["value"])):
                raise ValueError(
                    f"Sổ theo dõi của {report.unit.code} cho chỉ tiêu {key} số liệu {figure}, "
                    f"khác {item['value']} của dữ liệu mẫu."
                )
        elif "value" in item:
            services.save_value(user, report, key, raw=_raw(item["value"]))
        if item.get("note"):
            services.save_value(user, report, key, note=item["note"])
            evidence = services.evidence_from_citation(item["note"], report)
            if evidence:
                services.add_evidence(user, report, key, evidence)


def _seed_report(template: ReportTemplate) -> None:
    data = yaml.load(
        (HERE / "data" / "st-stttt-q3-2022.yaml").read_text(encoding="utf-8"), Loader=SafeLoader
    )
    reporter, approver = User.objects.get(username="bctuyen"), User.objects.get(username="gdhanh")
    unit = Unit.objects.get(code=data["unit"])
    period = Period.objects.for_code(data["period"])
    report = services.start_report(reporter, unit, period, template)  # pre-filled from registers
    _enter(reporter, report, data["values"])
    services.update_document_details(
        reporter,
        report,
        number=data["number"],
        report_date=data["report_date"],
        **data.get("document", {}),
    )
    by_number = {s.number: s for s in template.outline.all()}
    for number, text in data.get("narrative", {}).items():
        services.save_narrative(reporter, report, by_number[number], text)
    report = services.submit_report(reporter, report, at=_at("2022-09-15 09:10"))
    services.approve_report(approver, report, at=_at("2022-09-15 14:20"))
    # The next quarter's draft shows these figures as "last period" beside each field.
    services.start_report(reporter, unit, Period.objects.for_code("Q4-2022"), template)


def _other_reports() -> None:
    """The other units' Q3-2022 reports, each started with the template fitting its unit
    (so-nganh for a department's quarter, huyen for UBND huyện Châu Thành)."""
    period = Period.objects.for_code("Q3-2022")
    for spec in OTHER_REPORTS:
        reporter = User.objects.get(username=spec["reporter"])
        report = services.start_report(reporter, Unit.objects.get(code=spec["unit"]), period)
        _enter(reporter, report, spec["values"])
        if "submit_at" in spec:
            report = services.submit_report(reporter, report, at=_at(spec["submit_at"]))
        if "return" in spec:
            username, when, reason = spec["return"]
            services.return_report(
                User.objects.get(username=username), report, reason, at=_at(when)
            )


def _ct_reports() -> None:
    """Cần Thơ's 2026 annual reports (data/ct-y-2026.yaml): each started with the template
    fitting its unit (so-nganh-nam for a department, xa for a phường or xã), its figures typed,
    then sent, approved or returned at the time given, or left in draft."""
    data = yaml.load(
        (HERE / "data" / "ct-y-2026.yaml").read_text(encoding="utf-8"), Loader=SafeLoader
    )
    period = Period.objects.for_code("Y-2026")
    templates = {
        code: ReportTemplate.objects.filter(code=code).order_by("-version").first()
        for code in {spec["template"] for spec in data["reports"]}
    }
    users = {user.username: user for user in User.objects.all()}
    units = {unit.code: unit for unit in Unit.objects.filter(code__startswith="CT-")}
    for spec in data["reports"]:
        reporter = users[spec["reporter"]]
        report = services.start_report(
            reporter, units[spec["unit"]], period, templates[spec["template"]]
        )
        _enter(reporter, report, spec["values"])
        if "submit_at" in spec:
            report = services.submit_report(reporter, report, at=_at(spec["submit_at"]))
        if "approve" in spec:
            username, when = spec["approve"]
            services.approve_report(users[username], report, at=_at(when))
        if "return" in spec:
            username, when, reason = spec["return"]
            services.return_report(users[username], report, reason, at=_at(when))


def _registers() -> None:
    """TTHC catalogues and dossiers. Sở TT&TT's catalogue holds what seed 004 reports: 43
    procedures in force, all offered fully online (mức độ 4), 10 with BCCI; the seed gives
    only those counts, so the procedures without demo dossiers carry local codes (TTTT-…)
    rather than national codes the demo cannot vouch for. Its 15 online dossiers of Q3-2022
    belong to 2 procedures and are all early, as the seed reports, plus two still open in
    Q4-2022; illustrative dossiers of Sở Tư pháp and
    UBND huyện Châu Thành from June to September 2022 (some late, some overdue, by every
    channel). Loaded before the reports, which are started from them."""
    data = HERE / "data"
    for code, prefix in (("ST-STTTT", "st-stttt"), ("ST-STP", "st-stp"), ("ST-HCT", "st-hct")):
        unit = Unit.objects.get(code=code)
        import_procedures(data / f"{prefix}-tthc.csv", f"{prefix}-tthc.csv", unit)
        import_dossiers(data / f"{prefix}-dossiers.csv", f"{prefix}-dossiers.csv", unit)
    # Sở Tư pháp apologised for its first two late dossiers (Mẫu 04, QĐ 766/QĐ-TTg).
    user = User.objects.get(username="stp")
    late = Dossier.objects.filter(unit__code="ST-STP", verdict=Verdict.LATE).order_by("received_at")
    for number, dossier in enumerate(late[:2], start=41):
        assert dossier.due_on is not None and dossier.result_on is not None  # late: both known
        written = dossier.due_on + datetime.timedelta(days=1)
        new_date = max(dossier.result_on, written + datetime.timedelta(days=1))
        services_registers.record_apology(user, dossier, f"{number}/STP-VP", written, new_date)


@transaction.atomic
def load_demo() -> bool:
    """Load the demo province; returns False when it is already there."""
    if Unit.objects.filter(code="ST-STTTT").exists():
        return False
    load_builtin_templates()
    load_builtin_schemes()
    template = ReportTemplate.objects.get(code="so-nganh", version=1)
    province = yaml.load((HERE / "province.yaml").read_text(encoding="utf-8"), Loader=SafeLoader)
    _load_units(province["units"])
    _load_users(province["users"])
    _registers()
    load_records()
    _seed_report(template)
    _other_reports()
    _ct_reports()
    # Sở Nội vụ Cần Thơ starts the city's own 2026 report: filled from the units' approved
    # reports and the city's registers, the rest to type, the narrative to draft.
    services.start_report(
        User.objects.get(username="snv_ct"),
        Unit.objects.get(code="CT"),
        Period.objects.for_code("Y-2026"),
        ReportTemplate.objects.get(code="tinh"),
    )
    load_scoring_demo()
    # Sở Nội vụ presses "Gửi nhắc nhở" for Q3-2022 as the load's last step (a real action
    # now, not a past event): the units still in draft or returned get notices.
    remind_now(User.objects.get(username="snv"), Period.objects.get(code="Q3-2022"))
    return True
