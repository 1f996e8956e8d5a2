"""Register rows change through the register pages and imports (audited); shown here only."""

from django.contrib import admin

from cchc.audit.admin import ReadOnlyAdmin
from cchc.records.registry import REGISTERS

for spec in REGISTERS.values():
    if spec.model._meta.app_label != "records":
        continue  # e.g. the TTHC catalogue: its own app registers it
    admin.site.register(
        spec.model,
        ReadOnlyAdmin,
        list_display=["unit", *spec.fields[:4]],
        list_filter=["unit"],
    )
