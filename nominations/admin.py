from django.contrib import admin

from .models import Nomination


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["startup_name", "edition", "status", "submitted_by", "updated_at"]
    list_filter = ["edition", "status"]
    search_fields = ["startup_name"]
    list_select_related = ["edition__award", "submitted_by"]
    raw_id_fields = ["submitted_by"]
    # A private file has no URL, so the admin's file widget cannot show it (it raised a 500); decks are
    # served only by nominations:pitch_deck, which checks who asks.
    exclude = ["pitch_deck"]
