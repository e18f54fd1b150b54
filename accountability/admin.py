"""Admin: the catalogue of accountability measures and circumstances, editable by administrators
(seeded from accountability.catalogue; a measure taken out of use is set inactive, never deleted)."""

from django.contrib import admin

from accountability.models import Circumstance, Measure


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "severity", "citation", "active")
    list_editable = ("active",)
    list_filter = ("category", "active")
    ordering = ("severity",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # cases refer to it: take it out of use instead


@admin.register(Circumstance)
class CircumstanceAdmin(admin.ModelAdmin):
    list_display = ("list", "number", "text", "citation")
    list_filter = ("list",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
