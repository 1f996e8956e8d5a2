"""The public open-data pages: no login. Only visible publications (never a replaced or a
withdrawn version, never anything unpublished) are listed, shown or downloaded."""

from __future__ import annotations

import datetime
import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from cchc.opendata import exports
from cchc.opendata.models import Publication, PublicationQuerySet
from cchc.opendata.rankings import shown_kinds
from cchc.opendata.snapshot import shown_rows


def _listed() -> PublicationQuerySet:
    return (
        Publication.objects.public()
        .with_issued()
        .select_related("period")
        .order_by("-published_at", "-pk")
    )


def _public_or_404(slug: str) -> Publication:
    publication = _listed().filter(dataset=slug).first()
    if publication is None:
        raise Http404("Không có bộ dữ liệu đang được công bố với địa chỉ này.")
    return publication


def _url(request: HttpRequest) -> exports.Url:
    def url(name: str, slug: str) -> str:
        return request.build_absolute_uri(reverse(name, args=[slug] if slug else []))

    return url


def _open(response: HttpResponse, modified: datetime.datetime | None) -> HttpResponse:
    # Public data: portals and browser apps elsewhere may read it (no cookies are involved).
    response["Access-Control-Allow-Origin"] = "*"
    if modified is not None:  # harvesters compare it with what they fetched before
        response["Last-Modified"] = http_date(modified.timestamp())
    return response


def _json(document: dict, modified: datetime.datetime | None) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return _open(HttpResponse(body, content_type="application/json; charset=utf-8"), modified)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    publications = list(_listed().defer("statistics"))
    return render(request, "opendata/index.html", {"publications": publications})


@require_safe
def dataset(request: HttpRequest, slug: str) -> HttpResponse:
    publication = _public_or_404(slug)
    context = {"publication": publication, "columns": exports.columns(publication)}
    if publication.is_ranking:
        context["kinds"] = shown_kinds(publication.statistics)
    else:
        context["rows"] = shown_rows(publication.statistics)
    return render(request, "opendata/dataset.html", context)


@require_safe
def dataset_csv(request: HttpRequest, slug: str) -> HttpResponse:
    publication = _public_or_404(slug)
    response = HttpResponse(exports.csv_bytes(publication), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{publication.dataset}.csv"'
    return _open(response, publication.published_at)


@require_safe
def dataset_json(request: HttpRequest, slug: str) -> HttpResponse:
    publication = _public_or_404(slug)
    return _json(exports.json_document(publication, _url(request)), publication.published_at)


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    publications = list(_listed().defer("statistics"))
    modified = max((p.published_at for p in publications), default=None)
    return _json(exports.catalogue(publications, _url(request)), modified)
