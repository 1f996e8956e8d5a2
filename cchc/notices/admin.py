"""Sent notices in the admin are for looking only: they are a record of what was sent."""

from django.contrib import admin

from cchc.audit.admin import ReadOnlyAdmin
from cchc.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "unit", "period", "recipient_name", "delivery"]
    list_filter = ["kind", "delivery", "period"]
    list_select_related = ["unit", "period"]
    search_fields = ["unit__code", "unit__name", "recipient_name", "email", "subject"]
