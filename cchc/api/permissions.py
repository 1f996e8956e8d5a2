"""What a request may do before the services' own access rules decide on the object: be
signed in, and write only with a read-write token (or a session)."""

from __future__ import annotations

from rest_framework import permissions

from cchc.api.models import ApiToken


class SignedInWithScope(permissions.BasePermission):
    message = "Mã truy cập này chỉ có quyền đọc."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        token = request.auth
        if isinstance(token, ApiToken) and token.read_only:
            return request.method in permissions.SAFE_METHODS
        return True
