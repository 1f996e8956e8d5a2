"""The unit a page is about, for views: found by its code and checked with access.py."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from cchc.org import access
from cchc.org.models import Unit


def visible_unit(request: HttpRequest, code: str) -> Unit:
    """The unit, or 404 for a user who may not see it (as if it did not exist)."""
    unit = get_object_or_404(Unit, code=code)
    if not access.can_view_unit(request.user, unit):
        raise Http404("Không tìm thấy đơn vị")
    return unit


def register_unit(request: HttpRequest, code: str) -> Unit:
    """The unit whose registers the user keeps, or 403 for one who may only read them."""
    unit = visible_unit(request, code)
    if not access.can_edit_registers(request.user, unit):
        raise PermissionDenied("Chỉ người báo cáo của đơn vị mới cập nhật được sổ theo dõi.")
    return unit
