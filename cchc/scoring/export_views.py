"""Downloads of a ranking: the XLSX workbook and the announcement (DOCX), for the
consolidators who may see the ranking page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cchc.consolidation.choice import consolidation_choice
from cchc.scoring.ranking_docx import RankingDocx
from cchc.scoring.ranking_xlsx import RankingXlsx
from cchc.scoring.rankings import Rankings, rank_units
from cchc.scoring.views import scheme_or_404, scheme_period_or_404


def _rankings(request: HttpRequest, scheme_code: str, period_code: str) -> Rankings:
    choice = consolidation_choice(request, refusal="Chỉ người tổng hợp mới xem được xếp hạng.")
    scheme = scheme_or_404(scheme_code)
    period = scheme_period_or_404(scheme, period_code)
    return rank_units(scheme, period, choice.root)


@login_required
@require_GET
def ranking_xlsx(request: HttpRequest, scheme_code: str, period_code: str) -> HttpResponse:
    return RankingXlsx(_rankings(request, scheme_code, period_code)).render().download()


@login_required
@require_GET
def ranking_docx(request: HttpRequest, scheme_code: str, period_code: str) -> HttpResponse:
    rankings = _rankings(request, scheme_code, period_code)
    return RankingDocx(rankings, timezone.localdate()).render().download()
