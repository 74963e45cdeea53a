from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhongwei_carbon.models import MailMode, Topic
from zhongwei_carbon.roles import ROLE_SCOPE, Role, ScopeKind


class User(AbstractUser):
    """A person who logs in. What they may do comes from their memberships."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_system = models.BooleanField(
        _("system actor"), default=False, help_text=_("Background jobs act as this user.")
    )
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


def _scope_constraint() -> Q:
    """Each role carries exactly the scope object its scope kind needs."""
    clauses = Q()
    for role, kind in ROLE_SCOPE.items():
        fields = {
            "area__isnull": kind != ScopeKind.AREA,
            "enterprise__isnull": kind != ScopeKind.ENTERPRISE,
            "agency__isnull": kind != ScopeKind.AGENCY,
            "department__isnull": kind != ScopeKind.DEPARTMENT,
        }
        clauses |= Q(role=role, **fields)
    return clauses


class Membership(models.Model):
    """A role held by a user within one scope (the city, an area, an enterprise, an agency,
    a department or bank)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    area = models.ForeignKey(
        "registry.Area", verbose_name=_("area"), on_delete=models.PROTECT, null=True, blank=True
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    agency = models.ForeignKey(
        "verifiers.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    is_signatory = models.BooleanField(
        _("signatory"),
        default=False,
        help_text=_("May certify and submit reports on behalf of the enterprise."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user_id", "role"]
        constraints = [
            models.CheckConstraint(condition=_scope_constraint(), name="membership_scope_matches_role"),
            models.CheckConstraint(
                condition=Q(is_signatory=False) | Q(role=Role.ENTERPRISE_USER),
                name="membership_signatory_only_enterprise",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "area", "enterprise", "agency", "department"],
                nulls_distinct=False,
                name="membership_unique",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        scope = self.area or self.enterprise or self.agency or self.department
        return str(scope) if scope else str(_("Whole city"))


class FormSubmission(models.Model):
    """One submission of a public form (account application, password reset, a complaint
    filed or tracked) from one address: what ``accounts.throttle`` counts. The address is
    kept only as a keyed hash (HMAC with a key derived from SECRET_KEY), never as written, and
    rows older than the window are deleted (on each submission, and by the purge)."""

    form = models.CharField(_("form"), max_length=32)
    address_hash = models.CharField(_("address (keyed hash)"), max_length=64)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)

    class Meta:
        verbose_name = _("public form submission")
        verbose_name_plural = _("public form submissions")
        indexes = [models.Index(fields=["form", "address_hash", "submitted_at"])]

    def __str__(self):
        return f"{self.form} {self.submitted_at:%Y-%m-%d %H:%M}"


class MailPreference(models.Model):
    """How a user wants the e-mail of one topic's notices: immediately (the default, also
    when no row exists), in the daily digest, or not at all (the inbox keeps them)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="mail_preferences",
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    mode = models.CharField(_("e-mail mode"), max_length=10, choices=MailMode.choices,
                            default=MailMode.IMMEDIATE)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="mail_preference_per_topic"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_topic_display()}: {self.get_mode_display()}"
