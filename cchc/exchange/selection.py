"""Which rows a dump takes: all of them, or one province's with the shared reference data.

A province's dump keeps the rows that belong to its unit tree (the unit, every unit below it,
and what those own), the people holding roles there or named by those rows, and the reference
data every province shares. Every model must be placed in one of the tables below: a new model
makes the province dump refuse to run until someone decides where its rows belong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q

from cchc.exchange.errors import ExchangeError
from cchc.exchange.tables import dumped_models, label
from cchc.org.models import RoleAssignment, Unit

# Reference data every province uses as it is: templates, catalogues, periods, the calendar,
# scoring schemes, the saved column mappings of source systems.
SHARED = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "auth.group",
        "periods.calendaroverride",
        "periods.period",
        "catalog.reporttemplate",
        "catalog.section",
        "catalog.indicator",
        "catalog.rule",
        "catalog.outlinesection",
        "scoring.scheme",
        "scoring.criterion",
        "scoring.band",
        "registers.columnmapping",
    }
)

# Kept by the server that wrote them and not moved with a province: sign-in sessions, the
# sign-in lockout's records, the admin site's own log.
SERVER_LOCAL = frozenset(
    {
        "admin.logentry",
        "sessions.session",
        "axes.accessattempt",
        "axes.accessattemptexpiration",
        "axes.accessfailurelog",
        "axes.accesslog",
    }
)

# The lookup from each province-owned model to the unit it belongs to.
UNIT_PATHS = {
    "org.unit": "pk",
    "org.roleassignment": "unit",
    "reports.report": "unit",
    "reports.deadlineextension": "unit",
    "reports.value": "report__unit",
    "reports.evidence": "report__unit",
    "reports.narrativetext": "report__unit",
    "registers.procedure": "unit",
    "registers.dossier": "unit",
    "records.task": "unit",
    "records.feedback": "unit",
    "records.post": "unit",
    "records.outgoingdocument": "unit",
    "records.inspection": "unit",
    "records.training": "unit",
    "records.staffingsnapshot": "unit",
    "notices.notice": "unit",
    "scoring.enteredfigure": "unit",
    "scoring.assessment": "unit",
    "scoring.assessmentitem": "assessment__unit",
    "scoring.assessmentevidence": "item__assessment__unit",
    "opendata.publication": "root",
}
# Owned through a person rather than a unit.
USER_PATHS = {"auth.user": "pk", "api.apitoken": "user"}
# The trail: entries about a unit of the tree or about one of its reports.
AUDIT = "audit.auditentry"


@dataclass
class Selection:
    """The queryset of each model to dump, and (for a province) the references to rows left
    out that are unlinked, as deleting those rows would (only nullable ones ever are)."""

    province: str | None = None
    querysets: dict[type[models.Model], models.QuerySet] = field(default_factory=dict)
    kept: dict[type[models.Model], set] = field(default_factory=dict)
    unlinked: Counter[str] = field(default_factory=Counter)

    def rows(self, model: type[models.Model]) -> Iterator[models.Model]:
        queryset = self.querysets[model]
        # The natural keys of the rows referred to (a user's name, a content type's
        # app and model) are read with the row, not one query per reference.
        natural = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and hasattr(f.related_model, "natural_key")
        ]
        if natural:
            queryset = queryset.select_related(*natural)
        checks = [
            f for f in model._meta.concrete_fields if f.is_relation and f.related_model in self.kept
        ]
        for row in queryset.order_by("pk").iterator(chunk_size=2000):
            for fk in checks:
                value = getattr(row, fk.attname)
                assert isinstance(fk.related_model, type)
                if value is None or value in self.kept[fk.related_model]:
                    continue
                if not fk.null:
                    raise ExchangeError(
                        f"Không tách riêng được dữ liệu của {self.province}: {label(model)} "
                        f"mã {row.pk} tham chiếu {label(fk.related_model)} mã {value} "
                        "ngoài phạm vi tỉnh."
                    )
                setattr(row, fk.attname, None)
                self.unlinked[f"{label(model)}.{fk.name}"] += 1
            yield row


def everything() -> Selection:
    return Selection(querysets={m: m._base_manager.all() for m in dumped_models()})


def province(code: str) -> Selection:
    """The rows of the unit `code`'s tree, with the shared reference data."""
    root = Unit.objects.filter(code=code).first()
    if root is None:
        raise ExchangeError(f"Không có đơn vị mã '{code}'.")
    units = root.descendant_ids()
    models_ = dumped_models()
    placed = SHARED | SERVER_LOCAL | set(UNIT_PATHS) | set(USER_PATHS) | {AUDIT}
    unplaced = [label(m) for m in models_ if label(m) not in placed]
    if unplaced:
        raise ExchangeError(
            "Chưa xác định dữ liệu sau thuộc tỉnh hay dùng chung, không tách được theo tỉnh: "
            + ", ".join(unplaced)
        )
    selection = Selection(province=code)
    owned: dict[type[models.Model], models.QuerySet] = {}
    for model in models_:
        name = label(model)
        if name in SHARED:
            selection.querysets[model] = model._base_manager.all()
        elif name in UNIT_PATHS:
            owned[model] = model._base_manager.filter(**{f"{UNIT_PATHS[name]}__in": units})
        elif name == AUDIT:
            owned[model] = model._base_manager.filter(Q(unit__in=units) | Q(report__unit__in=units))
    # The people: those holding a role in the tree, and those its rows name (the admin who
    # approved a report, the author of an audit entry) so that no row loses its author.
    people = set(RoleAssignment.objects.filter(unit__in=units).values_list("user_id", flat=True))
    for model, queryset in owned.items():
        for fk in model._meta.concrete_fields:
            if fk.is_relation and fk.related_model is User:
                people |= set(
                    queryset.exclude(**{fk.attname: None}).values_list(fk.attname, flat=True)
                )
    for model in models_:
        if label(model) in USER_PATHS:
            owned[model] = model._base_manager.filter(**{f"{USER_PATHS[label(model)]}__in": people})
    selection.querysets.update(owned)
    # The ids kept of each model that a dumped row refers to, to unlink what points outside.
    targets = {
        f.related_model
        for m in selection.querysets
        for f in m._meta.concrete_fields
        if f.is_relation
    }
    for model, queryset in owned.items():
        if model in targets:
            selection.kept[model] = set(queryset.values_list("pk", flat=True))
    # Keep the dependency order of dumped_models().
    selection.querysets = {m: selection.querysets[m] for m in models_ if m in selection.querysets}
    return selection
