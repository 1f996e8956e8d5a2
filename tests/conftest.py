"""Named fixtures: a province with its units, users of each role, the built-in template,
the Q3-2022 period and a draft report. Also decides whether the PostgreSQL run and the
browser tests can run here, and says why not."""

from __future__ import annotations

import os

import pytest

from cchc.catalog.loader import load_builtin_templates
from cchc.catalog.models import ReportTemplate
from cchc.org.models import Role, RoleAssignment, Unit, UnitKind
from cchc.periods.models import Period
from cchc.reports import services

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "mat-khau-thu"
# Reports in every state for the consolidation tests (staff, make_report, quarter).
pytest_plugins = [
    "tests.consolidation_fixtures",
    "tests.scoring_fixtures",
    "tests.access_world",
]


def _postgres_problem() -> str | None:
    """Why the PostgreSQL run cannot happen, or None when the server answers."""
    if not os.environ.get("CCHC_TEST_POSTGRES"):
        return None
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL không kết nối được tại {url}: {str(exc).strip()}"
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    problem = _postgres_problem()
    session.config._cchc_postgres_problem = problem  # type: ignore[attr-defined]
    if problem and os.environ.get("CCHC_REQUIRE_POSTGRES") == "1":
        pytest.exit(f"{problem} (CCHC_REQUIRE_POSTGRES=1: bắt buộc chạy trên PostgreSQL)", 1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problem = getattr(config, "_cchc_postgres_problem", None)
    if problem:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=problem))
    # With CCHC_REQUIRE_BROWSER=1 (CI) a missing Chromium makes the browser tests fail.
    if not os.path.exists(CHROMIUM) and os.environ.get("CCHC_REQUIRE_BROWSER") != "1":
        reason = f"Chromium không có tại {CHROMIUM} (cài bằng scripts/install-system-deps)"
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def template(db) -> ReportTemplate:
    if not ReportTemplate.objects.filter(code="so-nganh").exists():
        load_builtin_templates()
    return ReportTemplate.objects.get(code="so-nganh", version=1)


@pytest.fixture
def province(db) -> dict[str, Unit]:
    """Sóc Trăng with two departments (one with a division) and a district with a commune."""
    st = Unit.objects.create(code="ST", name="UBND tỉnh Sóc Trăng", kind=UnitKind.PROVINCE)
    units = {"ST": st}
    for code, name, kind, parent, must_report in [
        ("ST-SNV", "Sở Nội vụ", UnitKind.DEPARTMENT, "ST", True),
        ("ST-STTTT", "Sở Thông tin và Truyền thông", UnitKind.DEPARTMENT, "ST", True),
        ("ST-STTTT-VP", "Văn phòng Sở", UnitKind.DIVISION, "ST-STTTT", False),
        ("ST-STP", "Sở Tư pháp", UnitKind.DEPARTMENT, "ST", True),
        ("ST-HCT", "UBND huyện Châu Thành", UnitKind.DISTRICT, "ST", True),
        ("ST-HCT-XAH", "UBND xã An Hiệp", UnitKind.COMMUNE, "ST-HCT", True),
    ]:
        units[code] = Unit.objects.create(
            code=code,
            name=name,
            kind=kind,
            parent=units[parent],
            must_report=must_report,
            doc_symbol=code.split("-")[-1],
        )
    return units


def _user(django_user_model, username: str, role: str | None, unit: Unit | None):
    user = django_user_model.objects.create_user(username, password=PASSWORD, first_name=username)
    if role and unit:
        RoleAssignment.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def reporter(django_user_model, province):
    return _user(django_user_model, "reporter", Role.REPORTER, province["ST-STTTT"])


@pytest.fixture
def other_reporter(django_user_model, province):
    return _user(django_user_model, "other", Role.REPORTER, province["ST-STP"])


@pytest.fixture
def approver(django_user_model, province):
    return _user(django_user_model, "approver", Role.APPROVER, province["ST-STTTT"])


@pytest.fixture
def consolidator(django_user_model, province):
    return _user(django_user_model, "consolidator", Role.CONSOLIDATOR, province["ST"])


@pytest.fixture
def period(db) -> Period:
    return Period.objects.for_code("Q3-2022")


@pytest.fixture
def report(reporter, province, period, template):
    return services.start_report(reporter, province["ST-STTTT"], period, template)


COMPLETE_VALUES = {
    "plan_tasks_total": "46",
    "plan_tasks_done": "40",
    "ppc_tasks_assigned": "10",
    "dossiers_received": "15",
    "dossiers_returned": "15",
    "staff_quota": "29",
    "staff_present": "27",
}


@pytest.fixture
def complete_report(report, reporter):
    """A draft with every required value filled and no errors."""
    for key, raw in COMPLETE_VALUES.items():
        services.save_value(reporter, report, key, raw)
    report.refresh_from_db()
    return report


@pytest.fixture(autouse=True)
def no_login_lockout(settings):
    # Django's test client signs in without a request, which django-axes refuses; the
    # lockout has its own tests, which turn it back on.
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is deliberately slow; tests create and log in many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def demo_documents(django_db_setup, django_db_blocker) -> dict[str, bytes]:
    """The demo province's documents, rendered once: the approved Q3-2022 report of
    Sở TT&TT (DOCX, XLSX) and its Q4-2022 draft (DOCX). The demo data is rolled back."""
    from django.db import transaction

    from cchc.demo.loader import load_demo
    from cchc.documents.registry import exporters
    from cchc.reports.models import Report

    rendered: dict[str, bytes] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        approved = Report.objects.get(unit__code="ST-STTTT", period__code="Q3-2022")
        draft = Report.objects.get(unit__code="ST-STTTT", period__code="Q4-2022")
        rendered["docx"] = exporters()["docx"](approved).render().content
        rendered["xlsx"] = exporters()["xlsx"](approved).render().content
        rendered["draft_docx"] = exporters()["docx"](draft).render().content
        transaction.set_rollback(True)
    return rendered


@pytest.fixture
def browser():
    """Debian's headless Chromium driven by Playwright (imported here, for the browser tests)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
