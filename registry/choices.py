from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
    PARK = "park", _("Industrial park")


class DepartmentKind(models.TextChoices):
    DEPARTMENT = "department", _("City department")
    BANK = "bank", _("Bank or financial institution")


class Dataset(models.TextChoices):
    """Data the bureau may grant a department or bank (its liaisons) to see or enter."""

    CREDIT_EXPORT = "credit_export", _("Credit grades workbook for partner departments")
    CLIMATE_FINANCE = "climate_finance", _("Climate-finance project library")
    STATISTICS_ENTRY = "statistics_entry", _("Entry of the city's yearly statistics")
    CCER_LIBRARY = "ccer_library", _("CCER project library")
    TRAINING = "training", _("Training records")


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class FacilityType(models.TextChoices):
    COAL_UNIT = "coal_unit", _("Coal-fired generating unit")
    CFB_UNIT = "cfb_unit", _("Circulating fluidised bed unit")
    GAS_UNIT = "gas_unit", _("Gas-fired generating unit")
    BOILER = "boiler", _("Industrial boiler")
    KILN = "kiln", _("Kiln")
    FURNACE = "furnace", _("Furnace")
    ELECTROLYSIS = "electrolysis", _("Electrolytic cell line")
    PROCESS = "process", _("Process unit")
    OTHER = "other", _("Other")


class FacilityStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    STANDBY = "standby", _("Standby")
    RETIRED = "retired", _("Retired")


class Fuel(models.TextChoices):
    COAL = "coal", _("Coal")
    NATURAL_GAS = "natural_gas", _("Natural gas")
    COKE = "coke", _("Coke")
    FUEL_OIL = "fuel_oil", _("Fuel oil")
    DIESEL = "diesel", _("Diesel")
    ELECTRICITY = "electricity", _("Electricity")
    OTHER = "other", _("Other")


class RecordSource(models.TextChoices):
    """Where an annual figure comes from; higher rank wins (a verified figure is never
    overwritten by a self-reported one)."""

    STATISTICS = "statistics", _("Statistics import")
    SELF_REPORTED = "self_reported", _("Self-reported")
    VERIFIED = "verified", _("Verified")


SOURCE_RANK = {RecordSource.STATISTICS: 1, RecordSource.SELF_REPORTED: 2, RecordSource.VERIFIED: 3}


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ListChange(models.TextChoices):
    ADDED = "added", _("Added")
    RETAINED = "retained", _("Retained")
    REMOVED = "removed", _("Removed")


class ListReason(models.TextChoices):
    EMISSIONS_AT_THRESHOLD = "emissions", _("Annual emissions at or above the listing threshold")
    ENERGY_AT_THRESHOLD = "energy", _("Comprehensive energy consumption at or above the listing threshold")
    ONE_YEAR_BELOW = "one_year_below", _("Below the threshold for one year only: stays listed")
    NO_DATA = "no_data", _("No figure for the basis year: stays listed pending data")
    TWO_YEARS_BELOW = "two_years_below", _("Below the threshold two consecutive years")
    CLOSED = "closed", _("Enterprise closed")


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
