"""Vietnamese error pages (handler400/403/404/500 and the CSRF failure view).

The reason shown is the message the code raised (PermissionDenied("Chỉ người tổng hợp…"),
Http404("Không tìm thấy báo cáo")…) when it is a sentence written for users: Django's own
messages (English, or the resolver's dict of tried patterns) are never shown, nor is a
traceback. The 500 page renders without the request and without the database, so it works
when either is what failed."""

from __future__ import annotations

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from cchc.base.requestlog import current_request_id

MAX_REASON = 300


def safe_reason(exception: BaseException | None) -> str:
    """The exception's message when it is one the code wrote for users (Vietnamese: it has
    letters outside ASCII), else ''. Django's internal messages are ASCII English."""
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    if not isinstance(message, str):  # the URL resolver passes {"path": …, "tried": …}
        return ""
    message = message.strip()
    if not message or message.isascii() or len(message) > MAX_REASON:
        return ""
    return message


def _render(name: str, request: HttpRequest | None, reason: str = "", **extra: str) -> str:
    return loader.get_template(name).render({"reason": reason, **extra}, request)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: BaseException) -> HttpResponse:
    return HttpResponseBadRequest(_render("400.html", request, safe_reason(exception)))


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: BaseException) -> HttpResponse:
    return HttpResponseForbidden(_render("403.html", request, safe_reason(exception)))


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: BaseException) -> HttpResponse:
    return HttpResponseNotFound(_render("404.html", request, safe_reason(exception)))


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context (its processors read the session and the user from the database).
    # The request id the log lines of this request carry, for the user to quote.
    request_id = getattr(request, "request_id", "") or current_request_id.get()
    return HttpResponseServerError(_render("500.html", None, request_id=request_id))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's reason ("CSRF cookie not set.") is English and technical;
    the page explains in Vietnamese what the user can do."""
    return HttpResponseForbidden(_render("csrf_failure.html", None))
