"""The subject of a credit record: a key emitter or a verification agency, exactly one."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from credit.choices import SubjectKind

ONE_SUBJECT = Q(subject_kind=SubjectKind.ENTERPRISE, enterprise__isnull=False, agency__isnull=True) | Q(
    subject_kind=SubjectKind.AGENCY, agency__isnull=False, enterprise__isnull=True
)


class SubjectMixin(models.Model):
    subject_kind = models.CharField(_("subject kind"), max_length=12, choices=SubjectKind.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    agency = models.ForeignKey(
        "verifiers.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def subject(self):
        return self.enterprise if self.subject_kind == SubjectKind.ENTERPRISE else self.agency
