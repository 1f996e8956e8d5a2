"""Scoring pages by role: the ranking (consolidators), a unit's score (whoever may see the
unit), the dossiers behind a numerator or denominator, and the entry and import of figures
from outside cchc (the province's consolidator only, audited, all rows or none)."""

import re

import pytest
from django.urls import reverse

from cchc.audit.models import AuditEntry
from cchc.registers.models import Channel, Verdict
from cchc.scoring.loader import load_builtin_schemes
from cchc.scoring.models import EnteredFigure
from tests.scoring_fixtures import dossier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def schemes(db):
    load_builtin_schemes()


@pytest.fixture
def dossiers(province):
    unit = province["ST-STTTT"]
    dossier(unit, "HS-1", "2026-07-02", "2026-07-15", "2026-07-10", Verdict.EARLY)
    dossier(unit, "HS-2", "2026-07-03", "2026-07-20", "2026-08-01", Verdict.LATE)
    dossier(unit, "HS-3", "2026-09-20", "2026-10-05", channel=Channel.ONLINE)
    return unit


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


@pytest.mark.parametrize(
    ("who", "ranking", "own", "other"),
    [
        ("reporter", 403, 200, 404),
        ("approver", 403, 200, 404),
        ("other_reporter", 403, 404, 200),
        ("consolidator", 200, 200, 200),
    ],
)
def test_pages_by_role(client, request, dossiers, who, ranking, own, other):
    user = request.getfixturevalue(who)
    assert get(client, user, "ranking", "qd766", "Q3-2026").status_code == ranking
    assert get(client, user, "scoring").status_code == ranking
    assert get(client, user, "unit_score", "ST-STTTT", "qd766", "Q3-2026").status_code == own
    assert get(client, user, "unit_score", "ST-STP", "qd766", "Q3-2026").status_code == other
    behind = ("ST-STTTT", "qd766", "Q3-2026", "2.1", "numerator")
    assert get(client, user, "score_behind", *behind).status_code == own


