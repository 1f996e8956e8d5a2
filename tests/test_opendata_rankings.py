"""A ranking published as open data: the consolidator previews and publishes it (audited,
refused when it changed since the preview or is still a draft); anyone lists it and
downloads its CSV and JSON (units without figures have no position and no total);
republishing replaces it; withdrawn, it is gone from every public page."""

# ruff: noqa: F811 (the ranking tests' fixtures, imported by name)

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from cchc.audit.models import AuditEntry
from cchc.opendata import services
from cchc.opendata.models import Kind, Publication
from cchc.opendata.rankings import publish_ranking
from cchc.opendata.services import Details, PublishError
from cchc.periods.models import Period
from cchc.registers.models import Verdict
from cchc.scoring.engine import newest_scheme
from cchc.scoring.models import Assessment, Stage
from tests.conftest import _user
from tests.scoring_fixtures import dossier
from tests.test_get_never_writes import assert_get_writes_nothing
from tests.test_ranking_exports import dossiers, qd766  # noqa: F401

pytestmark = pytest.mark.django_db

DETAILS = Details(
    title="Xếp hạng Chỉ số phục vụ người dân, doanh nghiệp quý III năm 2026 của tỉnh Sóc Trăng",
    description="Thứ hạng, tổng điểm và xếp loại của các cơ quan, đơn vị.",
    publisher="Sở Nội vụ tỉnh Sóc Trăng",
    contact_name="Phòng Cải cách hành chính",
    contact_email="cchc@snv.soctrang.gov.vn",
)
MANAGE = reverse("opendata_ranking", args=["qd766", "Q3-2026"])
PUBLISH = reverse("opendata_ranking_publish", args=["qd766", "Q3-2026"])


def publish(user, province, details=DETAILS, **kwargs) -> Publication:
    period = Period.objects.for_code("Q3-2026")
    return publish_ranking(user, province["ST"], newest_scheme("qd766"), period, details, **kwargs)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def test_anonymous_visitors_list_and_download_a_published_ranking(consolidator, province, dossiers):
    publication = publish(consolidator, province)
    assert publication.kind == Kind.RANKING and publication.dataset == "xep-hang-st-q3-2026-qd766"
    assert (publication.units_counted, publication.units_expected) == (1, 5)
    anonymous = Client()
    index = anonymous.get("/du-lieu-mo/").content.decode()
    assert f'data-dataset="{publication.dataset}"' in index and "Kết quả xếp hạng" in index

    page = anonymous.get(f"/du-lieu-mo/{publication.dataset}/").content.decode()
    assert "Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)" in page
    assert "từ ngày 01/07/2026 đến ngày 30/09/2026" in page
    row = re.search(r'<tr data-unit="ST-STTTT">.*?</tr>', page, re.S).group(0)
    assert 'data-key="position">1<' in row

    response = anonymous.get(f"/du-lieu-mo/{publication.dataset}.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response.content)
    assert list(rows[0]) == [
        "dataset",
        "scheme_code",
        "scheme_version",
        "period_code",
        "days_start",
        "days_end",
        "unit_code",
        "unit_name",
        "unit_kind",
        "unit_kind_label",
        "position",
        "total",
        "band",
    ]
    by_unit = {r["unit_code"]: r for r in rows}
    assert set(by_unit) == {"ST-STTTT", "ST-SNV", "ST-STP", "ST-HCT", "ST-HCT-XAH"}
    first = by_unit["ST-STTTT"]
    total = Decimal(first["total"])
    assert first["position"] == "1" and first["unit_kind"] == "department" and total > 0
    assert first["days_start"] == "2026-07-01" and first["days_end"] == "2026-09-30"
    assert first["band"] and first["unit_kind_label"] == "Sở, ban, ngành"
    # No figure: empty position, total and band, never 0.
    assert (by_unit["ST-SNV"]["position"], by_unit["ST-SNV"]["total"]) == ("", "")
    assert by_unit["ST-HCT-XAH"]["band"] == ""

    document = anonymous.get(f"/du-lieu-mo/{publication.dataset}.json").json()
    assert document["dataset"]["kind"]["code"] == "ranking"
    assert document["dataset"]["scheme"] == {
        "code": "qd766",
        "version": 1,
        "name": "Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
    }
    typed = {r["unit_code"]: r for r in document["rows"]}
    assert typed["ST-STTTT"]["position"] == 1
    assert typed["ST-STTTT"]["total"] == float(total)
    assert typed["ST-SNV"]["position"] is None and typed["ST-SNV"]["total"] is None
    catalogue = anonymous.get("/du-lieu-mo/data.json").json()
    (entry,) = catalogue["dataset"]
    assert entry["temporal"] == "2026-07-01/2026-09-30" and "xếp hạng" in entry["keyword"]


def test_a_withdrawn_ranking_is_gone_from_every_public_page(consolidator, province, dossiers):
    publication = publish(consolidator, province)
    services.withdraw(consolidator, publication, "Số liệu Cổng DVCQG chưa đầy đủ")
    anonymous = Client()
    for suffix in ("/", ".csv", ".json"):
        assert anonymous.get(f"/du-lieu-mo/{publication.dataset}{suffix}").status_code == 404
    assert publication.dataset not in anonymous.get("/du-lieu-mo/").content.decode()
    assert anonymous.get("/du-lieu-mo/data.json").json()["dataset"] == []
    kept = Publication.objects.get(pk=publication.pk)
    assert kept.withdrawn_by == consolidator and kept.statistics == publication.statistics


def test_republishing_replaces_and_keeps_what_was_published(consolidator, province, dossiers):
    first = publish(consolidator, province)
    dossier(province["ST-STP"], "HS-9", "2026-08-01", "2026-08-20", "2026-08-05", Verdict.EARLY)
    second = publish(consolidator, province)
    first.refresh_from_db()
    assert (second.version, second.dataset) == (2, first.dataset)
    assert first.superseded_at == second.published_at
    assert {r["unit"] for r in first.statistics if r["position"]} == {"ST-STTTT"}
    assert {r["unit"] for r in second.statistics if r["position"]} == {"ST-STTTT", "ST-STP"}
    rows = csv_rows(Client().get(f"/du-lieu-mo/{first.dataset}.csv").content)
    assert sum(1 for r in rows if r["position"]) == 2
    entries = AuditEntry.objects.filter(action="opendata.publish").order_by("at", "pk")
    assert [e.data["kind"] for e in entries] == ["ranking", "ranking"]
    assert entries[1].data["replaces"] == first.pk
    assert entries[1].summary.startswith("Công bố lại kết quả xếp hạng quý III năm 2026")


def test_a_draft_or_an_empty_ranking_is_not_published(
    consolidator, province, index_scheme, planned_unit, qd766
):
    period = Period.objects.for_code("Y-2026")
    with pytest.raises(PublishError, match="Còn 3 đơn vị chưa được chốt điểm"):
        publish_ranking(consolidator, province["ST"], index_scheme, period, DETAILS)
    for unit in ("ST-SNV", "ST-STTTT", "ST-STP"):
        Assessment.objects.create(
            unit=province[unit], scheme=index_scheme, period=period, stage=Stage.FINAL
        )
    assert publish_ranking(consolidator, province["ST"], index_scheme, period, DETAILS).pk
    # QĐ 766 with no dossier at all: nobody has a figure, nothing to publish.
    with pytest.raises(PublishError, match="Chưa đơn vị nào có số liệu"):
        publish(consolidator, province)
    assert Publication.objects.count() == 1


def test_only_the_province_consolidator_publishes(
    consolidator, reporter, province, dossiers, django_user_model
):
    district = _user(django_user_model, "huyen", "consolidator", province["ST-HCT"])
    for user in (reporter, district):
        with pytest.raises(PermissionDenied):
            publish(user, province)
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("reporter", 403), ("approver", 403), ("other_reporter", 403), ("consolidator", 200)],
)
def test_the_publish_page_by_role(client, request, dossiers, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(MANAGE, {"unit": "ST"}).status_code == status
    response = client.post(PUBLISH, {"unit": "ST", "fingerprint": "x"})
    assert response.status_code == (status if status == 403 else 200)
    assert not Publication.objects.exists()


def test_anonymous_visitors_log_in_to_publish(client, dossiers):
    for response in (client.get(MANAGE), client.post(PUBLISH, {"unit": "ST"})):
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Publication.objects.exists()


def _form(html: str) -> dict[str, str]:
    form = re.search(r'<form method="post" action="[^"]+" id="publish-form".*?</form>', html, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))
    return {
        **fields,
        "title": DETAILS.title,
        "description": DETAILS.description,
        "publisher": DETAILS.publisher,
        "contact_name": DETAILS.contact_name,
        "contact_email": DETAILS.contact_email,
        "licence": "cc-by-4.0",
    }


