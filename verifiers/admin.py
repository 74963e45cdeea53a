"""Django admin for agencies: read-mostly for superusers; changes go through the portal's
services (DESIGN.md §4.2)."""

from django.contrib import admin

from verifiers.models import Agency, AgencyQualification, VerifierStaff
from zhongwei_carbon.admin import ReadOnlyAdmin


class QualificationInline(admin.TabularInline):
    model = AgencyQualification
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["name", "uscc", "status", "contact_person", "contact_phone"]
    list_filter = ["status"]
    search_fields = ["name", "uscc"]
    inlines = [QualificationInline]


@admin.register(AgencyQualification)
class AgencyQualificationAdmin(ReadOnlyAdmin):
    list_display = ["agency", "kind", "certificate_number", "valid_from", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["agency__name", "certificate_number"]


@admin.register(VerifierStaff)
class VerifierStaffAdmin(ReadOnlyAdmin):
    list_display = ["name", "agency", "qualification_number", "qualification_valid_until", "is_active"]
    list_filter = ["is_active", "agency"]
    search_fields = ["name", "qualification_number"]
