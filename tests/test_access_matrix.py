"""Role × endpoint matrix: every page and every API endpoint, as each role sees it.

MATRIX is the spec, one row per URL name (a name with several methods or actions has a row
for each, `name@variant`). The columns are tests.access_world.ROLES. A cell is the status
code the role gets, L for a redirect to the sign-in page, R for another redirect (the
action ran, or was refused with a message, as the pages do). The house rule: the owner
gets 200, someone who may see but not change gets 403, an outsider 404 (as if the object
did not exist); the API answers 401 without credentials.

A URL pattern with no row fails test_every_url_has_a_row. The Django admin's URLs are one
rule (staff only), checked for every registered model."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cchc.opendata.services import Details, publish
from cchc.reports import services
from tests.access_world import ROLES, UNTRACKED, World, fingerprint
from tests.conftest import COMPLETE_VALUES

pytestmark = pytest.mark.django_db

# name[@variant]            method anon  rep orep appr cons ocon aprs   su  tok
MATRIX = """
home                        GET       L  200  200  200  200  200  200  200    L
login                       GET     200  200  200  200  200  200  200  200  200
logout                      POST      L    L    L    L    L    L    L    L    L
password_reset              GET     200  200  200  200  200  200  200  200  200
password_reset_done         GET     200  200  200  200  200  200  200  200  200
password_reset_confirm      GET     200  200  200  200  200  200  200  200  200
password_reset_complete     GET     200  200  200  200  200  200  200  200  200
password_change             GET       L  200  200  200  200  200  200  200    L
password_change_done        GET       L  200  200  200  200  200  200  200    L
unit_period                 GET       L  200  404  200  200  404  200  200    L
unit_period@post            POST      L    R  404  403  403  404  403  403    L
unit_history                GET       L  200  404  200  200  404  200  200    L
dossiers                    GET       L  200  404  200  200  404  200  200    L
upload_dossiers             POST      L    R  404  403  403  404  403  403    L
map_upload                  GET       L    R  404  403  403  404  403  403    L
map_upload@post             POST      L    R  404  403  403  404  403  403    L
rejected_rows               GET       L  404  404  403  403  404  403  403    L
upload_procedures           POST      L    R  404  403  403  404  403  403    L
dossier_stats_xlsx          GET       L  200  404  200  200  404  200  200    L
dossier_chart               GET       L  404  404  404  404  404  404  404    L
dossier_apology             POST      L  400  404  403  403  404  403  403    L
dossier_detail              GET       L  200  404  200  200  404  200  200    L
report                      GET       L  200  404  200  200  404  200  200    L
save_value                  POST      L  200  404  403  403  404  403  403    L
save_narrative              POST      L  200  404  403  403  404  403  403    L
confirm_narrative           POST      L    R  404  403  403  404  403  403    L
parse_citation              GET       L  200  404  200  200  404  200  200    L
add_evidence                POST      L    R  404  403  403  404  403  403    L
remove_evidence             POST      L    R  404  403  403  404  403  403    L
evidence_file               GET       L  200  404  200  200  404  200  200    L
update_header               POST      L    R  404  403  403  404  403  403    L
audit_trail                 GET       L  200  404  200  200  404  200  200    L
download                    GET       L  200  404  200  200  404  200  200    L
chart                       GET       L  200  404  200  200  404  200  200    L
fill_drafts                 POST      L    R  404  403  403  404  403  403    L
prefill                     POST      L    R  404  403  403  404  403  403    L
section_draft               GET       L  200  404  403  403  404  403  403    L
acknowledge                 POST      L  403  404  403    R  404  403  403    L
approval                    GET       L  403  404  200  403  404  403  403    L
workflow@submit             POST      L    R  404  403  403  404  403  403    L
workflow@approve            POST      L  403  404    R  403  404  403  403    L
workflow@return             POST      L  403  404    R    R  404  403  403    L
workflow@reopen             POST      L  403  404    R    R  404  403    R    L
overview_lookup             GET       L  403  403  403    R    R  403    R    L
overview                    GET       L  403  403  403  200  200  403  200    L
overview_xlsx               GET       L  403  403  403  200  200  403  200    L
overview_history            GET       L  403  403  403  200  200  403  200    L
unit_deadline               GET       L  403  403  403  200  404  403  200    L
unit_deadline@post          POST      L  403  403  403    R  404  403  403    L
dossier_overview            GET       L  403  403  403  200  200  403  200    L
dossier_overview_xlsx       GET       L  403  403  403  200  200  403  200    L
consolidated                GET       L  403  403  403  200  403  403  200    L
dashboard                   GET       L  403  403  403  200  403  403  200    L
unit_dashboard              GET       L  200  404  200  200  404  200  200    L
consolidated_xlsx           GET       L  403  403  403  200  403  403  200    L
trend                       GET       L  403  403  403  200  403  403  200    L
drilldown                   GET       L  403  403  403  200  403  403  200    L
records                     GET       L  200  404  200  200  404  200  200    L
record_list                 GET       L  200  404  200  200  404  200  200    L
record_create               GET       L  200  404  403  403  404  403  403    L
record_create@post          POST      L  200  404  403  403  404  403  403    L
record_import               POST      L    R  404  403  403  404  403  403    L
record_sample               GET       L  200  404  200  200  404  200  200    L
record_edit                 GET       L  200  404  403  403  404  403  403    L
record_edit@post            POST      L  200  404  403  403  404  403  403    L
record_history              GET       L  200  404  200  200  404  200  200    L
record_delete               GET       L  200  404  403  403  404  403  403    L
record_delete@post          POST      L    R  404  403  403  404  403  403    L
my_notices                  GET       L  200  200  200  200  200  200  200    L
mark_all_read               POST      L    R    R    R    R    R    R    R    L
mark_read                   POST      L    R  404  404  404  404  404  404    L
period_notices              GET       L  403  403  403  200  200  403  200    L
remind                      POST      L  403  403  403    R    R  403    R    L
opendata_index              GET     200  200  200  200  200  200  200  200  200
opendata_catalogue          GET     200  200  200  200  200  200  200  200  200
opendata_dataset            GET     404  404  404  404  404  404  404  404  404
opendata_csv                GET     404  404  404  404  404  404  404  404  404
opendata_json               GET     404  404  404  404  404  404  404  404  404
opendata_manage             GET       L  403  403  403  200  403  403  200    L
opendata_publish            POST      L  403  403  403  200  403  403  200    L
opendata_ranking            GET       L  403  403  403  200  403  403  200    L
opendata_ranking_publish    POST      L  403  403  403  200  403  403  200    L
opendata_withdraw           POST      L  403  403  403    R  403  403    R    L
scoring                     GET       L  403  403  403  200  200  403  200    L
ranking                     GET       L  403  403  403  200  403  403  200    L
scoring_dashboard           GET       L  403  403  403  200  403  403  200    L
ranking_xlsx                GET       L  403  403  403  200  403  403  200    L
ranking_docx                GET       L  403  403  403  200  403  403  200    L
import_entered              GET       L  403  403  403  200  403  403  200    L
import_entered@post         POST      L  403  403  403  200  403  403  200    L
unit_score                  GET       L  200  404  200  200  404  200  200    L
assessment                  GET       L  200  404  200  200  404  200  200    L
assessment@post             POST      L    R  404    R  403  404  403  403    L
assessment_file             GET       L  200  404  200  200  404  200  200    L
enter_figure                POST      L  403  404  403    R  404  403    R    L
score_behind                GET       L  200  404  200  200  404  200  200    L
api-root                    GET     401  200  200  200  200  200  200  200  200
api-schema                  GET     401  200  200  200  200  200  200  200  200
api-docs                    GET     401  200  200  200  200  200  200  200  200
me                          GET     401  200  200  200  200  200  200  200  200
unit-list                   GET     401  200  200  200  200  200  200  200  200
unit-detail                 GET     401  200  404  200  200  404  200  200  404
period-detail               GET     401  200  200  200  200  200  200  200  200
template-list               GET     401  200  200  200  200  200  200  200  200
template-detail             GET     401  200  200  200  200  200  200  200  200
report-list                 GET     401  200  200  200  200  200  200  200  200
report-list@post            POST    401  201  404  403  403  404  403  403  404
report-detail               GET     401  200  404  200  200  404  200  200  404
report-audit                GET     401  200  404  200  200  404  200  200  404
report-checks               GET     401  200  404  200  200  404  200  200  404
report-documents            GET     401  200  404  200  200  404  200  200  404
report-evidence             GET     401  200  404  200  200  404  200  200  404
report-evidence@post        POST    401  201  404  403  403  404  403  403  404
report-remove-evidence      DELETE  401  204  404  403  403  404  403  403  404
report-narrative            GET     401  200  404  200  200  404  200  200  404
report-narrative-section    PUT     401  200  404  403  403  404  403  403  404
report-values               GET     401  200  404  200  200  404  200  200  404
report-value                GET     401  200  404  200  200  404  200  200  404
report-value@put            PUT     401  200  404  403  403  404  403  403  404
report-value@patch          PATCH   401  200  404  403  403  404  403  403  404
report-workflow@submit      POST    401  200  404  403  403  404  403  403  404
report-workflow@approve     POST    401  403  404  200  403  404  403  403  404
report-workflow@return      POST    401  403  404  200  200  404  403  403  404
report-workflow@reopen      POST    401  403  404  200  200  404  403  200  404
token-list                  GET     401  200  200  200  200  200  200  200  200
token-list@post             POST    401  201  201  201  201  201  201  201  403
token-detail                GET     401  200  404  404  404  404  404  200  404
token-detail@delete         DELETE  401  204  404  404  404  404  404  204  404
overview-detail             GET     401  403  403  403  200  200  403  200  403
consolidation-detail        GET     401  403  403  403  200  403  403  200  403
ranking-detail              GET     401  403  403  403  200  403  403  200  403
opendata-list               GET     200  200  200  200  200  200  200  200  200
opendata-detail             GET     404  404  404  404  404  404  404  404  404
calendar-detail             GET     200  200  200  200  200  200  200  200  200
register-list               GET     401  200  404  200  200  404  200  200  404
register-rows               GET     401  200  404  200  200  404  200  200  404
register-rows@post          POST    401  422  404  403  403  404  403  403  404
dossier-list                GET     401  200  404  200  200  404  200  200  404
dossier-list@post           POST    401  422  404  403  403  404  403  403  404
dossier-stats               GET     401  200  404  200  200  404  200  200  404
dossier-detail              GET     401  200  404  200  200  404  200  200  404
assessment-list             GET     401  200  404  200  200  404  200  200  404
assessment-detail           GET     401  200  404  200  200  404  200  200  404
assessment-detail@post      POST    401  200  404  200  403  404  403  403  404
assessment-step             POST    401  200  404  200  403  404  403  403  404
notice-list                 GET     401  200  200  200  200  200  200  200  200
notice-read                 POST    401  200  404  404  404  404  404  404  404
notice-read-all             POST    401  200  200  200  200  200  200  200  200
period-notices              GET     401  403  403  403  200  200  403  200  403
period-remind               POST    401  403  403  403  200  200  403  200  403
"""


@dataclass(frozen=True)
class W:
    """A URL kwarg taken from the world under another name (the task's pk as `pk`)."""

    key: str


@dataclass(frozen=True)
class Extra:
    """What a row sends beyond the URL: kwargs overriding the world's, a query string, a
    body, and a state of the report to set up first."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    data: Any = None
    json: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    setup: str = ""


Q3, ST = "period=Q3-2022", "unit=ST"
YEAR = {"period_code": "Y-2026"}  # the test scheme scores years
TASK = {"pk": W("record_pk")}
ANY = {"If-Match": "*"}
EXTRAS: dict[str, Extra] = {
    "unit_period": Extra(kwargs={"period_code": "Q4-2022"}),  # no report yet: the start page
    "unit_period@post": Extra(kwargs={"period_code": "Q4-2022"}),
    "dossiers": Extra(query=Q3),
    "dossier_stats_xlsx": Extra(query=Q3),
    "dossier_chart": Extra(kwargs={"key": "fields"}, query=Q3),
    "dossier_apology": Extra(data={"reason": "Chậm do thiếu hồ sơ"}),
    "save_value": Extra(data={"key": "plan_tasks_total", "value": "46"}, json=True),
    "save_narrative": Extra(data={"text": "Đã triển khai kế hoạch."}, json=True),
    "parse_citation": Extra(query="text=Kế hoạch số 02/KH-STTTT ngày 27/01/2022"),
    "add_evidence": Extra(data={"key": "plan_completion_rate", "summary": "Kế hoạch CCHC"}),
    "update_header": Extra(data={"number": "12/BC-STTTT"}),
    "chart": Extra(kwargs={"key": "tasks"}, setup="complete"),
    "acknowledge": Extra(setup="submitted"),
    "approval": Extra(setup="submitted"),
    "workflow@submit": Extra(kwargs={"action": "submit"}, setup="complete"),
    "workflow@approve": Extra(kwargs={"action": "approve"}, setup="submitted"),
    "workflow@return": Extra(
        kwargs={"action": "return"}, data={"reason": "Thiếu số liệu"}, setup="submitted"
    ),
    "workflow@reopen": Extra(
        kwargs={"action": "reopen"}, data={"reason": "Sửa số liệu"}, setup="approved"
    ),
    "overview_lookup": Extra(query=Q3),
    "unit_deadline@post": Extra(data={"deadline": "30/09/2022", "reason": "Mất điện"}),
    "consolidated": Extra(query=ST),
    "dashboard": Extra(query=ST),
    "unit_dashboard": Extra(query=Q3, setup="complete"),
    "consolidated_xlsx": Extra(query=ST),
    "trend": Extra(query=ST),
    "drilldown": Extra(query=ST),
    "records": Extra(query=Q3),
    "record_list": Extra(query=Q3),
    "record_create": Extra(query=Q3),
    "record_create@post": Extra(query=Q3, data={"content": "Nhiệm vụ mới"}),
    "record_edit": Extra(kwargs=TASK, query=Q3),
    "record_edit@post": Extra(kwargs=TASK, query=Q3, data={"content": "Nhiệm vụ sửa"}),
    "record_history": Extra(kwargs=TASK),
    "record_delete": Extra(kwargs=TASK, query=Q3),
    "record_delete@post": Extra(kwargs=TASK, query=Q3),
    "remind": Extra(data={"unit": "ST"}),
    "opendata_dataset": Extra(kwargs={"slug": "khong-co"}),
    "opendata_csv": Extra(kwargs={"slug": "khong-co"}),
    "opendata_json": Extra(kwargs={"slug": "khong-co"}),
    "opendata_manage": Extra(query=ST),
    "opendata_publish": Extra(data={"unit": "ST"}),
    "opendata_ranking": Extra(kwargs=YEAR, query=ST),
    "opendata_ranking_publish": Extra(kwargs=YEAR, data={"unit": "ST"}),
    "opendata_withdraw": Extra(
        kwargs={"publication_id": W("publication")},
        data={"reason": "Sai số liệu"},
        setup="published",
    ),
    "ranking": Extra(kwargs=YEAR, query=ST),
    "scoring_dashboard": Extra(kwargs=YEAR, query=ST),
    "ranking_xlsx": Extra(kwargs=YEAR, query=ST),
    "ranking_docx": Extra(kwargs=YEAR, query=ST),
    "import_entered": Extra(kwargs=YEAR, query=ST),
    "import_entered@post": Extra(kwargs=YEAR, data={"unit": "ST"}),
    "unit_score": Extra(kwargs=YEAR),
    "assessment": Extra(kwargs=YEAR),
    "assessment@post": Extra(kwargs=YEAR, data={"action": "start"}),
    "assessment_file": Extra(kwargs={"evidence_id": W("assessment_file")}),
    "enter_figure": Extra(kwargs=YEAR, data={"criterion": "3.1"}),
    "score_behind": Extra(
        kwargs={**YEAR, "scheme_code": "chi-so-ho-so", "code": "1.1", "part": "numerator"}
    ),
    "unit-detail": Extra(kwargs={"code": "ST-STTTT"}),
    "period-detail": Extra(kwargs={"code": "Q3-2022"}),
    "template-detail": Extra(kwargs={"pk": W("template_pk")}),
    "report-list@post": Extra(data={"unit": "ST-STTTT", "period": "Q4-2022"}, json=True),
    "report-evidence@post": Extra(
        data={"key": "plan_completion_rate", "doc_type": "Kế hoạch", "number_symbol": "02/KH"},
        json=True,
    ),
    "report-narrative-section": Extra(data={"text": "Đã triển khai."}, headers=ANY),
    "report-value@put": Extra(data={"value": "46"}, headers=ANY),
    "report-value@patch": Extra(data={"value": "46"}, headers=ANY),
    "report-workflow@submit": Extra(kwargs={"verb": "submit"}, setup="complete"),
    "report-workflow@approve": Extra(kwargs={"verb": "approve"}, setup="submitted"),
    "report-workflow@return": Extra(
        kwargs={"verb": "return"}, data={"reason": "Thiếu số liệu"}, json=True, setup="submitted"
    ),
    "report-workflow@reopen": Extra(
        kwargs={"verb": "reopen"}, data={"reason": "Sửa số liệu"}, json=True, setup="approved"
    ),
    "token-list@post": Extra(data={"read_only": True}, json=True),
    "token-detail": Extra(kwargs={"pk": W("reporter_token_pk")}),
    "token-detail@delete": Extra(kwargs={"pk": W("reporter_token_pk")}),
    "overview-detail": Extra(kwargs={"period": "Q3-2022"}),
    "consolidation-detail": Extra(kwargs={"period": "Q3-2022"}, query=ST),
    "ranking-detail": Extra(kwargs={"period": "Y-2026"}, query=ST),
    "opendata-detail": Extra(kwargs={"dataset": "khong-co"}),
    "register-rows": Extra(query=Q3),
    "register-rows@post": Extra(
        data={"rows": [{"content": "Nhiệm vụ mới", "deadline": "30/09/2022"}]}, json=True
    ),
    "dossier-list@post": Extra(
        data={"dossiers": [{"code": "H002", "procedure_code": "P1"}]}, json=True
    ),
    "dossier-stats": Extra(query=Q3),
    "assessment-detail": Extra(kwargs={"period": "Y-2026"}),
    "assessment-detail@post": Extra(kwargs={"period": "Y-2026"}),
    "assessment-step": Extra(
        kwargs={"period": "Y-2026", "verb": "self-score"},
        data={"code": "1.1", "points": "5"},
        json=True,
        headers=ANY,
    ),
    "notice-read": Extra(kwargs={"pk": W("notice_id")}),
}


@dataclass(frozen=True)
class Row:
    label: str
    method: str
    cells: dict[str, str]

    @property
    def name(self) -> str:
        return self.label.split("@")[0]

    @property
    def extra(self) -> Extra:
        return EXTRAS.get(self.label, Extra())


def parse(table: str) -> list[Row]:
    rows = []
    for line in table.strip().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, method, *cells = line.split()
        assert len(cells) == len(ROLES), line
        rows.append(Row(label, method.lower(), dict(zip(ROLES, cells, strict=True))))
    return rows


ROWS = parse(MATRIX)


def patterns(resolvers=None, namespace: str = "") -> list[tuple[str, URLPattern]]:
    """Every named URL pattern of the project (namespaced names with their prefix), the
    DRF format-suffix copies left out (the same view, the same rule)."""
    found = []
    for entry in get_resolver().url_patterns if resolvers is None else resolvers:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += patterns(entry.url_patterns, space)
        elif "format" not in _params(entry):
            found.append((f"{namespace}{entry.name or ''}", entry))
    return found


def _params(entry: URLPattern) -> list[str]:
    pattern = entry.pattern
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    return list(getattr(pattern, "regex", re.compile("")).groupindex)


PARAMS: dict[str, list[str]] = {}
API_NAMES: set[str] = set()
for _name, _entry in patterns():
    PARAMS.setdefault(_name, _params(_entry))
    if _entry.callback.__module__.startswith(("cchc.api", "rest_framework", "drf_spectacular")):
        API_NAMES.add(_name)


def url_of(row: Row, world: World) -> str:
    kwargs = {}
    for param in PARAMS[row.name]:
        value = row.extra.kwargs.get(param, world.kwargs.get(param, ""))
        kwargs[param] = str(world.kwargs[value.key] if isinstance(value, W) else value)
    url = reverse(row.name, kwargs=kwargs)
    return f"{url}?{row.extra.query}" if row.extra.query else url


def outcome(response) -> str:
    if response.status_code == 302:
        return "L" if response["Location"].startswith("/login/") else "R"
    return str(response.status_code)


def prepare(setup: str, world: World) -> None:
    report = world.kwargs["report"]
    if setup in ("complete", "submitted", "approved", "published"):
        for key, raw in COMPLETE_VALUES.items():
            services.save_value(world.users["reporter"], report, key, raw)
    if setup in ("submitted", "approved", "published"):
        services.submit_report(world.users["reporter"], report)
    if setup in ("approved", "published"):
        services.approve_report(world.users["approver"], report)
    if setup == "published":
        consolidator = world.users["consolidator"]
        root = consolidator.roles.get().unit
        details = Details("Số liệu CCHC", "Tổng hợp", "Sở Nội vụ", "Sở Nội vụ", "snv@st.gov.vn")
        published = publish(consolidator, root, "Q3-2022", None, "approved", details)
        world.kwargs["publication"] = published.pk


def request(row: Row, role: str, world: World, client=None) -> str:
    client = client or world.client(role)
    extra = row.extra
    send = getattr(client, row.method)
    body: dict[str, Any] = {}
    if extra.data is not None:
        body["data"] = extra.data
        if extra.json or row.method in ("put", "patch"):
            body["content_type"] = "application/json"
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in extra.headers.items()}
    return outcome(send(url_of(row, world), **body, **headers))


WRITES = {"post", "put", "patch", "delete"}
REFUSED = {"L", "401", "403", "404", "405"}
WRITE_SQL = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def writes_of(queries: CaptureQueriesContext) -> list[str]:
    """The statements that changed data, but the session's and the sign-in log's."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if WRITE_SQL.match(q["sql"]) and not any(t in q["sql"] for t in UNTRACKED)
    ]


