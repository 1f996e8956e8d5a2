"""Every error of the API has one JSON shape:

    {"error": {"status": 422, "code": "invalid", "message": "…", "fields": {"value": ["…"]}}}

with Vietnamese messages; the services' own refusals (PermissionDenied, WorkflowError,
InvalidValue, a stale write) are mapped here, so views simply call the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cchc.catalog.values import InvalidValue
from cchc.reports.services import StaleValue, WorkflowError

GENERIC = {
    status.HTTP_400_BAD_REQUEST: "Yêu cầu không hợp lệ.",
    status.HTTP_401_UNAUTHORIZED: "Cần đăng nhập hoặc mã truy cập API.",
    status.HTTP_403_FORBIDDEN: "Bạn không có quyền thực hiện thao tác này.",
    status.HTTP_404_NOT_FOUND: "Không tìm thấy.",
    status.HTTP_405_METHOD_NOT_ALLOWED: "Phương thức không được hỗ trợ.",
    status.HTTP_412_PRECONDITION_FAILED: "Dữ liệu đã thay đổi kể từ khi bạn đọc.",
}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"
    default_detail = GENERIC[status.HTTP_412_PRECONDITION_FAILED]


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = (
        "Cần tiêu đề If-Match với ETag đã đọc (GET trước khi sửa), để không ghi đè thay đổi "
        "của người khác."
    )


def error_body(status_code: int, code: str, message: str, fields=None, **extra) -> dict:
    body: dict = {"status": status_code, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return {"error": body}


def _first_message(detail) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        return _first_message(next(iter(detail.values())))
    return str(detail)


def handle(exc, context):
    if isinstance(exc, StaleValue):
        return Response(
            error_body(
                412,
                "stale",
                str(exc),
                current={"value": exc.current, "note": exc.value.note},
                etag=f'"{exc.version}"',
            ),
            status=412,
            headers={"ETag": f'"{exc.version}"'},
        )
    if isinstance(exc, InvalidValue):
        return Response(error_body(422, "invalid", str(exc)), status=422)
    if isinstance(exc, WorkflowError):
        return Response(error_body(409, "refused", str(exc)), status=409)
    if isinstance(exc, PermissionDenied) and str(exc):
        return Response(error_body(403, "permission_denied", str(exc)), status=403)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if isinstance(detail, dict) and "detail" not in detail:
        message = GENERIC.get(response.status_code, "Yêu cầu không hợp lệ.")
        body = error_body(response.status_code, "invalid", message, fields=detail)
    else:
        text = _first_message(detail)
        if isinstance(code, dict):
            code = code.get("detail", "error")
        if isinstance(code, list):
            code = code[0] if code else "error"
        body = error_body(response.status_code, str(code), text)
    response.data = body
    return response
