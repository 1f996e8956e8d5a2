"""The world of the access matrix: the test province with one record of every kind a URL
names, a second province, a user of each role and API tokens; and the helpers that sign a
client in as one of them and fingerprint the database."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from cchc.api.tokens import create_token
from cchc.catalog.models import OutlineSection
from cchc.notices.models import Notice
from cchc.org.models import Role, Unit, UnitKind
from cchc.periods.models import Period
from cchc.records.models import Task, TaskKind
from cchc.registers.models import Procedure
from cchc.reports import services
from cchc.scoring import assessments
from cchc.scoring.loader import load_scheme
from tests.conftest import _user
from tests.scoring_fixtures import dossier

# The columns of the matrix, in its order.
ROLES = (
    "anon",  # nobody signed in
    "reporter",  # reporter of Sở TT&TT, the unit the URLs name
    "other_reporter",  # reporter of Sở Tư pháp (same province, another unit)
    "approver",  # leader of Sở TT&TT
    "consolidator",  # Sở Nội vụ's consolidator of the province
    "other_consolidator",  # consolidator of another province (Cần Thơ)
    "appraiser",  # scoring council member on the province
    "superuser",
    "other_token",  # read-write API token of Sở Tư pháp's reporter (no session)
)
# Tables a request may write without changing data: the session and the sign-in log.
UNTRACKED = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
# A scheme with a criterion computed from the dossiers, whose rows the "behind" page lists.
DOSSIER_SCHEME = """
code: chi-so-ho-so
version: 1
name: "Chỉ số hồ sơ thử"
unit_kinds: [department]
period_kinds: [year]
rescale: proportional
bands: [{label: "Tốt", from: 0}]
criteria:
  - code: "1"
    title: "Giải quyết TTHC"
    children:
      - code: "1.1"
        title: "Hồ sơ đúng hạn"
        points: 10
        method: rule
        threshold: 100
        rule: {numerator: dossiers.on_track, denominator: dossiers.in_period}
"""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class World:
    users: dict[str, Any]
    keys: dict[str, str]  # API token keys: other_token, readonly (the reporter's, read-only)
    kwargs: dict[str, Any] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        """A client acting as `role`: signed in (session) or carrying its token."""
        if role == "anon":
            return Client()
        if role in self.keys:
            return Client(HTTP_AUTHORIZATION=f"Bearer {self.keys[role]}")
        client = Client()
        client.force_login(self.users[role])
        return client


@pytest.fixture
def world(
    django_user_model, province, reporter, other_reporter, approver, consolidator, report,
    appraiser, index_scheme, settings, tmp_path,
) -> World:  # fmt: skip
    settings.DATA_DIR = tmp_path
    ct = Unit.objects.create(code="CT", name="UBND thành phố Cần Thơ", kind=UnitKind.PROVINCE)
    ct_dept = Unit.objects.create(
        code="CT-SNV",
        name="Sở Nội vụ Cần Thơ",
        kind=UnitKind.DEPARTMENT,
        parent=ct,
        must_report=True,
    )
    users = {
        "reporter": reporter,
        "other_reporter": other_reporter,
        "approver": approver,
        "consolidator": consolidator,
        "other_consolidator": _user(django_user_model, "tonghop-ct", Role.CONSOLIDATOR, ct),
        "appraiser": appraiser,
        "superuser": django_user_model.objects.create_superuser("root", password="x"),
    }
    _user(django_user_model, "baocao-ct", Role.REPORTER, ct_dept)
    keys = {
        "other_token": create_token(None, other_reporter, read_only=False)[1],
        "readonly": create_token(None, reporter, read_only=True)[1],
    }
    for key in keys.values():  # first use stamps last_used_at: later requests write nothing
        Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/me/")
    unit = province["ST-STTTT"]
    section = OutlineSection.objects.filter(template=report.template).order_by("order").first()
    evidence = services.add_evidence(
        reporter,
        report,
        "plan_completion_rate",
        {"doc_type": "Kế hoạch", "number_symbol": "02/KH-STTTT", "summary": "CCHC năm 2022"},
        ("ke-hoach.pdf", PDF),
    )
    Procedure.objects.create(
        unit=unit, code="P1", name="Cấp giấy phép", field="Viễn thông", processing_time=10
    )
    dossier(unit, "H001", "2022-07-01", due="2022-07-15", result="2022-07-10")
    task = Task.objects.create(
        unit=unit,
        kind=TaskKind.PLAN,
        content="Nhiệm vụ CCHC",
        deadline=datetime.date(2022, 9, 30),
        due_on=datetime.date(2022, 9, 30),
    )
    notice = Notice.objects.create(
        recipient=reporter,
        recipient_name="reporter",
        kind="submitted",
        subject="Báo cáo đã gửi",
        body="Nội dung",
        unit=unit,
        period=report.period,
        report=report,
        trigger="reporter",
        key="matrix",
    )
    assessment = assessments.start_assessment(
        reporter, unit, index_scheme, Period.objects.for_code("Y-2026")
    )
    assessment_file = assessments.add_evidence(
        reporter, assessment, "1.1", {"doc_type": "Kế hoạch"}, ("ke-hoach.pdf", PDF)
    )
    (tmp_path / "ho-so.yaml").write_text(DOSSIER_SCHEME, encoding="utf-8")
    load_scheme(tmp_path / "ho-so.yaml")
    world = World(users, keys)
    world.kwargs = {
        "unit_code": unit.code,
        "period_code": "Q3-2022",
        "report_id": report.pk,
        "pk": report.pk,
        "section_id": section.pk,
        "section": section.pk,
        "evidence_id": evidence.pk,
        "code": "H001",
        "register": "tasks",
        "record_pk": task.pk,
        "notice_id": notice.pk,
        "scheme_code": index_scheme.code,
        "scheme": index_scheme.code,
        "scheme_period": "Y-2026",
        "key": "plan_tasks_total",
        "fmt": "docx",
        "year": "2024",
        "uidb64": "MQ",
        "token": "khong-co",
        "report": report,
        "template_pk": report.template_id,
        "assessment_file": assessment_file.pk,
        "reporter_token_pk": reporter.api_tokens.get().pk,
    }
    return world


def fingerprint() -> dict[str, str]:
    """A digest of every row of every table (but the session and sign-in log): equal
    fingerprints mean nothing was written."""
    digests = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in UNTRACKED:
                continue
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')
            digests[table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return digests
