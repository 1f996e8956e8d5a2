"""What a dump holds: every model Django knows, in the order they can be loaded, and the
uploaded files their rows name."""

from __future__ import annotations

from django.apps import apps
from django.db import models

# Rows `migrate` itself writes into a new database (content types and permissions after every
# run, the built-in calendar swaps by a data migration). A database holding only these counts
# as empty: a restore replaces them with the dump's own rows.
SEEDED_BY_MIGRATE = frozenset(
    {"contenttypes.contenttype", "auth.permission", "periods.calendaroverride"}
)

# Models whose rows name an uploaded file (relative to CCHC_DATA_DIR/evidence, see
# cchc/reports/evidence_files.py) in the given field.
FILE_FIELDS = {"reports.evidence": "file_path", "scoring.assessmentevidence": "file_path"}


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def dumped_models() -> list[type[models.Model]]:
    """Every stored model (not proxies, not unmanaged, not the many-to-many tables Django
    creates: their rows travel inside the model that declares the field), each after the
    models it refers to. A cycle (a unit's parent, a criterion's parent) is harmless: the keys
    are kept and foreign keys are checked at commit, not row by row."""
    found = sorted(
        (
            model
            for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy and not model._meta.auto_created
        ),
        key=label,
    )
    wanted = set(found)
    depends: dict[type[models.Model], set[type[models.Model]]] = {}
    for model in found:
        targets: set[type[models.Model]] = set()
        for field in model._meta.get_fields():
            if field.concrete and field.is_relation and field.related_model in wanted:
                target = field.related_model
                assert isinstance(target, type)
                if target is not model:
                    targets.add(target)
        depends[model] = targets
    ordered: list[type[models.Model]] = []
    remaining = list(found)
    while remaining:
        ready = [m for m in remaining if depends[m] <= set(ordered)]
        # A cycle between two models: take the first in name order and go on.
        for model in ready or remaining[:1]:
            ordered.append(model)
            remaining.remove(model)
    return ordered


def all_tables_models() -> list[type[models.Model]]:
    """The models of every table, many-to-many tables included (sequences, flushing)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
