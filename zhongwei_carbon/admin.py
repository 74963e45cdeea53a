"""The admin is read-mostly: regulated records change through the portal's services
(DESIGN.md §4.2), so their admins never add, edit or delete."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from zhongwei_carbon.models import Event

admin.site.site_header = _("Zhongwei Carbon Market Portal administration")
admin.site.site_title = _("Zhongwei Carbon Market Portal")


class ReadOnlyMixin:
    """For a ModelAdmin or an inline: look, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    pass


@admin.register(Event)
class EventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "actor", "verb", "message"]
    list_filter = ["verb"]
    search_fields = ["message"]
