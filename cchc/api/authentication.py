"""`Authorization: Bearer cchc_…` (or `Token cchc_…`) for programs; the browser's session
for people, with CSRF as on the pages."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from cchc.api.tokens import token_for_key

SCHEMES = {"bearer", "token"}


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in SCHEMES:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Tiêu đề Authorization phải có dạng 'Bearer <mã truy cập>'."
            )
        token = token_for_key(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(
                "Mã truy cập không đúng, đã bị thu hồi hoặc tài khoản đã bị khóa."
            )
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="cchc"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document describes the token: an HTTP bearer scheme."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Mã truy cập cchc_… (cchc token create USERNAME)",
        }
