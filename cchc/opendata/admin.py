from django.contrib import admin

from cchc.audit.admin import ReadOnlyAdmin
from cchc.opendata.models import Publication


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    """View only: publishing and withdrawing go through cchc.opendata.services (audited)."""

    list_display = [
        "title",
        "kind",
        "version",
        "root",
        "period",
        "template_code",
        "scheme_code",
        "published_at",
    ]
    list_filter = ["kind", "template_code", "scheme_code"]
    list_select_related = ["root", "period"]
    search_fields = ["title", "dataset"]
