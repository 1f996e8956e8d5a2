"""Every error of the API has one JSON shape:

    {"error": {"status": 422, "code": "invalid", "message": "…", "fields": {"value": ["…"]}}}

with Vietnamese messages; the services' own refusals (PermissionDenied, WorkflowError,
InvalidValue, AssessmentError, a stale write) are mapped here, so views simply call the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cchc.catalog.values import InvalidValue
from cchc.reports.services import StaleText, StaleValue, WorkflowError
from cchc.scoring.assessments import AssessmentError


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = (
        "Cần tiêu đề If-Match với ETag đã đọc (GET trước khi sửa), để không ghi đè thay đổi "
        "của người khác."
    )


class Unavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "unavailable"
    default_detail = "Chức năng này tạm thời không dùng được trên máy chủ."


def etag(version: str) -> str:
    return f'"{version}"'


def if_match(request) -> str:
    """The version an update was made on, from If-Match ('*': any); 428 without one."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    if header == "*":
        return ""
    return header.removeprefix("W/").strip('"')


def error_body(status_code: int, code: str, message: str, fields=None, **extra) -> dict:
    body: dict = {"status": status_code, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return {"error": body}


# Django REST Framework's own messages, where its Vietnamese translation has none, by code.
BY_CODE = {
    "not_authenticated": "Cần đăng nhập hoặc gửi mã truy cập API (Authorization: Bearer …).",
    "authentication_failed": "Xác thực không thành công.",
    "permission_denied": "Bạn không có quyền thực hiện thao tác này.",
    "not_found": "Không tìm thấy.",
    "parse_error": "Nội dung gửi lên không đọc được (cần JSON hợp lệ).",
    "unsupported_media_type": "Kiểu nội dung không được hỗ trợ; hãy gửi application/json.",
    "not_acceptable": "Không trả lời được theo kiểu nội dung yêu cầu (tiêu đề Accept).",
}
FIELD_CODES = {
    "required": "Trường này là bắt buộc.",
    "null": "Trường này không được để trống (null).",
    "blank": "Trường này không được để trống.",
    "invalid": "Giá trị không hợp lệ.",
    "max_length": "Giá trị quá dài.",
    "min_length": "Giá trị quá ngắn.",
    "invalid_choice": "Giá trị không nằm trong các lựa chọn cho phép.",
    "not_a_list": "Cần một danh sách.",
    "incorrect_type": "Sai kiểu dữ liệu.",
}


def _vietnamese(exc: exceptions.APIException, request) -> str:
    code = exc.get_codes()
    detail = exc.detail
    if isinstance(exc, exceptions.MethodNotAllowed):
        return f"Phương thức {request.method} không dùng được ở địa chỉ này."
    if isinstance(exc, exceptions.ParseError):
        return f"{BY_CODE['parse_error']} Chi tiết: {detail}"
    if isinstance(exc, exceptions.Throttled):
        wait = f" sau {int(exc.wait)} giây" if exc.wait else " sau"
        return f"Quá nhiều yêu cầu; xin thử lại{wait}."
    if isinstance(code, str) and str(detail) == str(type(exc).default_detail):
        return BY_CODE.get(code, str(detail))
    return _first_message(detail)


def _field_messages(detail, codes):
    """{'period': ['Trường này là bắt buộc.']}: DRF's field errors with Vietnamese wording for
    its generic codes; the services' and serializers' own messages are kept."""
    if isinstance(detail, dict):
        return {key: _field_messages(value, codes.get(key, {})) for key, value in detail.items()}
    if isinstance(detail, list):
        codes = codes if isinstance(codes, list) else [codes] * len(detail)
        return [_field_messages(item, code) for item, code in zip(detail, codes, strict=False)]
    if isinstance(codes, str) and codes in FIELD_CODES and not _is_ours(str(detail)):
        return FIELD_CODES[codes]
    return str(detail)


def _is_ours(message: str) -> bool:
    """A message written in Vietnamese (has a Vietnamese letter) is kept as it is."""
    return any(ord(char) > 127 for char in message)


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
    if isinstance(exc, StaleText):
        return Response(
            error_body(
                412, "stale", str(exc), current={"text": exc.current}, etag=f'"{exc.version}"'
            ),
            status=412,
            headers={"ETag": f'"{exc.version}"'},
        )
    if isinstance(exc, WorkflowError | AssessmentError):
        return Response(error_body(409, "refused", str(exc)), status=409)
    if isinstance(exc, PermissionDenied) and str(exc):
        return Response(error_body(403, "permission_denied", str(exc)), status=403)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    request = context.get("request")
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        fields = _field_messages(exc.detail, exc.get_codes())
        message = "Dữ liệu gửi lên chưa đúng: " + ", ".join(fields) + "."
        body = error_body(response.status_code, "invalid", message, fields=fields)
    else:
        code = exc.get_codes()
        if isinstance(code, list):
            code = code[0] if code else "error"
        if not isinstance(code, str):
            code = "invalid" if response.status_code == 400 else "error"
        body = error_body(response.status_code, code, _vietnamese(exc, request))
    response.data = body
    return response
