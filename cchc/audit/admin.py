"""The audit trail in the admin (view only), and the read-only admin every audited model uses."""

from django.contrib import admin

from cchc.audit.models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewing only, for everyone, superusers included: audited data changes through the
    services (which check permissions and write the trail), never behind them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "occurred_at",
        "user_repr",
        "action",
        "unit_repr",
        "object_repr",
        "summary",
    ]
    list_filter = ["action"]
    search_fields = ["summary", "object_repr", "unit_repr", "user_repr"]
    list_select_related = ["user"]
