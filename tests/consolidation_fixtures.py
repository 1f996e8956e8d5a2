"""Fixtures of the consolidation tests: reports of the test province in each state, typed,
submitted and approved through the services."""

import pytest

from cchc.org.models import Role, RoleAssignment
from cchc.periods.models import Period
from cchc.reports import services
from cchc.reports.models import Status
from tests.conftest import COMPLETE_VALUES


@pytest.fixture
def staff(django_user_model, province):
    """A reporter and an approver over the whole province (roles cover the units below)."""
    users = {}
    for role in (Role.REPORTER, Role.APPROVER):
        users[role] = django_user_model.objects.create_user(f"st_{role}", password="x")
        RoleAssignment.objects.create(user=users[role], unit=province["ST"], role=role)
    return users


@pytest.fixture
def make_report(staff, province, template):
    def make(unit: str, period: str, values: dict[str, str], status: str, tpl=None):
        # Without `tpl`: so-nganh for a department, else the best fit (huyen for a district).
        fits = province[unit].kind in template.unit_kinds
        report = services.start_report(
            staff[Role.REPORTER],
            province[unit],
            Period.objects.for_code(period),
            tpl or (template if fits else None),
        )
        for key, raw in {**COMPLETE_VALUES, **values}.items():
            services.save_value(staff[Role.REPORTER], report, key, raw)
        if status in (Status.SUBMITTED, Status.APPROVED):
            report = services.submit_report(staff[Role.REPORTER], report)
        if status == Status.APPROVED:
            report = services.approve_report(staff[Role.APPROVER], report)
        return report

    return make


@pytest.fixture
def quarter(make_report):
    """Q3-2022: Sở TT&TT approved, Sở Tư pháp submitted, UBND huyện Châu Thành in draft,
    Sở Nội vụ not started. The commune reports on another template (not expected here)."""
    make_report(
        "ST-STTTT",
        "Q3-2022",
        {
            "plan_tasks_total": "46",
            "plan_tasks_done": "40",
            "communication_plan_rate": "80",
            "communication_meetings": "1",
            "survey_forms": "100",
            "survey_satisfaction_rate": "90",
        },
        Status.APPROVED,
    )
    make_report(
        "ST-STP",
        "Q3-2022",
        {
            "plan_tasks_total": "32",
            "plan_tasks_done": "27",
            "communication_meetings": "0",
            "survey_forms": "300",
            "survey_satisfaction_rate": "60",
        },
        Status.SUBMITTED,
    )
    make_report("ST-HCT", "Q3-2022", {"plan_tasks_total": "500"}, Status.DRAFT)
