from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cchc.notices.models import Notice
from cchc.org import access
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.periods.windows import parse_period
from cchc.reports.models import Report, read_deadlines


def current_period_codes(today) -> list[str]:
    """The quarter being reported now and the one before, then the reporting year under way
    (Y-2026: 15/12/2025 – 14/12/2026), for the home page shortcuts."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    reporting_year = year + 1 if today > parse_period(f"Y-{year}").end else year
    codes = []
    for _ in range(2):
        window = parse_period(f"Q{quarter}-{year}")
        if window.start <= today:
            codes.append(window.code)
        quarter, year = (quarter - 1, year) if quarter > 1 else (4, year - 1)
    return [*codes, f"Y-{reporting_year}"]


HOME_NOTICES = 10  # the newest unread notices; the rest are on the notices page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    units = Unit.objects.filter(pk__in=access.reporting_unit_ids(user), must_report=True).order_by(
        "code"
    )
    reports = list(
        Report.objects.visible_to(user)
        .select_related("unit", "period", "template")
        .order_by("-period__end", "unit__code")[:50]
    )
    read_deadlines(reports)  # on time / late on today's calendar and extensions, read once
    periods = Period.objects.filter(reports__isnull=False).distinct().order_by("-end")[:8]
    unread = Notice.objects.filter(recipient_id=user.pk).unread()
    return render(
        request,
        "web/home.html",
        {
            "units": units,
            "reports": reports,
            "periods": periods,
            "period_codes": current_period_codes(timezone.localdate()),
            "is_consolidator": access.can_consolidate(user),
            "unread": unread.select_related("unit", "period")[:HOME_NOTICES],
            "unread_count": unread.count(),
        },
    )


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a sign-in after too many failures: the sign-in page again,
    saying why and for how long, with 429 (no hint whether the account exists)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        f"Đã đăng nhập sai {settings.AXES_FAILURE_LIMIT} lần: tài khoản này hoặc máy này tạm "
        f"thời không đăng nhập được; hãy thử lại sau {minutes} phút, hoặc dùng «Quên mật khẩu»."
    )
    return render(request, "web/login.html", {"locked": message}, status=429)
