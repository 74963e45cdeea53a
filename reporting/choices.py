from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FactorKind(models.TextChoices):
    GRID = "grid", _("Grid electricity (tCO2/MWh)")
    HEAT = "heat", _("Purchased heat (tCO2/GJ)")


class Region(models.TextChoices):
    NATIONAL = "national", _("National")
    NINGXIA = "ningxia", _("Ningxia")


class SourceKind(models.TextChoices):
    COMBUSTION = "combustion", _("Fuel combustion")
    PROCESS = "process", _("Process emissions")
    ELECTRICITY = "electricity", _("Purchased electricity")
    HEAT = "heat", _("Purchased heat")


class LedgerStatus(models.TextChoices):
    """A month without a row is "missing"."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    COUNTY_CHECKED = "county_checked", _("Checked by county")
    CLOSED = "closed", pgettext_lazy("ledger status", "Closed")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    COUNTY_RETURNED = "county_returned", _("Returned by county")
    COUNTY_PASSED = "county_passed", _("Passed county check")
    ASSIGNED = "assigned", _("Under verification")
    VERIFIED = "verified", _("Verification report filed")
    RECHECK_RETURNED = "recheck_returned", _("Returned to agency after re-check")
    FINAL = "final", _("Final")
    OBJECTED = "objected", _("Objection under review")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered by enterprise")
    CLOSED = "closed", pgettext_lazy("finding status", "Closed")


class Conclusion(models.TextChoices):
    CONFIRMED = "confirmed", _("Reported figures confirmed")
    CORRECTED = "corrected", _("Figures corrected by verification")


class RecheckDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned with opinions")


class ObjectionDecision(models.TextChoices):
    PENDING = "pending", pgettext_lazy("objection decision", "Pending")
    UPHELD = "upheld", _("Upheld: verification to be revised")
    REJECTED = "rejected", _("Rejected: result stands")


# Process formulas and their inputs in words (reporting/rules.py holds the formulas).
PROCESS_FORMULA_LABELS = {
    "cement_clinker": _("Cement clinker calcination"),
    "aluminium_anode": _("Aluminium carbon anode consumption"),
}
PROCESS_PARAMETER_LABELS = {
    "clinker_t": _("clinker output (t)"),
    "cao_fraction": _("CaO content of the clinker"),
    "mgo_fraction": _("MgO content of the clinker"),
    "anode_t": _("carbon anode consumed (t)"),
    "sulphur_fraction": _("sulphur content of the anode"),
    "ash_fraction": _("ash content of the anode"),
}
