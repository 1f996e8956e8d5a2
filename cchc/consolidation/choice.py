"""What a consolidator asks a consolidation of (GET or POST data): which unit, template and
reports, checked against the units the user follows."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, QueryDict

from cchc.consolidation.engine import APPROVED, INCLUDE_LABELS
from cchc.org import access
from cchc.org.models import Unit


@dataclass
class Choice:
    root: Unit
    roots: list[Unit]
    template_code: str | None
    include: str


def consolidation_choice(
    request: HttpRequest,
    data: QueryDict | None = None,
    refusal: str = "Chỉ người tổng hợp mới xem được trang này.",
) -> Choice:
    """The unit (default: the first the user consolidates), the template (None: the one the
    units use) and the reports counted (approved only unless asked), from `data` (GET)."""
    data = request.GET if data is None else data
    if not access.can_consolidate(request.user):
        raise PermissionDenied(refusal)
    roots = access.consolidation_roots(request.user) or list(
        Unit.objects.filter(parent__isnull=True).order_by("code")
    )
    code = data.get("unit")
    if code:
        root = Unit.objects.consolidated_by(request.user).filter(code=code).first()
        if root is None:
            raise PermissionDenied(f"Bạn không theo dõi đơn vị mã '{code}'.")
    elif roots:
        root = roots[0]
    else:
        raise Http404("Chưa có đơn vị nào để tổng hợp.")
    include = data.get("include") or APPROVED
    if include not in INCLUDE_LABELS:
        include = APPROVED
    return Choice(root, roots, data.get("template") or None, include)
