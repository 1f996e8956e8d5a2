"""Schemes in the admin: wording, evidence requirement and bands are edited there, audited;
points, thresholds and rules are not (a new version is loaded instead)."""

from decimal import Decimal

import pytest

from cchc.audit.models import AuditEntry
from cchc.scoring.loader import load_builtin_schemes
from cchc.scoring.models import Criterion, Scheme
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, django_user_model):
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    assert client.login(username="root", password=PASSWORD)
    load_builtin_schemes()


def test_a_criterions_guidance_is_edited_and_audited_its_points_are_not(client, root):
    criterion = Criterion.objects.get(scheme__code="qd766", code="2.1")
    url = f"/admin/scoring/criterion/{criterion.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": criterion.title,
            "guidance": "Tính theo hướng dẫn của Văn phòng Chính phủ năm 2026.",
            "evidence": "",
            "evidence_required": "on",
            "source": "",
            "max_points": "99",  # read-only: ignored
        },
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.guidance == "Tính theo hướng dẫn của Văn phòng Chính phủ năm 2026."
    assert criterion.evidence_required and criterion.max_points == Decimal(20)
    entry = AuditEntry.objects.get(action="criterion.edit")
    assert "guidance" in entry.summary and entry.data["changes"]["guidance"][1].startswith("Tính")


def test_schemes_are_loaded_not_added_or_deleted_in_the_admin(client, root):
    scheme = Scheme.objects.get(code="qd766")
    assert client.get("/admin/scoring/scheme/add/").status_code == 403
    assert client.get(f"/admin/scoring/scheme/{scheme.pk}/delete/").status_code == 403
    assert client.get(f"/admin/scoring/scheme/{scheme.pk}/change/").status_code == 200
    assert client.get("/admin/scoring/criterion/add/").status_code == 403
