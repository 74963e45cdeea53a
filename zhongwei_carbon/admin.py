from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from zhongwei_carbon.models import Event

admin.site.site_header = _("Zhongwei Carbon Market Portal administration")
admin.site.site_title = _("Zhongwei Carbon Market Portal")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor", "verb", "message"]
    list_filter = ["verb"]
    search_fields = ["message"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
