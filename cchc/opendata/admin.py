from django.contrib import admin

from cchc.audit.admin import ReadOnlyAdmin
from cchc.opendata.models import Publication


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    """View only: publishing and withdrawing go through cchc.opendata.services (audited)."""

    list_display = ["title", "version", "root", "period", "template_code", "published_at"]
    list_filter = ["template_code"]
    list_select_related = ["root", "period"]
    search_fields = ["title", "dataset"]
