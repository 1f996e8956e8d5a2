"""Fixtures of the scoring tests: dossiers made directly with their computed dates and
verdict (the import computes these; here they are what the test states), a small provincial
index scheme, an appraiser, and a department with CCHC plan tasks."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from cchc.org.models import Role
from cchc.records.models import Task, TaskKind
from cchc.registers.models import Channel, Dossier
from cchc.scoring.loader import load_scheme
from tests.conftest import _user


def at(day: str, time: str = "08:00") -> datetime.datetime:
    naive = datetime.datetime.fromisoformat(f"{day}T{time}")
    return timezone.make_aware(naive, timezone.get_current_timezone())


def dossier(unit, code, received, due=None, result=None, verdict="", **fields) -> Dossier:
    return Dossier.objects.create(
        unit=unit,
        code=code,
        procedure_code=fields.pop("procedure_code", "P1"),
        channel=fields.pop("channel", Channel.DIRECT),
        received_at=at(*received) if isinstance(received, tuple) else at(received),
        start_on=datetime.date.fromisoformat(
            received if isinstance(received, str) else received[0]
        ),
        due_on=datetime.date.fromisoformat(due) if due else None,
        result_on=datetime.date.fromisoformat(result) if result else None,
        verdict=verdict,
        **fields,
    )


SCHEME = """
code: chi-so-thu
version: 1
name: "Chỉ số CCHC thử"
unit_kinds: [department]
period_kinds: [year]
rescale: proportional
ties: ["1"]
bands:
  - {label: "Tốt", from: 80}
  - {label: "Khá", from: 0}
criteria:
  - code: "1"
    title: "Chỉ đạo, điều hành"
    children:
      - code: "1.1"
        title: "Ban hành kế hoạch CCHC năm"
        points: 10
        evidence: "Kế hoạch CCHC năm"
        evidence_required: true
      - code: "1.2"
        title: "Mức độ hoàn thành kế hoạch CCHC"
        points: 20
        method: rule
        threshold: 100
        rule: {numerator: tasks.plan_done, denominator: tasks.plan_total}
  - code: "2"
    title: "Cải cách TTHC"
    children:
      - {code: "2.1", title: "Rà soát TTHC", points: 40}
  - code: "3"
    title: "Điều tra xã hội học"
    children:
      - {code: "3.1", title: "Mức độ hài lòng", points: 30, method: survey}
"""


@pytest.fixture
def index_scheme(db, tmp_path: Path):
    path = tmp_path / "thu.yaml"
    path.write_text(SCHEME, encoding="utf-8")
    return load_scheme(path)


@pytest.fixture
def appraiser(django_user_model, province):
    return _user(django_user_model, "appraiser", Role.APPRAISER, province["ST"])


@pytest.fixture
def planned_unit(province):
    """Sở TT&TT with 4 plan tasks in 2026, 3 of them done: the plan criterion computes
    3/4 × 20 = 15."""
    unit = province["ST-STTTT"]
    for n in range(4):
        Task.objects.create(
            unit=unit,
            kind=TaskKind.PLAN,
            content=f"Nhiệm vụ {n}",
            deadline=datetime.date(2026, 11, 30),
            due_on=datetime.date(2026, 11, 30),
            completed_on=datetime.date(2026, 10, 1) if n < 3 else None,
        )
    return unit
