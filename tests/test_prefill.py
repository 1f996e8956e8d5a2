"""Template indicators filled from the registers over the period's window, and overrides
that need a reason."""

import datetime
from decimal import Decimal

import pytest
import yaml
from django.urls import reverse

from cchc.catalog.loader import TemplateFileError, load_template
from cchc.registers.catalogue import import_procedures
from cchc.registers.imports import import_dossiers
from cchc.registers.sources import register_value
from cchc.reports import services
from cchc.reports.models import Source, Value
from tests.conftest import PASSWORD
from tests.test_dossier_import import CATALOGUE, DOSSIERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(province, reporter, period, template):
    unit = province["ST-STTTT"]
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    import_dossiers(DOSSIERS.encode(), "hs.csv", unit)
    return services.start_report(reporter, unit, period, template)


def value(report, key):
    return Value.objects.get(report=report, indicator__key=key)


def test_new_report_is_prefilled_from_the_registers(filled):
    received = value(filled, "dossiers_received")
    assert received.number == 5 and received.source == Source.REGISTER
    assert value(filled, "dossiers_returned").number == 3
    assert value(filled, "online_dossiers_received").number == 3
    assert value(filled, "dossiers_on_time_rate").number == Decimal("33.33")
    assert value(filled, "procedures_in_force").number == 2
    assert value(filled, "l4_provided").number == 1


def test_override_needs_a_reason_and_is_kept_on_refill(filled, reporter):
    with pytest.raises(services.WorkflowError, match=r"lấy từ sổ theo dõi \(5\); ghi lý do"):
        services.save_value(reporter, filled, "dossiers_received", "6")
    assert value(filled, "dossiers_received").number == 5
    services.save_value(
        reporter,
        filled,
        "dossiers_received",
        "6",
        reason="01 hồ sơ giấy chưa nhập vào hệ thống một cửa",
    )
    overridden = value(filled, "dossiers_received")
    assert overridden.number == 6 and overridden.source == Source.MANUAL
    assert overridden.override_reason == "01 hồ sơ giấy chưa nhập vào hệ thống một cửa"
    assert services.prefill_from_registers(reporter, filled) == 0
    kept = value(filled, "dossiers_received")
    assert kept.number == 6 and kept.register_number == 5
    services.save_value(reporter, filled, "dossiers_received", "5")
    back = value(filled, "dossiers_received")
    assert back.source == Source.REGISTER and back.override_reason == ""


def test_entry_page_shows_register_and_overridden_values(filled, reporter, client):
    services.save_value(reporter, filled, "dossiers_received", "6", reason="hồ sơ giấy")
    client.login(username=reporter.username, password=PASSWORD)
    page = client.get(reverse("report", args=[filled.pk])).content.decode()
    assert 'id="src-dossiers_returned">Từ sổ theo dõi' in page
    assert "Đã sửa; sổ theo dõi: 5" in page
    response = client.post(
        reverse("save_value", args=[filled.pk]),
        data='{"key": "dossiers_returned", "value": "4", "reason": ""}',
        content_type="application/json",
    )
    assert response.status_code == 422 and "ghi lý do" in response.json()["error"]


def test_prefill_button(filled, reporter, client):
    Value.objects.filter(report=filled, indicator__key="dossiers_received").delete()
    client.login(username=reporter.username, password=PASSWORD)
    response = client.post(reverse("prefill", args=[filled.pk]), follow=True)
    assert "Đã lấy số liệu từ sổ theo dõi (1 chỉ tiêu thay đổi)" in response.content.decode()
    assert value(filled, "dossiers_received").number == 5


def test_unknown_source_in_a_template_is_refused(tmp_path, db):
    data = {
        "code": "x",
        "version": 1,
        "name": "X",
        "sections": [
            {
                "code": "I",
                "title": "A",
                "rows": [
                    {
                        "key": "a",
                        "stt": "1",
                        "label": "A",
                        "type": "integer",
                        "source": "dossiers.nope",
                    }
                ],
            }
        ],
    }
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TemplateFileError, match="nguồn 'dossiers.nope' không có"):
        load_template(path)


def test_no_register_kept_means_no_prefill(report):
    assert not Value.objects.filter(report=report, indicator__key="dossiers_received").exists()


def test_postal_and_online_procedure_sources(province):
    unit = province["ST-STTTT"]
    window = (datetime.date(2022, 6, 15), datetime.date(2022, 9, 14))
    assert register_value("dossiers.received_postal", unit, *window) is None  # no register
    import_procedures(CATALOGUE.encode(), "tthc.csv", unit)
    postal = DOSSIERS + "H006,1.001234,Bưu chính,01/08/2022 08:00,,0,,,,,4\n"
    import_dossiers(postal.encode(), "hs.csv", unit)
    # H003 came by post before the window: carried over, not new.
    assert register_value("dossiers.received_postal", unit, *window) == 1
    assert register_value("procedures.postal_received", unit, *window) == 1
    # New in the window for catalogue procedures offered online: H001, H002, H004 (1.004567,
    # toàn trình) and H006 (1.001234, một phần); H005's procedure is not in the catalogue.
    assert register_value("dossiers.received_for_online_procedures", unit, *window) == 4
