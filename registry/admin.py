"""Django admin for the registry: a read-mostly view for superusers.

Regulated records change through the portal's services (DESIGN.md §4.2), so the admin
never adds, edits or deletes enterprises, records or lists; reference data (areas,
sectors) stays editable here.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from registry import models
from zhongwei_carbon.admin import ReadOnlyAdmin


@admin.register(models.Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "kind", "sort_order"]


@admin.register(models.Sector)
class SectorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "name_en", "national_market_entry_year", "sort_order"]


@admin.register(models.Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ["name", "uscc", "area", "sector", "status"]
    list_filter = ["area", "sector", "status"]
    search_fields = ["name", "uscc"]


@admin.register(models.Facility)
class FacilityAdmin(ReadOnlyAdmin):
    list_display = ["name", "enterprise", "facility_type", "capacity_mw", "status"]
    search_fields = ["name", "enterprise__name"]


@admin.register(models.EmissionRecord)
class EmissionRecordAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "year", "emissions_tco2e", "energy_tce", "source"]
    list_filter = ["year", "source"]


@admin.register(models.KeyEmitterList)
class KeyEmitterListAdmin(ReadOnlyAdmin):
    list_display = ["year", "status", "basis_year", "published_at"]


@admin.register(models.RegistrationRequest)
class RegistrationRequestAdmin(ReadOnlyAdmin):
    list_display = ["enterprise_name", "uscc", "applicant_name", "status", "submitted_at"]
    list_filter = ["status"]
