from django.contrib import admin

from .models import Nomination


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["startup_name", "edition", "status", "submitted_by", "updated_at"]
    list_filter = ["edition", "status"]
    search_fields = ["startup_name"]
    list_select_related = ["edition__award", "submitted_by"]
    raw_id_fields = ["submitted_by"]
