"""Open data: the consolidator publishes a period's consolidated figures; anyone reads them,
downloads CSV and JSON and harvests data.json. Unpublished and withdrawn data never shows;
republishing replaces and keeps the history; what was published stays as it was."""

# ruff: noqa: F811 (the consolidation tests' fixtures, imported by name)

from __future__ import annotations

import csv
import datetime
import io
import os
import re
from dataclasses import replace
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date

from cchc.audit.models import AuditEntry
from cchc.consolidation.engine import SUBMITTED, consolidate, places
from cchc.opendata import exports, services
from cchc.opendata.models import Publication
from cchc.opendata.services import Details, PublishError
from cchc.org.models import Role
from cchc.reports import services as reports
from cchc.reports.models import Report
from tests.conftest import _user
from tests.test_get_never_writes import assert_get_writes_nothing

pytestmark = pytest.mark.django_db

# Playwright's sync API runs an event loop in this thread (see tests/test_browser.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SLUG = "st-q3-2022-so-nganh"
PUBLIC = [
    f"/du-lieu-mo/{SLUG}/",
    f"/du-lieu-mo/{SLUG}.csv",
    f"/du-lieu-mo/{SLUG}.json",
]
DETAILS = Details(
    title="Số liệu cải cách hành chính quý III năm 2022 của tỉnh Sóc Trăng",
    description="Số liệu tổng hợp từ báo cáo CCHC quý III năm 2022 của các sở, ngành, địa phương.",
    publisher="Sở Nội vụ tỉnh Sóc Trăng",
    contact_name="Phòng Cải cách hành chính, Sở Nội vụ",
    contact_email="cchc@snv.soctrang.gov.vn",
)


@pytest.fixture
def admin_user(django_user_model, province):
    return _user(django_user_model, "quantri", Role.ADMIN, province["ST"])


@pytest.fixture
def district_consolidator(django_user_model, province):
    return _user(django_user_model, "tonghop-huyen", Role.CONSOLIDATOR, province["ST-HCT"])


def publish(user, root, include="approved", details=DETAILS, period="Q3-2022") -> Publication:
    return services.publish(user, root, period, "so-nganh", include, details)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    assert not content.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def visible_slugs(client) -> tuple[list[str], list[str]]:
    """The datasets the public list and data.json name."""
    page = client.get("/du-lieu-mo/").content.decode()
    listed = re.findall(r'data-dataset="([^"]+)"', page)
    catalogue = client.get("/du-lieu-mo/data.json").json()
    harvested = [d["identifier"].rstrip("/").rsplit("/", 1)[-1] for d in catalogue["dataset"]]
    return listed, harvested


# --- what the public sees ---------------------------------------------------------------


