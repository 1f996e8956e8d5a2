"""The demo's 2026 provincial CCHC index of Cần Thơ: one department finalised, one waiting
for the council, one still self-scoring, through the workflow's own steps; and the QĐ 766
index of Sóc Trăng's Q3-2022 from the demo's dossiers."""

from decimal import Decimal

import pytest
from django.test import Client

from cchc.audit.models import AuditEntry
from cchc.demo.loader import load_demo
from cchc.org.models import Unit
from cchc.periods.windows import parse_period
from cchc.scoring.engine import ranking, score_units, scored_units
from cchc.scoring.models import Assessment, Scheme, Stage

pytestmark = pytest.mark.django_db


def test_the_demo_index_is_in_every_stage_and_the_pages_show_it(django_user_model):
    load_demo()
    stages = dict(Assessment.objects.values_list("unit__code", "stage"))
    assert stages == {"CT-SKHCN": Stage.FINAL, "CT-STP": Stage.SUBMITTED, "CT-SNV": Stage.DRAFT}
    scheme = Scheme.objects.get(code="chi-so-cchc-so")
    window = parse_period("Y-2026")
    units = scored_units(scheme, Unit.objects.get(code="CT"), window, "department")
    ranked = ranking(score_units(scheme, units, window))
    final = next(r.score for r in ranked if r.score.unit.code == "CT-SKHCN")
    assert final.total == Assessment.objects.get(unit__code="CT-SKHCN").final_total
    # The council took points off one criterion, the unit replied, the council kept them.
    assert final.appraisal_difference < 0
    assert [r.score.unit.code for r in ranked if r.position][:3] == [
        "CT-SKHCN",
        "CT-STP",
        "CT-SNV",
    ]
    assert AuditEntry.objects.filter(action="assessment.final").count() == 1
    client = Client()
    client.force_login(django_user_model.objects.get(username="snv_ct"))
    html = client.get("/scoring/chi-so-cchc-so/Y-2026/", {"unit": "CT"}).content.decode()
    assert "Đã chốt điểm" in html and "Đã gửi, chờ thẩm định" in html
    client.force_login(django_user_model.objects.get(username="ct_thamdinh"))
    page = client.get("/units/CT-STP/assessments/chi-so-cchc-so/Y-2026/").content.decode()
    assert 'id="confirm-rest"' in page and 'value="appraise"' in page
    # QĐ 766 from the demo's dossiers: Sở Tư pháp ranks first among Sóc Trăng's sở.
    qd766 = Scheme.objects.get(code="qd766")
    q3 = parse_period("Q3-2022")
    st = scored_units(qd766, Unit.objects.get(code="ST"), q3, "department")
    best = ranking(score_units(qd766, st, q3))[0].score
    assert best.unit.code == "ST-STP" and best.total > Decimal(0)
