from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgencyStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("agency status", "Active")
    SUSPENDED = "suspended", pgettext_lazy("agency status", "Suspended")
    REVOKED = "revoked", _("Revoked")


class QualificationKind(models.TextChoices):
    VERIFICATION = "verification", _("GHG verification")
    ACCOUNTING = "accounting", _("Carbon accounting / consulting")
    TESTING = "testing", _("Testing and measurement")
    OTHER = "other", _("Other")