def test_anonymous_sees_the_published_page_in_vietnamese_format(
    client,
    consolidator,
    province,
    quarter,
):
    publish(consolidator, province["ST"])
    listing = client.get("/du-lieu-mo/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert DETAILS.title in html and f'data-dataset="{SLUG}"' in html
    # Sở TT&TT approved, of the three departments that must report with so-nganh (the
    # district reports with huyen).
    assert "1/3" in html

    page = client.get(f"/du-lieu-mo/{SLUG}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "từ ngày 15/06/2022 đến ngày 14/09/2022" in html
    row = html.split('data-key="plan_completion_rate"')[1].split("</tr>")[0]
    assert ">86,96<" in row and ">1/1<" in row
    row = html.split('data-key="legal_docs_reviewed"')[1].split("</tr>")[0]
    assert ">—<" in row and ">0/1<" in row  # nobody gave a figure: no value, not 0
    assert "creativecommons.org/licenses/by/4.0/" in html
    assert "Giấy phép Dữ liệu mở Creative Commons Ghi công 4.0 (CC BY 4.0)" in html
    # Aggregates only: no unit's name, no person, no unit's own report.
    for private in ("Sở Thông tin và Truyền thông", "st_reporter", "st_approver", "/reports/"):
        assert private not in html


def test_csv_is_utf8_with_iso_dates_dot_decimals_and_the_consolidated_values(
    client,
    consolidator,
    province,
    quarter,
):
    publish(consolidator, province["ST"], include=SUBMITTED)
    result = consolidate(province["ST"], "Q3-2022", "so-nganh", include=SUBMITTED)
    response = client.get(f"/du-lieu-mo/{SLUG}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}.csv"'
    rows = csv_rows(response.content)
    assert list(rows[0]) == [name for name, _ in exports.COLUMNS]
    published = {row["indicator_key"]: row for row in rows}
    assert set(published) == set(result.values)  # every consolidated indicator, nothing else
    for row in rows:
        assert (row["dataset"], row["period_code"]) == (SLUG, "Q3-2022")
        assert (row["period_start"], row["period_end"]) == ("2022-06-15", "2022-09-14")
        assert datetime.date.fromisoformat(row["period_end"]) == datetime.date(2022, 9, 14)
        value = result.values[row["indicator_key"]]
        if value is None:
            assert row["value"] == ""
        else:
            assert "," not in row["value"]
            indicator = result.indicator(row["indicator_key"])
            assert Decimal(row["value"]) == value.quantize(Decimal(1).scaleb(-places(indicator)))
        assert int(row["units_contributing"]) == result.contributors(row["indicator_key"])
    assert published["plan_tasks_total"]["value"] == "78"
    assert published["plan_completion_rate"]["value"] == "85.9"
    assert published["survey_satisfaction_rate"]["value"] == "67.5"
    assert published["plan_completion_rate"]["label"] == (
        "Tỷ lệ hoàn thành Kế hoạch CCHC năm (Lũy kế đến thời điểm báo cáo)"
    )
    assert published["plan_completion_rate"]["unit"] == "%"
    assert published["communication_plan_rate"]["units_contributing"] == "1"
    # How each figure was made; a yes/no row counts the units answering yes.
    assert (
        published["plan_completion_rate"]["method"] == "Tính lại theo công thức từ số liệu tổng hợp"
    )
    assert (
        published["survey_satisfaction_rate"]["method"] == "Bình quân gia quyền theo «survey_forms»"
    )
    assert published["communication_meetings"]["value"] == "1"
    assert published["communication_meetings"]["unit"] == "Số đơn vị trả lời «Có»"
    assert published["discipline_compliance"]["unit"] == "Số đơn vị trả lời «Tốt»"
    # A row "- Số TTHC …" keeps its parent and is not read as a formula by a spreadsheet.
    unit_row = published["procedures_in_force_unit"]
    assert unit_row["label"] == "'- Số TTHC áp dụng tại cơ quan, đơn vị:"
    assert unit_row["parent"] == "Tổng số TTHC đang có hiệu lực"


def test_json_has_the_same_rows_with_typed_numbers(
    client,
    consolidator,
    province,
    quarter,
):
    publish(consolidator, province["ST"], include=SUBMITTED)
    response = client.get(f"/du-lieu-mo/{SLUG}.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = response.json()
    by_key = {row["indicator_key"]: row for row in document["rows"]}
    assert by_key["plan_tasks_total"]["value"] == 78
    assert isinstance(by_key["plan_tasks_total"]["value"], int)
    assert by_key["plan_completion_rate"]["value"] == 85.9
    assert by_key["legal_docs_reviewed"]["value"] is None
    assert by_key["procedures_in_force_unit"]["label"] == "- Số TTHC áp dụng tại cơ quan, đơn vị:"
    assert by_key["plan_tasks_total"]["units_contributing"] == 2
    csv_keys = [r["indicator_key"] for r in csv_rows(client.get(f"/du-lieu-mo/{SLUG}.csv").content)]
    assert [row["indicator_key"] for row in document["rows"]] == csv_keys
    dataset = document["dataset"]
    assert dataset["period"] == {
        "code": "Q3-2022",
        "label": "quý III năm 2022",
        "start": "2022-06-15",
        "end": "2022-09-14",
    }
    assert dataset["unitsCounted"] == 2 and dataset["unitsExpected"] == 3
    assert dataset["reportsCounted"]["code"] == "submitted"
    assert dataset["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset["identifier"] == f"http://testserver/du-lieu-mo/{SLUG}/"


def test_data_json_is_a_dcat_catalogue_whose_urls_resolve(
    client,
    consolidator,
    province,
    quarter,
):
    with time_machine.travel(datetime.datetime(2022, 9, 20, 9, 30, tzinfo=datetime.UTC)):
        publication = publish(consolidator, province["ST"])
    response = client.get("/du-lieu-mo/data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    catalogue = response.json()
    assert catalogue["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert catalogue["@type"] == "dcat:Catalog"
    [dataset] = catalogue["dataset"]
    for field in (
        "title",
        "description",
        "keyword",
        "modified",
        "publisher",
        "contactPoint",
        "identifier",
        "accessLevel",
        "license",
        "spatial",
        "temporal",
        "distribution",
    ):
        assert dataset[field], field
    assert dataset["title"] == DETAILS.title
    assert dataset["accessLevel"] == "public"
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset["publisher"] == {"@type": "org:Organization", "name": "Sở Nội vụ tỉnh Sóc Trăng"}
    assert dataset["contactPoint"]["hasEmail"] == "mailto:cchc@snv.soctrang.gov.vn"
    assert dataset["contactPoint"]["fn"] == DETAILS.contact_name
    assert dataset["spatial"] == "Tỉnh Sóc Trăng"
    assert dataset["temporal"] == "2022-06-15/2022-09-14"
    assert dataset["accrualPeriodicity"] == "R/P3M"
    assert "cải cách hành chính" in dataset["keyword"]
    # ISO 8601 in the province's time (UTC+7).
    assert dataset["modified"] == "2022-09-20T16:30:00+07:00"
    assert datetime.datetime.fromisoformat(dataset["modified"]) == publication.published_at
    assert dataset["issued"] == dataset["modified"]
    # Absolute URLs built from the request, each answering with its media type.
    urls = [dataset["identifier"], dataset["landingPage"], catalogue["@id"]]
    media = {d["mediaType"]: d["downloadURL"] for d in dataset["distribution"]}
    assert set(media) == {"text/csv", "application/json"}
    for media_type, url in media.items():
        assert url.startswith("http://testserver/du-lieu-mo/")
        answer = client.get(urlsplit(url).path)
        assert answer.status_code == 200, url
        assert answer["Content-Type"].startswith(media_type)
    for url in urls:
        assert url.startswith("http://testserver/")
        assert client.get(urlsplit(url).path).status_code == 200, url


def test_public_urls_need_no_login_and_refuse_writes(client, consolidator, province, quarter):
    publish(consolidator, province["ST"])
    for url in ["/du-lieu-mo/", "/du-lieu-mo/data.json", *PUBLIC]:
        assert client.get(url).status_code == 200, url
        assert client.head(url).status_code == 200, url  # link checkers of the portals
        assert client.post(url).status_code == 405, url
    csv_file = client.get(f"/du-lieu-mo/{SLUG}.csv")
    published = Publication.objects.get().published_at
    assert csv_file["Last-Modified"] == http_date(published.timestamp())
    assert csv_file["Access-Control-Allow-Origin"] == "*"


# --- what never shows --------------------------------------------------------------------


def test_an_unpublished_period_is_visible_nowhere(client, consolidator, province, quarter):
    for url in PUBLIC:
        assert client.get(url).status_code == 404, url
    assert "Chưa có bộ dữ liệu nào được công bố" in client.get("/du-lieu-mo/").content.decode()
    assert visible_slugs(client) == ([], [])
    # Publishing Q3-2022 does not make another period visible.
    publish(consolidator, province["ST"])
    assert visible_slugs(client) == ([SLUG], [SLUG])
    for url in PUBLIC:
        assert client.get(url.replace("q3-2022", "q2-2022")).status_code == 404


def test_a_withdrawn_publication_is_visible_nowhere_and_kept(
    client,
    consolidator,
    province,
    quarter,
):
    publication = publish(consolidator, province["ST"])
    assert visible_slugs(client) == ([SLUG], [SLUG])
    with pytest.raises(PublishError, match="lý do"):
        services.withdraw(consolidator, publication, "  ")
    services.withdraw(consolidator, publication, "Số liệu Sở Tư pháp cần rà soát lại")
    for url in PUBLIC:
        assert client.get(url).status_code == 404, url
    assert visible_slugs(client) == ([], [])
    kept = Publication.objects.get(pk=publication.pk)
    assert kept.withdrawn_by == consolidator and kept.statistics == publication.statistics
    assert kept.withdraw_reason == "Số liệu Sở Tư pháp cần rà soát lại"
    with pytest.raises(PublishError, match="đã được rút"):
        services.withdraw(consolidator, kept, "lần nữa")
    # Publishing again brings the dataset back as a new version.
    again = publish(consolidator, province["ST"])
    assert again.version == 2 and again.dataset == SLUG
    assert client.get(f"/du-lieu-mo/{SLUG}/").status_code == 200


def test_republishing_replaces_the_visible_version_and_keeps_the_history(
    client,
    consolidator,
    province,
    quarter,
    staff,
):
    with time_machine.travel(datetime.datetime(2022, 9, 20, 2, 0, tzinfo=datetime.UTC)):
        first = publish(consolidator, province["ST"])
    reports.approve_report(
        staff[Role.APPROVER], Report.objects.get(unit__code="ST-STP", period__code="Q3-2022")
    )
    with time_machine.travel(datetime.datetime(2022, 9, 23, 2, 0, tzinfo=datetime.UTC)):
        second = publish(consolidator, province["ST"])
    assert (first.version, second.version) == (1, 2) and second.dataset == first.dataset
    first.refresh_from_db()
    assert first.superseded_at == second.published_at and first.statistics[0]["key"]
    assert list(Publication.objects.public()) == [second]
    assert Publication.objects.filter(dataset=SLUG).count() == 2
    rows = {r["indicator_key"]: r for r in csv_rows(client.get(f"/du-lieu-mo/{SLUG}.csv").content)}
    assert rows["plan_tasks_total"]["value"] == "78"  # the new figures, not 46
    [dataset] = client.get("/du-lieu-mo/data.json").json()["dataset"]
    assert dataset["modified"] == "2022-09-23T09:00:00+07:00"
    assert dataset["issued"] == "2022-09-20T09:00:00+07:00"
    page = client.get(f"/du-lieu-mo/{SLUG}/").content.decode()
    assert 'id="issued">20/09/2022<' in page
    assert 'id="modified">23/09/2022 (phiên bản 2)<' in page
    assert visible_slugs(client) == ([SLUG], [SLUG])
    # Withdrawing a replaced version is refused: only the visible one can be withdrawn.
    with pytest.raises(PublishError, match="đã được thay thế"):
        services.withdraw(consolidator, first, "nhầm")


def test_a_value_changed_after_publishing_does_not_change_what_was_published(
    client,
    consolidator,
    province,
    quarter,
    staff,
):
    publish(consolidator, province["ST"])
    report = Report.objects.get(unit__code="ST-STTTT", period__code="Q3-2022")
    reports.reopen_report(staff[Role.APPROVER], report, "Sửa số nhiệm vụ")
    report.refresh_from_db()
    reports.save_value(staff[Role.REPORTER], report, "plan_tasks_total", "50")
    reports.submit_report(staff[Role.REPORTER], report)
    reports.approve_report(staff[Role.APPROVER], report)
    live = consolidate(province["ST"], "Q3-2022", "so-nganh")
    assert live.values["plan_tasks_total"] == 50  # the consolidation follows the report…
    rows = {r["indicator_key"]: r for r in csv_rows(client.get(f"/du-lieu-mo/{SLUG}.csv").content)}
    assert rows["plan_tasks_total"]["value"] == "46"  # …what was published does not
    assert rows["plan_completion_rate"]["value"] == "86.96"
    page = client.get(f"/du-lieu-mo/{SLUG}/").content.decode()
    assert ">86,96<" in page.split('data-key="plan_completion_rate"')[1].split("</tr>")[0]
    document = client.get(f"/du-lieu-mo/{SLUG}.json").json()
    assert {r["indicator_key"]: r["value"] for r in document["rows"]}["plan_tasks_total"] == 46


def test_nothing_counted_or_no_contact_is_not_published(consolidator, province, quarter):
    with pytest.raises(PublishError, match="không có số liệu để công bố"):
        publish(consolidator, province["ST"], period="Q4-2022")
    # Without details the suggestion is used: this consolidator has no e-mail to offer.
    with pytest.raises(PublishError, match="Chưa nhập thư điện tử liên hệ"):
        services.publish(consolidator, province["ST"], "Q3-2022", "so-nganh", "approved")
    with pytest.raises(PublishError, match="'cchc-at-snv' không đúng dạng"):
        publish(consolidator, province["ST"], details=replace(DETAILS, contact_email="cchc-at-snv"))
    with pytest.raises(PublishError, match="'tất cả' không hợp lệ"):
        publish(consolidator, province["ST"], include="tất cả")
    assert not Publication.objects.exists()
    consolidator.email = "tonghop@snv.soctrang.gov.vn"
    consolidator.save(update_fields=["email"])
    made = services.publish(consolidator, province["ST"], "Q3-2022", "so-nganh", "approved")
    assert made.contact_email == "tonghop@snv.soctrang.gov.vn"
    assert made.publisher == "Sở Nội vụ tỉnh Sóc Trăng" and made.spatial == "Tỉnh Sóc Trăng"


# --- spreadsheet safety -----------------------------------------------------------------


def test_csv_cells_are_never_run_as_formulas_and_numbers_stay_numbers(
    client,
    consolidator,
    province,
    quarter,
):
    publication = publish(consolidator, province["ST"])
    rows = publication.statistics
    rows[0] = {**rows[0], "label": '=HYPERLINK("http://x","bấm")', "unit": "+1", "value": "-3.5"}
    rows[1] = {**rows[1], "label": "@SUM(A1)", "parent": "-2+3", "value": "-12"}
    Publication.objects.filter(pk=publication.pk).update(statistics=rows)
    parsed = csv_rows(client.get(f"/du-lieu-mo/{SLUG}.csv").content)
    assert parsed[0]["label"] == '\'=HYPERLINK("http://x","bấm")'
    assert parsed[0]["unit"] == "'+1"
    assert parsed[0]["value"] == "-3.5"  # a negative number is written as a number
    assert parsed[1]["label"] == "'@SUM(A1)" and parsed[1]["parent"] == "'-2+3"
    assert parsed[1]["value"] == "-12"
    assert client.get(f"/du-lieu-mo/{SLUG}.json").json()["rows"][0]["value"] == -3.5
    for cell in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert exports.safe_cell(cell) == "'" + cell
    assert exports.safe_cell("Số hồ sơ") == "Số hồ sơ"


# --- the consolidator's page and actions, by role ---------------------------------------


def manage_url(period: str = "Q3-2022") -> str:
    return reverse("opendata_manage", args=[period])


def form_data(client, **overrides) -> dict[str, str]:
    """The publish form as the page offers it (hidden fields and suggestions), with changes."""
    html = client.get(manage_url()).content.decode()
    form = html.split('id="publish-form"')[1].split("</form>")[0]
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    data.pop("csrfmiddlewaretoken", None)
    data.update(
        title=DETAILS.title,
        description=DETAILS.description,
        publisher=DETAILS.publisher,
        contact_name=DETAILS.contact_name,
        contact_email=DETAILS.contact_email,
        licence="cc-by-4.0",
    )
    data.update(overrides)
    return data


def as_who(request, who: str):
    if who == "anonymous":
        return None
    if who == "admin":
        return request.getfixturevalue("admin_user")
    return request.getfixturevalue(who)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("reporter", 403),
        ("approver", 403),
        ("consolidator", 200),
        ("admin", 200),
        ("anonymous", "login"),
        ("district_consolidator", 403),
    ],
)
def test_the_manage_page_by_role(client, request, province, quarter, who, status):
    user = as_who(request, who)
    if user is not None:
        client.force_login(user)
    response = client.get(manage_url(), {"unit": "ST"})
    if status == "login":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
        return
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert 'id="publish-form"' in html and "Công bố số liệu" in html
        row = html.split('data-key="plan_completion_rate"')[1].split("</tr>")[0]
        assert ">86,96<" in row  # the preview is what would be published
        assert 'id="not-published"' in html


def test_a_district_consolidator_publishes_only_the_district(
    client,
    district_consolidator,
    province,
    quarter,
):
    client.force_login(district_consolidator)
    assert client.get(manage_url(), {"unit": "ST-HCT"}).status_code == 200
    with pytest.raises(PermissionDenied):
        publish(district_consolidator, province["ST"])
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("reporter", 403),
        ("approver", 403),
        ("consolidator", 302),
        ("admin", 302),
        ("anonymous", "login"),
        ("district_consolidator", 403),
    ],
)
def test_publishing_by_role(client, request, consolidator, province, quarter, who, status):
    # The fingerprint of the figures as the consolidator's preview showed them.
    preview = Client()
    preview.force_login(consolidator)
    data = form_data(preview)
    user = as_who(request, who)
    if user is not None:
        client.force_login(user)
    response = client.post(reverse("opendata_publish", args=["Q3-2022"]), data)
    if status == "login":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    else:
        assert response.status_code == status
    published = Publication.objects.all()
    if status == 302:
        assert response["Location"] == manage_url() + "?unit=ST&template=so-nganh&include=approved"
        [publication] = published
        assert publication.published_by == user and publication.title == DETAILS.title
        assert client.get(f"/du-lieu-mo/{SLUG}/").status_code == 200
    else:
        assert not published.exists()
        assert not AuditEntry.objects.filter(action="opendata.publish").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("reporter", 403),
        ("approver", 403),
        ("consolidator", 302),
        ("admin", 302),
        ("anonymous", "login"),
        ("district_consolidator", 403),
    ],
)
def test_withdrawing_by_role(client, request, consolidator, province, quarter, who, status):
    publication = publish(consolidator, province["ST"])
    user = as_who(request, who)
    if user is not None:
        client.force_login(user)
    url = reverse("opendata_withdraw", args=[publication.pk])
    response = client.post(url, {"reason": "Rà soát lại số liệu"})
    if status == "login":
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    else:
        assert response.status_code == status
    publication.refresh_from_db()
    assert (publication.withdrawn_at is not None) == (status == 302)
    public = Client().get(f"/du-lieu-mo/{SLUG}/").status_code
    assert public == (404 if status == 302 else 200)


def test_the_page_publishes_replaces_and_withdraws_with_messages(
    client,
    consolidator,
    province,
    quarter,
    staff,
):
    client.force_login(consolidator)
    url = reverse("opendata_publish", args=["Q3-2022"])
    # A form without an e-mail, or with a bad one, says so and publishes nothing.
    page = client.post(url, form_data(client, contact_email="khong-phai-email"))
    assert page.status_code == 200 and "không đúng dạng" in page.content.decode()
    page = client.post(url, form_data(client, contact_email=""))
    assert "Nhập thư điện tử" in page.content.decode()
    assert not Publication.objects.exists()

    response = client.post(url, form_data(client), follow=True)
    html = response.content.decode()
    assert "Đã công bố số liệu quý III năm 2022 (phiên bản 1)" in html
    assert f'href="/du-lieu-mo/{SLUG}/" id="public-link"' in html
    assert "Công bố lại (thay thế phiên bản 1)" in html

    # The figures change after the preview: publishing that preview is refused.
    stale = form_data(client)
    reports.approve_report(
        staff[Role.APPROVER], Report.objects.get(unit__code="ST-STP", period__code="Q3-2022")
    )
    page = client.post(url, stale)
    assert "Số liệu tổng hợp đã thay đổi từ khi bạn xem trước" in page.content.decode()
    assert Publication.objects.count() == 1
    response = client.post(url, form_data(client), follow=True)
    assert "(phiên bản 2)" in response.content.decode()
    history = response.content.decode().split('id="history"')[1]
    assert re.findall(r'data-version="(\d+)"', history) == ["2", "1"]
    assert "Đã được thay thế" in history and "Đang công bố" in history

    current = Publication.objects.public().get()
    withdraw = reverse("opendata_withdraw", args=[current.pk])
    response = client.post(withdraw, {"reason": ""}, follow=True)
    assert "Nhập lý do rút" in response.content.decode()
    assert Publication.objects.public().exists()
    response = client.post(withdraw, {"reason": "Chờ Sở Tư pháp rà soát"}, follow=True)
    html = response.content.decode()
    assert "Đã rút số liệu quý III năm 2022 (phiên bản 2)" in html
    assert "Chờ Sở Tư pháp rà soát" in html and 'id="not-published"' in html
    assert not Publication.objects.public().exists()


def test_opening_the_manage_page_writes_nothing(client, consolidator, province, quarter):
    client.force_login(consolidator)
    publish(consolidator, province["ST"])
    for url in (manage_url(), manage_url("Q4-2022"), manage_url("C-20240101-20240731")):
        assert assert_get_writes_nothing(client, url) == 200
    for url in ["/du-lieu-mo/", "/du-lieu-mo/data.json", *PUBLIC]:
        assert assert_get_writes_nothing(Client(), url) == 200


def test_the_preview_follows_what_is_published(client, consolidator, province, quarter):
    client.force_login(consolidator)
    assert 'id="counted-count">1<' in client.get(manage_url()).content.decode()
    publish(consolidator, province["ST"], include=SUBMITTED)
    html = client.get(manage_url()).content.decode()
    assert 'id="counted-count">2<' in html  # the published choice: submitted reports too
    assert 'value="submitted" checked' in html
    asked = client.get(manage_url(), {"include": "approved"}).content.decode()
    assert 'id="counted-count">1<' in asked


def test_the_suggested_wording_and_the_empty_period(
    client, consolidator, province, quarter, make_report
):
    consolidator.email = "tonghop@snv.soctrang.gov.vn"
    consolidator.save(update_fields=["email"])
    client.force_login(consolidator)
    html = client.get(manage_url()).content.decode()
    assert 'value="Số liệu cải cách hành chính quý III năm 2022 của tỉnh Sóc Trăng"' in html
    assert 'value="Sở Nội vụ tỉnh Sóc Trăng"' in html
    assert 'value="tonghop@snv.soctrang.gov.vn"' in html
    empty = client.get(manage_url("Q4-2022")).content.decode()
    assert 'id="nothing-to-publish"' in empty and 'id="publish-form"' not in empty
    # Once published, republishing offers the words published; another period keeps the
    # publisher, contact and licence.
    publish(consolidator, province["ST"], details=replace(DETAILS, licence="cc0-1.0"))
    html = client.get(manage_url()).content.decode()
    assert f"{DETAILS.description}</textarea>" in html
    assert f'value="{DETAILS.contact_email}"' in html
    assert '<option value="cc0-1.0" selected>' in html
    make_report("ST-STTTT", "Q2-2022", {}, "approved")
    html = client.get(manage_url("Q2-2022")).content.decode()
    assert 'value="Số liệu cải cách hành chính quý II năm 2022 của tỉnh Sóc Trăng"' in html
    assert f'value="{DETAILS.contact_name}"' in html and f'value="{DETAILS.contact_email}"' in html
    assert '<option value="cc0-1.0" selected>' in html


# --- audit and query counts -------------------------------------------------------------


def test_publishing_and_withdrawing_are_audited(consolidator, province, quarter):
    first = publish(consolidator, province["ST"])
    second = publish(consolidator, province["ST"], include=SUBMITTED)
    services.withdraw(consolidator, second, "Rà soát lại")
    entries = list(AuditEntry.objects.filter(action__startswith="opendata.").order_by("at", "pk"))
    assert [e.action for e in entries] == ["opendata.publish"] * 2 + ["opendata.withdraw"]
    assert all(e.user == consolidator and e.unit == province["ST"] for e in entries)
    assert [e.object_id for e in entries] == [str(first.pk), str(second.pk), str(second.pk)]
    assert entries[0].data["units_counted"] == 1 and entries[0].data["replaces"] is None
    assert entries[1].data["replaces"] == first.pk and entries[1].data["include"] == "submitted"
    assert entries[1].summary.startswith("Công bố lại số liệu quý III năm 2022")
    assert entries[2].data["reason"] == "Rà soát lại"
    # Newest first, on the trail of the publication, for the province's consolidator.
    trail = AuditEntry.objects.about(second).visible_to(consolidator)
    assert list(trail) == [entries[2], entries[1]]


LIST_QUERIES_MAX = 2  # measured: 1 (the publications with their period and first issue)


def test_the_public_list_and_catalogue_take_a_constant_number_of_queries(
    consolidator,
    province,
    make_report,
):
    def queries() -> tuple[int, int]:
        client = Client()
        counts = []
        for url in ("/du-lieu-mo/", "/du-lieu-mo/data.json"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts[0], counts[1]

    make_report("ST-STTTT", "Q1-2022", {}, "approved")
    publish(consolidator, province["ST"], period="Q1-2022")
    one = queries()
    for period in ("Q2-2022", "Q3-2022"):
        make_report("ST-STTTT", period, {}, "approved")
        publish(consolidator, province["ST"], period=period)
    publish(consolidator, province["ST"], period="Q2-2022")  # a second version
    assert len(Client().get("/du-lieu-mo/data.json").json()["dataset"]) == 3
    assert queries() == one
    assert max(one) <= LIST_QUERIES_MAX


def test_the_manage_page_takes_a_constant_number_of_queries(
    client, consolidator, province, quarter, staff
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(manage_url(), {"include": "approved"}).status_code == 200
        return len(captured)

    client.force_login(consolidator)
    publish(consolidator, province["ST"])
    one = queries()
    publish(consolidator, province["ST"], include=SUBMITTED)
    services.withdraw(consolidator, publish(consolidator, province["ST"]), "Rà soát")
    assert queries() == one


def test_the_admin_shows_publications_but_cannot_change_them(
    client, django_user_model, consolidator, province, quarter
):
    publication = publish(consolidator, province["ST"])
    django_user_model.objects.create_superuser("root", password="x")
    client.login(username="root", password="x")
    base = "/admin/opendata/publication/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}{publication.pk}/change/").status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{publication.pk}/change/", {"title": "Khác"}).status_code == 403
    assert client.post(f"{base}{publication.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Publication.objects.get(pk=publication.pk).title == DETAILS.title


# --- in a real browser ------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_consolidator_publishes_and_an_anonymous_visitor_downloads_the_csv(
    live_server,
    browser,
    consolidator,
    province,
    quarter,
):
    from playwright.sync_api import expect

    from tests.test_browser import login

    page = browser.new_page()
    login(page, live_server.url, consolidator.username)
    page.goto(f"{live_server.url}/opendata/manage/Q3-2022/")
    expect(page.locator('#preview-table tr[data-key="plan_completion_rate"]')).to_contain_text(
        "86,96"
    )
    page.fill("#id_contact_email", DETAILS.contact_email)
    page.click("#publish")
    expect(page.locator(".messages")).to_contain_text("Đã công bố số liệu quý III năm 2022")
    expect(page.locator("#public-link")).to_be_visible()
    page.close()

    visitor = browser.new_context(accept_downloads=True)
    anonymous = visitor.new_page()
    anonymous.goto(f"{live_server.url}/du-lieu-mo/")
    anonymous.get_by_role(
        "link", name="Số liệu cải cách hành chính quý III năm 2022 của tỉnh Sóc Trăng"
    ).click()
    expect(anonymous.locator('#statistics tr[data-key="plan_tasks_total"]')).to_contain_text("46")
    with anonymous.expect_download() as info:
        anonymous.click("#download-csv")
    download = info.value
    assert download.suggested_filename == f"{SLUG}.csv"
    with open(download.path(), "rb") as handle:
        rows = {row["indicator_key"]: row for row in csv_rows(handle.read())}
    assert rows["plan_tasks_total"]["value"] == "46"
    assert rows["plan_completion_rate"]["value"] == "86.96"
    assert rows["plan_completion_rate"]["period_start"] == "2022-06-15"
    assert rows["plan_completion_rate"]["label"].startswith("Tỷ lệ hoàn thành Kế hoạch CCHC")
    visitor.close()
