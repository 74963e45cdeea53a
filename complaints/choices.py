from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    FALSE_DATA = "false_data", _("False or falsified emission data")
    MISSING_LEDGERS = "missing_ledgers", _("Missing or incomplete ledgers")
    DISCLOSURE = "disclosure", _("Emissions not disclosed")
    AGENCY_MISCONDUCT = "agency_misconduct", _("Misconduct of a verification agency")
    OTHER = "other", _("Other")


class TargetKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Key emitter")
    AGENCY = "agency", _("Verification agency")
    OFFICIAL = "official", _("An official of a county or park")
    OTHER = "other", _("Other (as described)")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", pgettext_lazy("complaint", "Accepted")
    ASSIGNED = "assigned", _("Under investigation")
    REPLY_PENDING = "reply_pending", _("Reply awaiting approval")
    ANSWERED = "answered", _("Answered")
    REJECTED = "rejected", _("Not accepted")
    MERGED = "merged", _("Merged with another complaint")


class Outcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY = "partly", _("Partly substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")
