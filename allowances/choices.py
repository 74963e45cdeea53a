from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CycleStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    ALLOCATION = "allocation", _("Allocation")
    SURRENDER = "surrender", _("Surrender")
    CLOSED = "closed", pgettext_lazy("compliance cycle status", "Closed")


class MilestoneKind(models.TextChoices):
    PRE_ALLOCATION = "pre_allocation", _("Pre-allocation")
    VERIFICATION_DUE = "verification_due", _("Verification done")
    FINAL_ALLOCATION = "final_allocation", _("Final allocation")
    ISSUANCE = "issuance", _("Issuance")
    LISTS = "lists", _("Lists published")
    SURRENDER_DEADLINE = "surrender_deadline", _("Surrender deadline")


class UnitType(models.TextChoices):
    CEA = "cea", _("Allowance (CEA)")
    CCER = "ccer", _("CCER")


class EntryKind(models.TextChoices):
    PRE_ALLOCATION = "pre_allocation", _("Pre-allocation")
    FINAL_ALLOCATION = "final_allocation", _("Final allocation")
    TOP_UP = "top_up", _("Top-up")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    SURRENDER = "surrender", _("Surrender")
    CANCELLATION = "cancellation", _("Cancellation")
    NEXT_YEAR_CUT = "next_year_cut", _("Next-year cut")
    CORRECTION = "correction", _("Correction (reversal)")


class SurrenderStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested by enterprise")
    APPROVED = "approved", _("Approved (awaiting confirmation)")
    CONFIRMED = "confirmed", pgettext_lazy("surrender status", "Confirmed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AllocationMethod(models.TextChoices):
    POWER_BENCHMARK = "power_benchmark", _("Power-sector benchmark")
    INTENSITY = "intensity", _("Intensity (output × intensity)")


class PenaltyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DECIDED = "decided", pgettext_lazy("penalty case status", "Decided")
    CLOSED = "closed", pgettext_lazy("penalty case status", "Closed")


class PriceBasis(models.TextChoices):
    """What the average price of a penalty case's window rests on."""

    MONTH = "month", _("Published monthly average")
    DAYS = "days", _("Trading days, weighted by volume")


class UnitClass(models.TextChoices):
    """Generating-unit classes of the power-sector plan (国环规气候〔2024〕1号)."""

    COAL_LARGE = "coal_large", _("Conventional coal, 400 MW and above")
    COAL_SMALL = "coal_small", _("Conventional coal, below 400 MW")
    COAL_UNCONVENTIONAL = "coal_cfb", _("Unconventional coal (incl. CFB)")
    GAS = "gas", _("Gas-fired")


class PowerBasis(models.TextChoices):
    """Which power a plan counts as Qe (plan data, per allocation year): the 2023–2024 plan
    (国环规气候〔2024〕1号) counts power generated, earlier plans power supplied."""

    GENERATED = "generated", _("Power generated")
    SUPPLIED = "supplied", _("Power supplied")


class AllocationStatus(models.TextChoices):
    IMPORTED = "imported", _("Imported, not yet notified")
    NOTIFIED = "notified", _("Notified, objection period open")
    OBJECTED = "objected", _("Objection pending")
    CORRECTING = "correcting", _("Objection upheld, awaiting the corrected notice")
    ISSUED = "issued", _("Issued to the account")


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class PledgeStatus(models.TextChoices):
    """An allowance pledge (质押) to a bank: active until the bureau registers its release."""

    ACTIVE = "active", pgettext_lazy("pledge status", "Active")
    RELEASED = "released", pgettext_lazy("pledge status", "Released")
