"""Vietnamese error pages for 400/403/404/500 and a refused CSRF check, with the reason the
code gave where it is written for users, never Django's English or a traceback; and the demo
runs with debug pages off."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import Client, override_settings
from django.urls import path

from cchc import urls as site_urls
from cchc.web.errors import safe_reason

ROOT = Path(__file__).resolve().parent.parent


def raise_bad_request(request):
    raise SuspiciousOperation("Invalid HTTP_HOST header")


def raise_vietnamese_404(request):
    raise Http404("Không tìm thấy báo cáo")


def raise_english_403(request):
    raise PermissionDenied("You do not have permission")


def raise_error(request):
    raise RuntimeError("secret traceback detail")


# The site's URLs with a few that fail on purpose; the handlers are the site's.
urlpatterns = [
    path("test/bad/", raise_bad_request),
    path("test/404/", raise_vietnamese_404),
    path("test/403-en/", raise_english_403),
    path("test/500/", raise_error),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

ENGLISH = re.compile(r"Traceback|Page not found|Forbidden|Server Error|Bad Request|DEBUG", re.I)


def page(response) -> str:
    text = response.content.decode()
    assert '<html lang="vi">' in text
    assert "cchc/app.css" in text  # the site's look
    assert not ENGLISH.search(text), text
    return text


pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@override_settings(DEBUG=False)
def test_404_says_why_in_vietnamese(client, reporter):
    response = client.get("/test/404/")
    assert response.status_code == 404
    text = page(response)
    assert "Không tìm thấy trang (lỗi 404)" in text
    assert '<p class="error" id="reason">Không tìm thấy báo cáo</p>' in text
    # An address no URL matches: the resolver's list of patterns is never shown.
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert 'id="reason"' not in page(response)


@override_settings(DEBUG=False)
def test_403_shows_the_permission_message_of_the_code(client, reporter):
    client.force_login(reporter)
    response = client.get("/overview/Q3-2022/")
    assert response.status_code == 403
    text = page(response)
    assert "Không có quyền truy cập (lỗi 403)" in text
    assert "Chỉ người tổng hợp mới xem được trang này." in text
    # An English message from a library is not a reason for users.
    response = client.get("/test/403-en/")
    assert response.status_code == 403
    assert 'id="reason"' not in page(response)


@override_settings(DEBUG=False)
def test_400_page(client):
    response = client.get("/test/bad/")
    assert response.status_code == 400
    text = page(response)
    assert "Yêu cầu không hợp lệ (lỗi 400)" in text
    assert "HTTP_HOST" not in text


@override_settings(DEBUG=False)
def test_500_page_needs_neither_the_request_nor_a_traceback():
    client = Client(raise_request_exception=False)
    response = client.get("/test/500/")
    assert response.status_code == 500
    text = page(response)
    assert "Hệ thống gặp lỗi (lỗi 500)" in text
    assert "secret traceback detail" not in text and "RuntimeError" not in text


def test_500_page_renders_without_the_database(django_assert_num_queries):
    from cchc.web.errors import server_error

    with django_assert_num_queries(0):
        response = server_error(None)
    assert response.status_code == 500 and "lỗi 500" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_refused_csrf_check_is_explained_in_vietnamese(reporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    response = client.post("/units/ST-STTTT/periods/Q4-2022/")
    assert response.status_code == 403
    text = page(response)
    assert "Không gửi được biểu mẫu (lỗi 403)" in text
    assert "CSRF" not in text


def test_only_vietnamese_messages_are_shown_as_reasons():
    assert safe_reason(Http404("Không tìm thấy đơn vị")) == "Không tìm thấy đơn vị"
    assert safe_reason(Http404("No Report matches the given query.")) == ""
    assert safe_reason(Http404({"path": "x", "tried": []})) == ""
    assert safe_reason(PermissionDenied()) == ""
    assert safe_reason(None) == ""
    assert safe_reason(Http404("Không " + "x" * 400)) == ""


def demo_env() -> dict[str, str]:
    """The variables the Makefile's demo target sets before runserver."""
    dry = subprocess.run(
        ["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in dry.splitlines() if "runserver" in line)
    words = shlex.split(line.replace('"${CCHC_SECRET_KEY:-$(', '"x').replace(')}"', '"'))
    return dict(word.split("=", 1) for word in words if re.match(r"^[A-Z_]+=", word))


def test_the_demo_runs_with_debug_pages_off(tmp_path):
    env = demo_env()
    assert env["CCHC_DEBUG"] == "0" and "CCHC_SECRET_KEY" in env
    child = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CCHC_")},
        **env,
        "CCHC_SECRET_KEY": "demo-test-key",
        "CCHC_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cchc.settings",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_FAILURE_VIEW, s.WHITENOISE_USE_FINDERS)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=child, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "False", "cchc.web.errors.csrf_failure", "True"]
