"""Downloads and charts of a report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from cchc.documents.charts import CHARTS, draw
from cchc.documents.pdf import PdfUnavailable
from cchc.documents.registry import exporters
from cchc.reports.sheet import ReportSheet
from cchc.reports.views import visible_report


@login_required
@require_GET
def download(request: HttpRequest, report_id: int, fmt: str) -> HttpResponse:
    report = visible_report(request, report_id)
    exporter = exporters().get(fmt)
    if exporter is None:
        raise Http404("Không có định dạng này")
    try:
        rendered = exporter(report).render()
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("report", report_id=report.pk)
    return rendered.download()


@login_required
@require_GET
def chart(request: HttpRequest, report_id: int, key: str) -> HttpResponse:
    report = visible_report(request, report_id)
    if key not in CHARTS:
        raise Http404("Không có biểu đồ này")
    png = draw(key, ReportSheet(report).numbers)
    if png is None:
        raise Http404("Báo cáo chưa có số liệu cho biểu đồ này")
    return HttpResponse(png, content_type="image/png")
