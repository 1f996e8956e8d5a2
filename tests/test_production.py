"""The production run: `check --deploy` passes with the README's settings, gunicorn serves
pages and static files with DEBUG off, every response carries a request id that the JSON
log lines and the 500 page name, and the security headers and cookie flags are set."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "CCHC_DEBUG": "0",
    "CCHC_SECRET_KEY": "k2N9vQx7LmP4sT8wZ1bY6cR3dF5gH0jK-aE2iU7oW9qV4nM8xS1zB6tC3yD5fG",
    "CCHC_ALLOWED_HOSTS": "cchc.soctrang.gov.vn",
    "CCHC_HTTPS": "1",
}


def _cchc(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CCHC_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "cchc.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        **kwargs,
    )


def test_check_deploy_passes_with_the_documented_settings(tmp_path):
    env = {**PRODUCTION, "CCHC_DATA_DIR": str(tmp_path)}
    passed = _cchc("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert passed.returncode == 0, passed.stderr
    without_https = _cchc(
        "check", "--deploy", "--fail-level", "WARNING", env={**env, "CCHC_HTTPS": "0"}
    )
    assert without_https.returncode != 0
    assert "security.W004" in without_https.stderr and "security.W008" in without_https.stderr


def test_debug_off_needs_a_secret_key(tmp_path):
    refused = _cchc("check", env={"CCHC_DEBUG": "0", "CCHC_DATA_DIR": str(tmp_path)})
    assert refused.returncode != 0 and "CCHC_SECRET_KEY must be set" in refused.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_pages_and_static_files_with_json_logs(tmp_path):
    env = {
        **PRODUCTION,
        "CCHC_HTTPS": "0",
        "CCHC_SECURE_COOKIES": "0",
        "CCHC_ALLOWED_HOSTS": "127.0.0.1",
        "CCHC_DATA_DIR": str(tmp_path),
    }
    migrated = _cchc("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    port = _free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CCHC_", "DJANGO_"))}
    log = tmp_path / "server.log"
    with log.open("w") as stream:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "cchc.wsgi",
                "-c",
                "cchc/gunicorn.conf.py",
            ],
            env={**clean, **env, "CCHC_BIND": f"127.0.0.1:{port}", "CCHC_WORKERS": "1"},
            cwd=ROOT,
            stderr=stream,
            stdout=stream,
        )
        try:
            page = None
            for _ in range(100):
                try:
                    page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5)
                    break
                except OSError:
                    time.sleep(0.3)
            assert page is not None, log.read_text()
            assert page.status == 200 and "Đăng nhập" in page.read().decode()
            assert page.headers["Server"] == "gunicorn"
            request_id = page.headers["X-Request-ID"]
            css = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/cchc/app.css")
            assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")
        finally:
            server.terminate()
            server.wait(timeout=30)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    login = next(line for line in lines if line.get("path") == "/login/")
    assert login["request_id"] == request_id and login["status"] == 200
    assert login["logger"] == "cchc.request" and login["level"] == "INFO"


@pytest.mark.django_db
def test_every_response_has_a_request_id_that_its_log_lines_carry(client, caplog):
    caplog.set_level(logging.INFO, logger="cchc.request")
    given = client.get("/login/", HTTP_X_REQUEST_ID="ab12cd34-from-proxy")
    assert given["X-Request-ID"] == "ab12cd34-from-proxy"
    made = client.get("/login/", HTTP_X_REQUEST_ID="<script>")
    assert made["X-Request-ID"] != "<script>" and len(made["X-Request-ID"]) == 32
    records = [r for r in caplog.records if r.name == "cchc.request"]
    assert [r.request_id for r in records] == ["ab12cd34-from-proxy", made["X-Request-ID"]]
    assert records[0].status == 200 and records[0].path == "/login/"


@pytest.mark.django_db
def test_the_500_page_names_the_request_id(settings):
    from tests.test_error_pages import urlpatterns  # noqa: F401  (the failing view's URLconf)

    settings.ROOT_URLCONF = "tests.test_error_pages"
    client = Client(raise_request_exception=False)
    response = client.get("/test/500/", HTTP_X_REQUEST_ID="loi-500-abcdef")
    assert response.status_code == 500
    assert '<code class="request-id">loi-500-abcdef</code>' in response.content.decode()


@pytest.mark.django_db
def test_security_headers_and_cookie_flags(client, settings):
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.SESSION_COOKIE_AGE == 8 * 3600


@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_SSL_REDIRECT=True)
@pytest.mark.django_db
def test_https_redirects_and_sends_hsts(client):
    assert client.get("/login/").status_code == 301
    secure = client.get("/login/", secure=True)
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")


def test_passwords_are_hashed_with_argon2(settings):
    from django.contrib.auth.hashers import check_password, make_password

    import cchc.settings as configured

    # The tests swap in a fast hasher (conftest); the configured one is Argon2id.
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    hashed = make_password("một mật khẩu dài")
    assert hashed.startswith("argon2$argon2id$") and check_password("một mật khẩu dài", hashed)
