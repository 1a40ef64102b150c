from django.contrib import admin

from .models import Award, Edition


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "nominations_open_at", "nominations_close_at", "announce_at"]
    list_filter = ["award"]
    list_select_related = ["award"]
