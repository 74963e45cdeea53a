"""Choices of the credit evaluation (环境信用评价): event kinds, indicator groups, grades, the
states of a rule set, a year's grading, an event, an objection and a repair."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Key emitter")
    AGENCY = "agency", _("Verification agency")


class Group(models.TextChoices):
    """Indicator groups; a rule set caps the points of each group."""

    REPORTING = "reporting", _("Reporting")
    DATA_QUALITY = "data_quality", _("Data quality")
    COMPLIANCE = "compliance", _("Compliance")
    SUPERVISION = "supervision", _("Supervision")
    SOCIAL = "social", _("Social supervision")


class EventKind(models.TextChoices):
    """What can happen to a subject that the credit evaluation prices. A rule set prices a
    kind or leaves it out; a kind it leaves out changes no score."""

    REPORT_LATE = "report_late", _("Annual report submitted late")
    REPORT_MISSING = "report_missing", _("Annual report not submitted")
    LEDGER_LATE = "ledger_late", _("Monthly ledger uploaded late")
    LEDGER_MISSING = "ledger_missing", _("Monthly ledger missing")
    REPORT_RETURNED = "report_returned", _("Report returned for correction")
    VERIFIED_DEVIATION = "verified_deviation", _("Verified emissions deviate from the reported")
    SURRENDER_ON_TIME = "surrender_on_time", _("Surrendered in full on time")
    SURRENDER_LATE = "surrender_late", _("Surrendered in full after the deadline")
    SURRENDER_SHORT = "surrender_short", _("Short of the obligation at the deadline")
    ART24_NOT_CORRECTED = "art24_not_corrected", _("Art. 24 shortfall not corrected")
    VIOLATION_ART21 = "violation_art21", _("Art. 21 violation decided")
    VIOLATION_ART22 = "violation_art22", _("Art. 22 falsification decided")
    VIOLATION_ART23 = "violation_art23", _("Art. 23 agency violation decided")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("Inspection rectification overdue")
    COMPLAINT_SUBSTANTIATED = "complaint_substantiated", _("Complaint substantiated")
    AGENCY_SUSPENDED = "agency_suspended", _("Agency qualification suspended")
    MANUAL_DEDUCTION = "manual_deduction", _("Other breach recorded by the bureau")
    MANUAL_CREDIT = "manual_credit", _("Other merit recorded by the bureau")


class Grade(models.TextChoices):
    """The four grades of 环发〔2013〕150号, best first."""

    GREEN = "green", _("Trustworthy (green)")
    BLUE = "blue", _("Good (blue)")
    YELLOW = "yellow", _("Warning (yellow)")
    RED = "red", _("Untrustworthy (red)")


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("credit rule set status", "Draft")
    PUBLISHED = "published", pgettext_lazy("credit rule set status", "Published")


class EventOrigin(models.TextChoices):
    AUTOMATIC = "automatic", _("Recorded by the portal")
    MANUAL = "manual", _("Entered by the bureau")


class EventStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a second admin's confirmation")
    ACTIVE = "active", pgettext_lazy("credit event status", "In force")
    VOIDED = "voided", _("Voided on objection")
    REFUSED = "refused", _("Refused by the second admin")


class GradingStatus(models.TextChoices):
    """A year's grading: scores move with events until the bureau freezes them."""

    OPEN = "open", _("Scores computed continuously")
    PROVISIONAL = "provisional", _("Provisional grades frozen; objections open")
    FINAL = "final", _("Final grades published")


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("credit objection status", "Pending")
    UPHELD = "upheld", _("Upheld: the event is voided")
    DISMISSED = "dismissed", _("Dismissed: the event stands")


class RepairStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("credit repair status", "Pending")
    APPROVED = "approved", pgettext_lazy("credit repair status", "Approved")
    REFUSED = "refused", pgettext_lazy("credit repair status", "Refused")
