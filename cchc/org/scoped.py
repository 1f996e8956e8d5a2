"""`visible_to(user)`: the rows of any unit-owned model a user may see, as a queryset filter.

Models that belong to a unit use `UnitScopedQuerySet.as_manager()`; the decision itself stays in
access.py (a role on a unit covers the units below it; an admin sees everything).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db import models

from cchc.org import access

M = TypeVar("M", bound=models.Model)


def visible_filter(user: Any, unit_path: str = "unit") -> models.Q:
    """The condition on `unit_path` (a lookup to the owning unit) for what `user` may see."""
    if access.is_admin(user):
        return models.Q()
    return models.Q(**{f"{unit_path}__in": access.visible_unit_ids(user)})


class UnitScopedQuerySet(models.QuerySet[M], Generic[M]):
    # The lookup from the model to its unit; a subclass changes it for a model reached further.
    unit_path = "unit"

    def visible_to(self, user: Any) -> UnitScopedQuerySet[M]:
        return self.filter(visible_filter(user, self.unit_path))
