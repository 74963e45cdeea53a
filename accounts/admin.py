"""Django admin for users and memberships (superusers; the portal pages are the normal way)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Membership, User
from zhongwei_carbon.admin import ReadOnlyAdmin, ReadOnlyMixin


class MembershipInline(ReadOnlyMixin, admin.TabularInline):
    """Memberships change through the user pages (accounts.services: scope checks, events,
    no self-lockout); the admin only shows them."""

    model = Membership
    extra = 0
    fields = ["role", "area", "enterprise", "agency", "department", "is_signatory", "is_active"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "email", "phone", "is_active", "is_staff", "is_system"]
    list_filter = ["is_active", "is_staff", "is_superuser", "is_system", "memberships__role"]
    search_fields = ["username", "full_name", "email", "phone"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Portal"), {"fields": ("full_name", "phone", "is_system")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "phone", "email", "password1", "password2"),
            },
        ),
    )
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = [
        "user", "role", "area", "enterprise", "agency", "department", "is_signatory", "is_active"
    ]
    list_filter = ["role", "is_active", "is_signatory", "area"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user", "area", "enterprise", "agency", "department"]
    raw_id_fields = ["user"]
