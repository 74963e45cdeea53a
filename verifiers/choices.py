from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class QualificationKind(models.TextChoices):
    VERIFICATION = "verification", _("GHG verification")
    ACCOUNTING = "accounting", _("Carbon accounting / consulting")
    TESTING = "testing", _("Testing and measurement")
    OTHER = "other", _("Other")