def test_the_page_previews_publishes_and_withdraws(client, consolidator, province, dossiers):
    client.force_login(consolidator)
    html = client.get(MANAGE, {"unit": "ST"}).content.decode()
    assert 'id="not-published"' in html and 'id="preview-department"' in html
    assert "Kết quả xếp hạng Chỉ số phục vụ người dân" in html  # the suggested title
    data = _form(html)
    # The ranking changes after the preview: refused, nothing published.
    dossier(province["ST-STP"], "HS-9", "2026-08-01", "2026-08-20", "2026-08-05", Verdict.EARLY)
    response = client.post(PUBLISH, data, follow=True)
    assert "Kết quả xếp hạng đã thay đổi từ khi bạn xem trước" in response.content.decode()
    assert not Publication.objects.exists()

    data = _form(client.get(MANAGE, {"unit": "ST"}).content.decode())
    response = client.post(PUBLISH, data)
    assert response.status_code == 302 and response["Location"] == f"{MANAGE}?unit=ST"
    publication = Publication.objects.get()
    assert publication.title == DETAILS.title and publication.published_by == consolidator
    html = client.get(MANAGE, {"unit": "ST"}).content.decode()
    assert 'id="public-link"' in html and "Công bố lại (thay thế phiên bản 1)" in html

    withdraw = reverse("opendata_withdraw", args=[publication.pk])
    response = client.post(withdraw, {"reason": "Rà soát lại"})
    assert response["Location"] == f"{MANAGE}?unit=ST"
    assert Client().get(f"/du-lieu-mo/{publication.dataset}.csv").status_code == 404


def test_the_statistics_page_does_not_list_rankings(
    client, consolidator, province, dossiers, template
):
    publish(consolidator, province)
    client.force_login(consolidator)
    html = client.get(reverse("opendata_manage", args=["Q3-2026"]), {"unit": "ST"}).content.decode()
    assert 'id="history"' not in html and 'id="public-link"' not in html


def test_opening_the_publish_page_writes_nothing(client, consolidator, province, dossiers):
    client.force_login(consolidator)
    assert assert_get_writes_nothing(client, f"{MANAGE}?unit=ST") == 200
    assert not Period.objects.filter(code="Q3-2026").exists()
