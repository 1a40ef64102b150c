from django.contrib import admin

from .models import AuditEvent, OutboundEmail


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "object_type", "object_label", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "action", "object_label", "object_id"]
    date_hierarchy = "created_at"
    list_select_related = ["object_type"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject"]
    exclude = ["message"]
