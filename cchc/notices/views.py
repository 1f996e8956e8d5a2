"""A person's notices, and the consolidator's page of a period's notices and reminders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cchc.notices import services
from cchc.notices.models import Notice
from cchc.notices.reminders import pending_units, reporters
from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.models import working_calendar
from cchc.periods.shortcuts import period_or_404

PAGE_SIZE = 100


def _page(request: HttpRequest, notices):
    return Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def my_notices(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.filter(recipient_id=request.user.pk).for_list()
    return render(request, "notices/mine.html", {"page": _page(request, notices)})


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("my_notices")


@login_required
@require_POST
def mark_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=notice_id, recipient_id=request.user.pk)
    services.mark_read(request.user, [notice])
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(request.user)
    messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    return _back(request)


def _require_consolidator(request: HttpRequest) -> None:
    if not access.can_consolidate(request.user):
        raise PermissionDenied("Chỉ người tổng hợp hoặc quản trị mới xem được trang này.")


@login_required
def period_notices(request: HttpRequest, period_code: str) -> HttpResponse:
    _require_consolidator(request)
    period = period_or_404(period_code)
    units = Unit.objects.consolidated_by(request.user)
    pending = pending_units(period, units, working_calendar())
    people = reporters([p.unit for p in pending])
    notices = Notice.objects.filter(period__code=period.code, unit__in=units).for_list()
    return render(
        request,
        "notices/period.html",
        {
            "period": period,
            "pending": [(p, people[p.unit.pk]) for p in pending],
            "page": _page(request, notices),
        },
    )


@login_required
@require_POST
def remind(request: HttpRequest, period_code: str) -> HttpResponse:
    _require_consolidator(request)
    period = period_or_404(period_code)
    run = services.remind_now(request.user, period)
    failed = sum(1 for n in run.notices if n.delivery == "failed")
    if run.notices:
        messages.success(
            request,
            f"Đã gửi nhắc nhở cho {len(run.notices)} người của {len(run.units)} đơn vị chưa gửi "
            "báo cáo." + (f" {failed} thư gửi lỗi, xem chi tiết bên dưới." if failed else ""),
        )
    elif run.already:
        messages.info(request, "Các đơn vị chưa gửi báo cáo đã được nhắc hôm nay; không gửi lại.")
    elif not run.nobody:
        messages.info(request, "Không có đơn vị nào cần nhắc: các đơn vị đều đã gửi báo cáo.")
    if run.nobody:
        messages.warning(
            request,
            "Chưa có người báo cáo để nhắc ở: "
            + ", ".join(p.unit.name for p in run.nobody)
            + ". Hãy phân quyền người báo cáo cho các đơn vị này.",
        )
    return redirect("period_notices", period_code=period.code)
