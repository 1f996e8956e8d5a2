from django.contrib import admin

from cchc.api.models import ApiToken
from cchc.api.tokens import revoke_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are listed and revoked here; a key is created by its owner or `cchc token
    create`, since only then can it be shown."""

    list_display = [
        "prefix",
        "user",
        "name",
        "read_only",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["read_only", "revoked_at"]
    search_fields = ["prefix", "user__username", "name"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Thu hồi các mã đã chọn")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at=None):
            revoke_token(request.user, token)
        self.message_user(request, "Đã thu hồi.")