def test_anonymous_visitors_log_in_first(client, province):
    for url in (
        reverse("scoring"),
        reverse("ranking", args=["qd766", "Q3-2026"]),
        reverse("unit_score", args=["ST-STTTT", "qd766", "Q3-2026"]),
        reverse("import_entered", args=["qd766", "Q3-2026"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_period_the_scheme_does_not_score_and_an_unknown_scheme(client, consolidator):
    assert get(client, consolidator, "ranking", "qd766", "H1-2026").status_code == 404
    assert get(client, consolidator, "ranking", "none", "Q3-2026").status_code == 404


def test_the_unit_page_shows_each_criterion_and_opens_the_dossiers(client, reporter, dossiers):
    html = get(client, reporter, "unit_score", "ST-STTTT", "qd766", "Q3-2026").content.decode()
    row = re.search(r'<tr data-code="2.1".*?</tr>', html, re.S).group(0)
    # HS-1 on track, HS-2 late, HS-3 within time: 2 of 3.
    assert re.search(r'data-key="numerator"><a href="[^"]+">2</a>', row)
    assert re.search(r'data-key="denominator"><a href="[^"]+">3</a>', row)
    assert 'data-key="ratio">66,67<' in row
    assert "<b>13,33</b>" in row
    behind = get(
        client, reporter, "score_behind", "ST-STTTT", "qd766", "Q3-2026", "2.1", "numerator"
    )
    codes = re.findall(r'<tr data-code="([^"]+)"', behind.content.decode())
    assert codes == ["HS-1", "HS-3"]
    denominator = get(
        client, reporter, "score_behind", "ST-STTTT", "qd766", "Q3-2026", "2.1", "denominator"
    )
    assert re.findall(r'<tr data-code="([^"]+)"', denominator.content.decode()) == [
        "HS-1",
        "HS-2",
        "HS-3",
    ]
    # An entered criterion has no rows in cchc to open.
    assert (
        get(
            client, reporter, "score_behind", "ST-STTTT", "qd766", "Q3-2026", "1.1", "numerator"
        ).status_code
        == 404
    )


def test_the_ranking_lists_the_units_of_each_kind(client, consolidator, dossiers):
    html = get(client, consolidator, "ranking", "qd766", "Q3-2026").content.decode()
    departments = re.search(r'id="ranking-department".*?</table>', html, re.S).group(0)
    units = re.findall(r'<tr data-unit="([^"]+)">', departments)
    assert units[0] == "ST-STTTT" and set(units) == {"ST-STTTT", "ST-SNV", "ST-STP"}
    assert 'id="ranking-district"' in html and 'id="ranking-commune"' in html
    # QĐ 766 has no self-assessment: no stage columns, no link to one.
    assert "Tự chấm, thẩm định" not in html


def test_the_consolidator_enters_a_portal_figure_audited(client, consolidator, reporter, dossiers):
    url = reverse("enter_figure", args=["ST-STTTT", "qd766", "Q3-2026"])
    figure = {"criterion": "1.1", "ratio": "90", "source": "Cổng DVCQG, ngày 05/10/2026"}
    client.force_login(reporter)
    assert client.post(url, figure).status_code == 403
    assert not EnteredFigure.objects.exists()
    client.force_login(consolidator)
    client.post(url, figure)
    entered = EnteredFigure.objects.get()
    assert (entered.ratio, entered.source) == (90, "Cổng DVCQG, ngày 05/10/2026")
    entry = AuditEntry.objects.get(action="score.enter")
    assert "1.1" in entry.summary and entry.unit_id == dossiers.pk
    html = get(client, consolidator, "unit_score", "ST-STTTT", "qd766", "Q3-2026").content.decode()
    row = re.search(r'<tr data-code="1.1".*?</tr>', html, re.S).group(0)
    assert "<b>5,4</b>" in row and "Cổng DVCQG, ngày 05/10/2026" in row
    # A ratio beyond 100 % is refused with the criterion named; nothing changes.
    response = client.post(url, {**figure, "ratio": "120"}, follow=True)
    assert "Tiêu chí 1.1: tỷ lệ không quá 100%" in response.content.decode()
    assert EnteredFigure.objects.get().ratio == 90


CSV = (
    "Mã đơn vị,Mã tiêu chí,Tử số,Mẫu số,Tỷ lệ (%),Nguồn\n"
    "ST-STTTT,1.1,,,95,Cổng DVCQG\n"
    "ST-STP,1.4,45,50,,Cổng DVCQG\n"
)


def test_an_import_of_portal_figures_is_all_or_nothing(client, consolidator, dossiers):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("import_entered", args=["qd766", "Q3-2026"])
    client.force_login(consolidator)
    bad = CSV + "ST-XX,1.1,,,90,Cổng\nST-SNV,2.1,,,90,Cổng\nST-SNV,1.2,5,4,,Cổng\n"
    response = client.post(
        url, {"unit": "ST", "file": SimpleUploadedFile("766.csv", bad.encode())}, follow=True
    )
    html = response.content.decode()
    assert "Dòng 4, cột «Mã đơn vị»: không có đơn vị mã &#x27;ST-XX&#x27;" in html
    assert "Dòng 5, cột «Mã tiêu chí»: &#x27;2.1&#x27; không phải là tiêu chí nhập" in html
    assert "Dòng 6, cột «Tỷ lệ (%)»: tử số lớn hơn mẫu số" in html
    assert not EnteredFigure.objects.exists()
    response = client.post(
        url, {"unit": "ST", "file": SimpleUploadedFile("766.csv", CSV.encode())}, follow=True
    )
    assert "Đã nhập 2 mới, cập nhật 0." in response.content.decode()
    assert EnteredFigure.objects.count() == 2
    assert AuditEntry.objects.filter(action="score.enter").count() == 2


def test_the_dashboard_shows_the_rankings_figures(client, consolidator, reporter, dossiers):
    from cchc.periods.windows import parse_period
    from cchc.scoring.engine import score_units, scored_units
    from cchc.scoring.models import Scheme

    assert get(client, reporter, "scoring_dashboard", "qd766", "Q3-2026").status_code == 403
    html = get(client, consolidator, "scoring_dashboard", "qd766", "Q3-2026").content.decode()
    scheme = Scheme.objects.get(code="qd766")
    window = parse_period("Q3-2026")
    units = scored_units(scheme, dossiers.parent, window, "department")
    scored = [s for s in score_units(scheme, units, window) if s.has_figures]
    row = re.search(r'<tr data-kind="department">.*?</tr>', html, re.S).group(0)
    from cchc.catalog.values import format_number

    average = sum(s.total for s in scored) / len(scored)
    assert f'data-key="average">{format_number(average, 2)}<' in row
    band = scored[0].band
    assert re.search(rf'data-band="{band}">1<', row)
    # The trend table lists the quarters up to this one, "—" where a unit has no figure.
    trend = re.search(r'id="trend-department".*?</table>', html, re.S).group(0)
    assert "Q4-2024" in trend and "Q3-2026" in trend and "—" in trend


def test_an_appraiser_sees_the_units_scores_but_not_the_consolidators_pages(
    client, appraiser, dossiers
):
    assert get(client, appraiser, "unit_score", "ST-STTTT", "qd766", "Q3-2026").status_code == 200
    assert get(client, appraiser, "ranking", "qd766", "Q3-2026").status_code == 403
    assert get(client, appraiser, "scoring_dashboard", "qd766", "Q3-2026").status_code == 403


PAGES = [
    ("scoring", ()),
    ("ranking", ("chi-so-thu", "Y-2026")),
    ("scoring_dashboard", ("chi-so-thu", "Y-2026")),
    ("import_entered", ("chi-so-thu", "Y-2026")),
    ("unit_score", ("ST-STTTT", "chi-so-thu", "Y-2026")),
    ("score_behind", ("ST-STTTT", "qd766", "Q3-2026", "2.1", "denominator")),
    ("assessment", ("ST-STTTT", "chi-so-thu", "Y-2026")),
    ("assessment", ("ST-STP", "chi-so-thu", "Y-2026")),
]
# role -> expected status of each page above, in order
MATRIX = {
    "reporter": [403, 403, 403, 403, 200, 200, 200, 404],
    "approver": [403, 403, 403, 403, 200, 200, 200, 404],
    "appraiser": [403, 403, 403, 403, 200, 200, 200, 200],
    "consolidator": [200, 200, 200, 200, 200, 200, 200, 200],
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_every_scoring_page_by_role(client, request, index_scheme, dossiers, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    got = [client.get(reverse(name, args=args)).status_code for name, args in PAGES]
    assert got == MATRIX[role]


def test_every_scoring_page_sends_anonymous_visitors_to_log_in(client, index_scheme, dossiers):
    for name, args in PAGES:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/login/" in response["Location"], name


def test_the_schemes_page_offers_the_period_under_way_first(client, consolidator, time_machine):
    time_machine.move_to("2026-12-03 09:00 +07:00")
    html = get(client, consolidator, "scoring").content.decode()
    yearly = re.search(r'<tr data-scheme="chi-so-cchc-so">.*?</tr>', html, re.S).group(0)
    assert re.findall(r">(Y-\d{4})</a>", yearly) == ["Y-2026", "Y-2025", "Y-2024", "Y-2023"]
    monthly = re.search(r'<tr data-scheme="qd766">.*?</tr>', html, re.S).group(0)
    assert re.findall(r">(M\d+-\d{4})</a>", monthly)[:2] == ["M12-2026", "M11-2026"]
