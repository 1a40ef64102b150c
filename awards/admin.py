from django.contrib import admin

from .models import Award, Criterion, CriterionLevel, Edition


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "nominations_open_at", "nominations_close_at", "announce_at"]
    list_filter = ["award"]
    list_select_related = ["award"]


class CriterionLevelInline(admin.TabularInline):
    model = CriterionLevel
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    """For looking only: the rubric is changed on the organiser pages, which keep it locked once
    scoring opens and record every change in the audit log."""

    list_display = ["__str__", "edition", "weight", "scale_min", "scale_max", "position"]
    list_filter = ["edition"]
    list_select_related = ["edition__award"]
    inlines = [CriterionLevelInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
