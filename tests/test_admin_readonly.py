"""The Django admin shows audited data but cannot change it behind the services, not even for a
superuser: add, change and delete answer 403, and a POST to a change page writes nothing."""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory

from cchc.audit.models import AuditEntry
from cchc.catalog.models import Indicator, ReportTemplate
from cchc.records.models import Post
from cchc.registers.models import ColumnMapping, Dossier, Procedure
from cchc.reports import services
from cchc.reports.models import Evidence, NarrativeText, Report, Value
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password=PASSWORD)
    assert client.login(username="root", password=PASSWORD)
    return user


@pytest.fixture
def filled(complete_report, reporter, template):
    services.add_evidence(
        reporter,
        complete_report,
        "plan_tasks_total",
        {"doc_type": "Kế hoạch", "number_symbol": "02/KH-STTTT"},
    )
    section = template.outline.get(number="1.1.1.")
    services.save_narrative(reporter, complete_report, section, "Sở đã triển khai 40/46 nhiệm vụ.")
    return complete_report


def _url(model, suffix: str) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"


@pytest.mark.parametrize("model", [Value, Evidence, NarrativeText, AuditEntry, Report])
def test_superuser_cannot_add_change_or_delete(client, root, filled, model):
    obj = model.objects.first()
    assert obj is not None
    assert client.get(_url(model, "")).status_code == 200
    assert client.get(_url(model, f"{obj.pk}/change/")).status_code == 200  # viewing is allowed
    assert client.get(_url(model, "add/")).status_code == 403
    assert client.post(_url(model, "add/"), {}).status_code == 403
    assert client.post(_url(model, f"{obj.pk}/change/"), {}).status_code == 403
    assert client.get(_url(model, f"{obj.pk}/delete/")).status_code == 403
    assert client.post(_url(model, f"{obj.pk}/delete/"), {"post": "yes"}).status_code == 403
    bulk = client.post(
        _url(model, ""), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert model.objects.filter(pk=obj.pk).exists()
    assert bulk.status_code in (200, 302)  # the action is not offered: nothing deleted


def test_value_change_page_has_no_save_and_post_changes_nothing(client, root, filled):
    filled_values = Value.objects.filter(report=filled, indicator__key="plan_tasks_done")
    value = filled_values.get()
    before = (value.number, value.text)
    entries = AuditEntry.objects.count()
    page = client.get(_url(Value, f"{value.pk}/change/")).content.decode()
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    response = client.post(
        _url(Value, f"{value.pk}/change/"),
        {"report": filled.pk, "indicator": value.indicator_id, "number": "45", "_save": "Lưu"},
    )
    assert response.status_code == 403
    value.refresh_from_db()
    assert (value.number, value.text) == before
    assert AuditEntry.objects.count() == entries


def test_approved_report_status_cannot_be_changed_in_admin(
    client, root, filled, reporter, approver
):
    services.submit_report(reporter, filled)
    services.approve_report(approver, filled)
    response = client.post(_url(Report, f"{filled.pk}/change/"), {"status": "draft"})
    assert response.status_code == 403
    assert Report.objects.get(pk=filled.pk).status == "approved"


def test_every_other_audited_admin_is_read_only(root, province, template):
    Post.objects.create(
        unit=province["ST-STTTT"],
        published_on=datetime.date(2022, 8, 5),
        channel="unit_site",
        title="Quy chế",
    )
    request = RequestFactory().get("/admin/")
    request.user = root
    for model in (ReportTemplate, Indicator, Procedure, Dossier, ColumnMapping, Post):
        model_admin = admin.site._registry[model]
        obj = model.objects.first()
        assert model_admin.has_view_permission(request, obj), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request, obj), model
        assert not model_admin.has_delete_permission(request, obj), model
    template_admin = admin.site._registry[ReportTemplate]
    for inline in template_admin.get_inline_instances(request, template):
        assert not inline.has_add_permission(request, template)
        assert not inline.has_change_permission(request, template)
        assert not inline.has_delete_permission(request, template)
