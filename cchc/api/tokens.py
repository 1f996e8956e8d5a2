"""Creating, revoking and checking API tokens; every creation and revocation is audited."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cchc.api.models import ApiToken
from cchc.audit.services import log_action
from cchc.org import access

KEY_PREFIX = "cchc_"
# last_used_at is written at most this often, so reads don't each write a row.
LAST_USED_STEP = datetime.timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def may_manage(actor: User, owner: User) -> bool:
    """A user manages their own tokens; an administrator manages anyone's."""
    return actor.is_authenticated and (actor.pk == owner.pk or access.is_admin(actor))


def create_token(
    actor: User | None, owner: User, *, read_only: bool, name: str = ""
) -> tuple[ApiToken, str]:
    """A new token for `owner` and its key, which is not stored and cannot be shown again.
    `actor` None is the command line (an operator at the server)."""
    if actor is not None and not may_manage(actor, owner):
        raise PermissionDenied("Bạn chỉ tạo được mã truy cập cho chính mình.")
    if not owner.is_active:
        raise PermissionDenied(f"Tài khoản {owner.username} đã bị khóa.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=owner,
        name=name.strip()[:100],
        prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=_hash(key),
        read_only=read_only,
        created_by=actor,
    )
    scope = "chỉ đọc" if read_only else "đọc và ghi"
    log_action(
        actor,
        "api.token.create",
        f"Tạo mã truy cập API {token.prefix}… ({scope}) cho {owner.username}",
        obj=token,
        data={"owner": owner.username, "read_only": read_only, "name": token.name},
    )
    return token, key


def revoke_token(actor: User | None, token: ApiToken) -> ApiToken:
    if actor is not None and not may_manage(actor, token.user):
        raise PermissionDenied("Bạn chỉ thu hồi được mã truy cập của chính mình.")
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_action(
        actor,
        "api.token.revoke",
        f"Thu hồi mã truy cập API {token.prefix}… của {token.user.username}",
        obj=token,
        data={"owner": token.user.username},
    )
    return token


def token_for_key(key: str) -> ApiToken | None:
    """The active token of an active user with this key; None otherwise."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_STEP:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
