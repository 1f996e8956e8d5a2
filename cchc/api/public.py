"""What the API answers without login: the published open data (as its public pages and
files give it) and the working-day calendar."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from cchc.opendata import exports
from cchc.opendata.models import Publication
from cchc.periods.models import working_calendar

FIRST_YEAR, LAST_YEAR = 2000, 2050  # the calendar's range (periods.workdays)


def _published():
    return Publication.objects.public().with_issued().select_related("period")


def _url(request: Request) -> exports.Url:
    def url(name: str, slug: str) -> str:
        return request.build_absolute_uri(reverse(name, args=[slug] if slug else []))

    return url


@extend_schema(tags=["Dữ liệu mở"])
class OpenDataViewSet(viewsets.ViewSet):
    """Published datasets; a withdrawn or replaced version is in none of them."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    lookup_field = "dataset"
    lookup_value_regex = "[-a-z0-9]+"

    @extend_schema(
        summary="Các bộ dữ liệu đang công bố",
        responses=inline_serializer(
            "PublishedDataset", {"identifier": serializers.CharField()}, many=True
        ),
        operation_id="opendata_list",
    )
    def list(self, request: Request) -> Response:
        found = _published().defer("statistics").order_by("-published_at", "-pk")
        return Response([exports.describe(p, _url(request)) for p in found])

    @extend_schema(summary="Một bộ dữ liệu và số liệu của nó", responses=OpenApiTypes.OBJECT)
    def retrieve(self, request: Request, dataset: str) -> Response:
        publication = _published().filter(dataset=dataset).first()
        if publication is None:
            raise Http404("Không có bộ dữ liệu đang được công bố với địa chỉ này.")
        return Response(exports.json_document(publication, _url(request)))


@extend_schema(tags=["Kỳ báo cáo"])
class CalendarViewSet(viewsets.ViewSet):
    """The working-day calendar of a year: every weekday off (holidays, Tết, announced days)
    and every Saturday worked, with the reason, as cchc counts deadlines."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    lookup_field = "year"
    lookup_value_regex = "[0-9]{4}"

    @extend_schema(summary="Lịch ngày nghỉ, ngày làm bù của một năm", responses=OpenApiTypes.OBJECT)
    def retrieve(self, request: Request, year: str) -> Response:
        number = int(year)
        if not FIRST_YEAR <= number <= LAST_YEAR:
            raise Http404(f"Lịch chỉ có từ năm {FIRST_YEAR} đến năm {LAST_YEAR}.")
        calendar = working_calendar()
        day, days_off, worked = datetime.date(number, 1, 1), [], []
        while day.year == number:
            reason = calendar.day_off_reason(day)
            if reason is not None and day.weekday() < 5:
                days_off.append({"date": day, "reason": reason})
            elif reason is None and day.weekday() >= 5:
                worked.append({"date": day, "reason": calendar.working_days.get(day, "")})
            day += datetime.timedelta(days=1)
        return Response({"year": number, "days_off": days_off, "working_weekend_days": worked})
