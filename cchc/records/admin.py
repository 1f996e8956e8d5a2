from django.contrib import admin

from cchc.records.registry import REGISTERS

for spec in REGISTERS.values():
    admin.site.register(
        spec.model,
        list_display=["unit", *spec.fields[:4]],
        list_filter=["unit"],
    )
