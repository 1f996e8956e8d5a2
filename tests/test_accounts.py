"""Signing in: failed attempts lock an account or an address for a while (django-axes),
with a Vietnamese page; a forgotten password is reset through a one-time e-mailed link; a
signed-in user changes theirs."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def lockout(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def _sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_an_account_is_locked_after_repeated_failures(lockout, reporter):
    client = Client()
    for _ in range(2):
        assert _sign_in(client, "reporter", "sai-mat-khau").status_code == 200
    third = _sign_in(client, "reporter", "sai-mat-khau")
    assert third.status_code == 429
    assert "Đã đăng nhập sai 3 lần" in third.content.decode()
    refused = _sign_in(client, "reporter", PASSWORD)  # even the right password now
    assert refused.status_code == 429
    # From another address too: the account itself is locked.
    assert _sign_in(Client(), "reporter", PASSWORD, "10.0.0.2").status_code == 429


def test_an_address_is_locked_after_failures_on_many_accounts(lockout, reporter, approver):
    client = Client()
    for name in ("khong-co-1", "khong-co-2", "khong-co-3"):
        _sign_in(client, name, "x", "10.9.9.9")
    assert _sign_in(Client(), "approver", PASSWORD, "10.9.9.9").status_code == 429
    assert _sign_in(Client(), "approver", PASSWORD, "10.0.0.7").status_code == 302


def test_a_success_clears_the_count(lockout, reporter):
    client = Client()
    for _ in range(2):
        _sign_in(client, "reporter", "sai")
    assert _sign_in(client, "reporter", PASSWORD).status_code == 302
    for _ in range(2):
        _sign_in(Client(), "reporter", "sai")
    assert _sign_in(Client(), "reporter", PASSWORD).status_code == 302


def test_a_forgotten_password_is_reset_through_an_emailed_link(client, reporter):
    reporter.email = "bctuyen@soctrang.gov.vn"
    reporter.save()
    page = client.get("/login/").content.decode()
    assert 'href="/mat-khau/quen/"' in page
    sent = client.post("/mat-khau/quen/", {"email": "bctuyen@soctrang.gov.vn"}, follow=True)
    assert "Hãy kiểm tra hộp thư" in sent.content.decode()
    # An unknown address gets the same answer and no mail (no probing for accounts).
    client.post("/mat-khau/quen/", {"email": "ai-do@example.com"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Đặt lại mật khẩu hệ thống báo cáo CCHC"
    assert message.to == ["bctuyen@soctrang.gov.vn"]
    link = re.search(r"http://testserver(/mat-khau/dat-lai/\S+/)", message.body)[1]
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Đặt mật khẩu mới" in form.content.decode()
    weak = client.post(
        form.redirect_chain[-1][0], {"new_password1": "12345", "new_password2": "12345"}
    )
    assert "id_new_password1" in weak.content.decode()  # refused, form shown again
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Cai-cach-2026!", "new_password2": "Cai-cach-2026!"},
        follow=True,
    )
    assert "Đã đặt mật khẩu mới" in done.content.decode()
    assert Client().login(username="reporter", password="Cai-cach-2026!")
    used_again = client.get(link, follow=True)
    assert "không còn dùng được" in used_again.content.decode()


def test_a_signed_in_user_changes_their_password(client, reporter):
    client.force_login(reporter)
    wrong = client.post(
        "/mat-khau/doi/",
        {
            "old_password": "sai",
            "new_password1": "Cai-cach-2026!",
            "new_password2": "Cai-cach-2026!",
        },
    )
    assert wrong.status_code == 200 and "id_old_password" in wrong.content.decode()
    changed = client.post(
        "/mat-khau/doi/",
        {
            "old_password": PASSWORD,
            "new_password1": "Cai-cach-2026!",
            "new_password2": "Cai-cach-2026!",
        },
        follow=True,
    )
    assert "Đã đổi mật khẩu" in changed.content.decode()
    assert Client().login(username="reporter", password="Cai-cach-2026!")
    assert Client().get("/mat-khau/doi/").status_code == 302  # anonymous: to the login page
