from django.contrib import admin

from cchc.records.registry import REGISTERS

for spec in REGISTERS.values():
    if spec.model._meta.app_label != "records":
        continue  # e.g. the TTHC catalogue: its own app registers it
    admin.site.register(
        spec.model,
        list_display=["unit", *spec.fields[:4]],
        list_filter=["unit"],
    )