def run_row(row: Row, world: World, roles=ROLES) -> tuple[dict[str, str], dict[str, list]]:
    """Each role's outcome, each in a savepoint rolled back after it (no role sees what
    another's request did); and, for a write refused, any statement it wrote."""
    got, wrote = {}, {}
    for role in roles:
        with transaction.atomic():
            prepare(row.extra.setup, world)
            client = world.client(role)  # signing in writes the session and last_login: before
            with CaptureQueriesContext(connection) as queries:
                got[role] = request(row, role, world, client)
            # Signing out ends on the sign-in page too, having done its work (and audited it).
            refused = row.cells.get(role) in REFUSED and row.name != "logout"
            if row.method in WRITES and refused and writes_of(queries):
                wrote[role] = writes_of(queries)
            transaction.set_rollback(True)
    return got, wrote


@pytest.mark.parametrize("row", ROWS, ids=[row.label for row in ROWS])
def test_matrix(row: Row, world: World) -> None:
    got, wrote = run_row(row, world)
    assert got == row.cells, "\n" + " ".join(f"{got[r]:>4}" for r in ROLES)
    assert wrote == {}, "a refused write changed the database"


API_WRITES = [row for row in ROWS if row.name in API_NAMES and row.method in WRITES]


@pytest.mark.parametrize("row", API_WRITES, ids=[row.label for row in API_WRITES])
def test_a_read_only_token_writes_nothing(row: Row, world: World) -> None:
    """The reporter's own read-only token: every write is a 403, and nothing is stored."""
    with transaction.atomic():
        prepare(row.extra.setup, world)
        before = fingerprint()
        with CaptureQueriesContext(connection) as queries:
            assert request(row, "readonly", world) == "403"
        assert writes_of(queries) == []
        assert fingerprint() == before
        transaction.set_rollback(True)


