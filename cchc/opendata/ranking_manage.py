"""The consolidator's page for publishing a ranking as open data: what is published, a
preview of what would be published now (its fingerprint sent back with the form), the
publish form and the withdraw form (cchc.opendata.manage.withdraw)."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cchc.consolidation.choice import Choice, consolidation_choice
from cchc.opendata import rankings as publishing
from cchc.opendata import services
from cchc.opendata.forms import DetailsForm, WithdrawForm
from cchc.opendata.models import Publication
from cchc.scoring.rankings import Rankings, rank_units
from cchc.scoring.views import scheme_or_404, scheme_period_or_404


def _rankings(request: HttpRequest, scheme_code: str, period_code: str) -> tuple[Choice, Rankings]:
    data = request.POST if request.method == "POST" else request.GET
    choice = consolidation_choice(request, data, "Chỉ người tổng hợp mới công bố được xếp hạng.")
    scheme = scheme_or_404(scheme_code)
    period = scheme_period_or_404(scheme, period_code)
    return choice, rank_units(scheme, period, choice.root)


def _page(
    request: HttpRequest, choice: Choice, rankings: Rankings, form: DetailsForm | None = None
) -> HttpResponse:
    snapshot = publishing.take_snapshot(rankings)
    history = list(
        Publication.objects.of_ranking(
            choice.root, rankings.period, rankings.scheme.code
        ).select_related("published_by", "withdrawn_by")
        if rankings.period.pk
        else []
    )
    current = next((p for p in history if p.is_public), None)
    if form is None:
        details = publishing.default_details(request.user, rankings)
        form = DetailsForm(initial=asdict(details))
    return render(
        request,
        "opendata/ranking_manage.html",
        {
            "rankings": rankings,
            "choice": choice,
            "snapshot": snapshot,
            "kinds": publishing.shown_kinds(snapshot.rows),
            "refusal": publishing.refusal(rankings, snapshot),
            "current": current,
            "history": history,
            "form": form,
            "withdraw_form": WithdrawForm(),
            "may_publish": services.may_publish(request.user, choice.root),
        },
    )


@login_required
@require_GET
def ranking_manage(request: HttpRequest, scheme_code: str, period_code: str) -> HttpResponse:
    choice, rankings = _rankings(request, scheme_code, period_code)
    return _page(request, choice, rankings)


@login_required
@require_POST
def ranking_publish(request: HttpRequest, scheme_code: str, period_code: str) -> HttpResponse:
    choice, rankings = _rankings(request, scheme_code, period_code)
    form = DetailsForm(request.POST)
    if form.is_valid():
        try:
            publication = publishing.publish_ranking(
                request.user,
                choice.root,
                rankings.scheme,
                rankings.period,
                form.details(),
                expected_fingerprint=form.cleaned_data["fingerprint"],
            )
        except services.PublishError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Đã công bố kết quả xếp hạng {rankings.period.label} (phiên bản "
                f"{publication.version}); người dùng không cần đăng nhập cũng xem và tải về được.",
            )
            url = reverse("opendata_ranking", args=[rankings.scheme.code, rankings.period.code])
            return redirect(f"{url}?unit={choice.root.code}")
    return _page(request, choice, rankings, form=form)
