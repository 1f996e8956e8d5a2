"""The provincial index's assessment and the notices over the API: the whole workflow through
/api/v1/units/<unit>/assessments/…, each step by whoever may take it (the services refuse the
others with the page's Vietnamese message), If-Match on every step with 412 and the current
state on a stale one; a person's notices and a consolidator's period notices and reminders."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from cchc.api import tokens
from cchc.audit.models import AuditEntry
from cchc.notices.models import Notice
from cchc.reports import services
from cchc.scoring.models import Assessment, AssessmentItem, Stage

pytestmark = pytest.mark.django_db

URL = "/api/v1/units/ST-STTTT/assessments/chi-so-thu/Y-2026/"


def _client(user, *, read_only: bool = False) -> APIClient:
    client = APIClient()
    _, key = tokens.create_token(None, user, read_only=read_only)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def _step(client, verb: str, etag: str, **data):
    return client.post(f"{URL}{verb}/", data, format="json", HTTP_IF_MATCH=etag)


def test_the_whole_assessment_workflow_over_the_api(
    index_scheme, planned_unit, reporter, appraiser
):
    unit = _client(reporter)
    council = _client(appraiser)
    before = unit.get(URL)
    assert before.status_code == 200
    assert before.json()["started"] is False and before.json()["stage_label"] == "Chưa lập hồ sơ"
    assert council.post(URL).status_code == 403  # only the unit starts its assessment

    started = unit.post(URL)
    assert started.status_code == 201
    body = started.json()
    assert body["stage"] == Stage.DRAFT
    items = {item["code"]: item for item in body["items"]}
    assert items["1.2"]["computed"] == "15" and items["1.1"]["computed"] is None
    assert unit.post(URL).status_code == 200  # the same assessment, not a second one

    etag = started["ETag"]
    done = _step(unit, "self-score", etag, code="1.1", points="10")
    assert done.status_code == 200, done.json()
    etag = done["ETag"]
    done = _step(
        unit, "evidence", etag, code="1.1", citation="Kế hoạch số 02/KH-STTTT ngày 27/01/2026"
    )
    assert done.status_code == 200, done.json()
    evidence = {i["code"]: i for i in done.json()["items"]}["1.1"]["evidence"]
    assert [(e["number_symbol"], e["issued_on"]) for e in evidence] == [
        ("02/KH-STTTT", "2026-01-27")
    ]
    etag = _step(unit, "self-score", done["ETag"], code="2.1", points="35,5", note="12 TTHC")[
        "ETag"
    ]
    submitted = _step(unit, "submit", etag)
    assert submitted.json()["stage"] == Stage.SUBMITTED

    # The unit may not appraise itself; an adjustment without a reason is refused.
    assert _step(unit, "appraise", submitted["ETag"], code="2.1", points="30").status_code == 403
    refused = _step(council, "appraise", submitted["ETag"], code="2.1", points="30")
    assert refused.status_code == 409
    assert "phải ghi lý do" in refused.json()["error"]["message"]
    etag = _step(
        council, "appraise", submitted["ETag"], code="2.1", points="30", reason="Chưa công khai"
    )["ETag"]
    etag = _step(council, "confirm-rest", etag)["ETag"]
    appraised = _step(council, "finish", etag)
    assert appraised.json()["stage"] == Stage.APPRAISED
    replied = _step(
        unit, "reply", appraised["ETag"], replies={"2.1": "Đã công khai tại Công văn 45/STTTT"}
    )
    assert replied.json()["stage"] == Stage.REPLIED
    final = _step(
        council,
        "finalise",
        replied["ETag"],
        changes={"2.1": {"points": "33", "reason": "Chấp nhận một phần giải trình"}},
    )
    assert final.status_code == 200, final.json()
    assert final.json()["stage"] == Stage.FINAL
    assessment = Assessment.objects.get()
    assert assessment.final_total is not None
    assert final.json()["final_total"] == format(assessment.final_total.normalize(), "f")
    item = AssessmentItem.objects.get(criterion__code="2.1")
    assert (item.appraised_points, item.final_points) == (Decimal("30.00"), Decimal("33.00"))
    actions = list(
        AuditEntry.objects.filter(action__startswith="assessment.").values_list("action", flat=True)
    )
    assert actions.count("assessment.appraise") == 3 and "assessment.final" in actions

    listed = unit.get("/api/v1/units/ST-STTTT/assessments/").json()["results"]
    assert listed == [
        {
            "scheme": "chi-so-thu",
            "period": "Y-2026",
            "stage": "final",
            "stage_label": "Đã chốt điểm",
            "final_total": final.json()["final_total"],
        }
    ]


def test_every_step_needs_the_etag_and_a_stale_one_is_refused_with_the_current_state(
    index_scheme, planned_unit, reporter
):
    unit = _client(reporter)
    first = unit.post(URL)["ETag"]
    missing = unit.post(f"{URL}self-score/", {"code": "1.1", "points": "10"}, format="json")
    assert missing.status_code == 428
    assert _step(unit, "self-score", first, code="1.1", points="10").status_code == 200
    # A second client working from the first reading.
    stale = _step(unit, "self-score", first, code="1.1", points="12")
    assert stale.status_code == 412
    error = stale.json()["error"]
    assert error["code"] == "stale" and "người khác thay đổi" in error["message"]
    points = {i["code"]: i["self_points"] for i in error["current"]["items"]}
    assert points["1.1"] == "10"
    assert stale["ETag"] == unit.get(URL)["ETag"]
    assert AssessmentItem.objects.get(criterion__code="1.1").self_points == Decimal("10.00")


def test_readers_cannot_take_steps_and_outsiders_see_nothing(
    index_scheme, planned_unit, reporter, other_reporter, approver
):
    unit = _client(reporter)
    etag = unit.post(URL)["ETag"]
    read_only = _client(reporter, read_only=True)
    assert read_only.get(URL).status_code == 200
    assert _step(read_only, "self-score", etag, code="1.1", points="10").status_code == 403
    assert _client(other_reporter).get(URL).status_code == 404
    assert _step(_client(other_reporter), "submit", etag).status_code == 404
    bad = _step(unit, "self-score", etag, code="9.9", points="1")
    assert bad.status_code == 409 and "Không có tiêu chí 9.9" in bad.json()["error"]["message"]
    assert unit.get("/api/v1/units/ST-STTTT/assessments/chi-so-thu/Q3-2022/").status_code == 404
    assert not AssessmentItem.objects.exclude(self_points=None).exists()


def test_my_notices_and_marking_them_read(
    complete_report, reporter, approver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_report(reporter, complete_report)
    client = _client(approver)
    listed = client.get("/api/v1/notices/?unread=1").json()
    assert listed["count"] == 1
    (notice,) = listed["results"]
    assert notice["unit"] == "ST-STTTT" and notice["period"] == "Q3-2022"
    assert "chờ phê duyệt" in notice["subject"] and notice["read_at"] is None
    assert _client(reporter).post(f"/api/v1/notices/{notice['id']}/read/").status_code == 404
    read = client.post(f"/api/v1/notices/{notice['id']}/read/")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.get("/api/v1/notices/?unread=1").json()["count"] == 0
    assert client.post("/api/v1/notices/read-all/").json() == {"marked": 0}
    assert Notice.objects.get().read_at is not None


def test_period_notices_and_reminders_for_consolidators(
    template, report, reporter, other_reporter, consolidator
):
    client = _client(consolidator)
    before = client.get("/api/v1/periods/Q3-2022/notices/")
    assert before.status_code == 200
    pending = {row["unit"] for row in before.json()["pending"]}
    assert {"ST-STTTT", "ST-STP"} <= pending
    run = client.post("/api/v1/periods/Q3-2022/notices/remind/")
    assert run.status_code == 200
    sent = run.json()
    assert {"ST-STTTT", "ST-STP"} <= set(sent["units"])
    assert len(sent["sent"]) == Notice.objects.count() >= 2
    again = client.post("/api/v1/periods/Q3-2022/notices/remind/").json()
    assert again["sent"] == [] and set(again["already_reminded_today"]) >= {"ST-STTTT"}
    assert client.get("/api/v1/periods/Q3-2022/notices/").json()["count"] == len(sent["sent"])
    assert _client(reporter).get("/api/v1/periods/Q3-2022/notices/").status_code == 403
    assert _client(reporter).post("/api/v1/periods/Q3-2022/notices/remind/").status_code == 403
    read_only = _client(consolidator, read_only=True)
    assert read_only.post("/api/v1/periods/Q3-2022/notices/remind/").status_code == 403