def test_every_url_has_a_row() -> None:
    named = {name for name, _ in patterns() if not name.startswith("admin:")}
    assert "" not in named, "every URL pattern outside the admin needs a name"
    covered = {row.name for row in ROWS}
    assert named - covered == set(), "URLs with no row in MATRIX"
    assert covered - named == set(), "rows of MATRIX for URLs that do not exist"


def test_admin_is_for_staff_only(world: World) -> None:
    """The admin's URLs come from its registry: every registered model's list and add pages
    send everybody but staff to the admin's sign-in, and open for the superuser."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    for role in ROLES:
        client = world.client(role)
        for url in urls:
            response = client.get(url)
            if role == "superuser":
                assert response.status_code == 200, url
            else:
                assert response.status_code == 302, (role, url)
                assert response["Location"].startswith("/admin/login/"), (role, url)


# Without signing in: the sign-in and password reset pages, the open data (its pages, files
# and API) and the API's calendar. Everything else sends a page to the sign-in and answers
# the API with 401.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "opendata_index",
    "opendata_catalogue",
    "opendata_dataset",
    "opendata_csv",
    "opendata_json",
    "opendata-list",
    "opendata-detail",
    "calendar-detail",
}


def test_anonymous_users_reach_only_sign_in_and_open_data(world: World) -> None:
    for name in sorted(PARAMS):
        if name.startswith("admin:"):
            continue
        for row in (r for r in ROWS if r.name == name):
            with transaction.atomic():
                prepare(row.extra.setup, world)
                got = request(row, "anon", world)
                transaction.set_rollback(True)
            if name in PUBLIC:
                assert got not in ("L", "401", "403"), name
            elif name == "logout":
                assert got == "L"  # signing out: back to the sign-in page
            elif name in API_NAMES:
                assert got == "401", name
            else:
                assert got == "L", name
    assert request(Row("opendata_index", "get", {}), "anon", world) == "200"
    assert request(Row("calendar-detail", "get", {}), "anon", world) == "200"


def test_anonymous_users_get_static_files(client) -> None:
    for path in ("/static/cchc/app.css", "/static/cchc/report.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"".join(response.streaming_content), path


def test_lists_hold_only_what_the_caller_may_see(world: World) -> None:
    """The API's lists answer 200 to every signed-in caller: their content is the rule."""
    report = world.kwargs["report"]
    for role, sees in (("reporter", True), ("other_reporter", False), ("other_token", False),
                       ("other_consolidator", False), ("consolidator", True)):  # fmt: skip
        client = world.client(role)
        reports = client.get("/api/v1/reports/").json()["results"]
        assert (report.pk in [r["id"] for r in reports]) == sees, role
        units = [u["code"] for u in client.get("/api/v1/units/?page_size=100").json()["results"]]
        assert ("ST-STTTT" in units) == sees, role
        dossiers = client.get("/api/v1/units/ST-STTTT/dossiers/")
        assert dossiers.status_code == (200 if sees else 404), role
    other = world.client("other_consolidator").get("/overview/Q3-2022/").content.decode()
    assert "Sở Thông tin và Truyền thông" not in other and "Sở Nội vụ Cần Thơ" in other


def discover(world: World) -> None:  # pragma: no cover - a helper to write new rows
    for row in ROWS:
        got, _ = run_row(row, world)
        print(f"{row.label:<28}{row.method.upper():<6}" + " ".join(f"{got[r]:>4}" for r in ROLES))
