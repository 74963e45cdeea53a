from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from zhongwei_carbon import audit_chain

EVENT_CHAIN_FIELDS = (
    "id", "occurred_at", "actor", "verb", "message", "data", "target_type", "target_id"
)


class Event(models.Model):
    """A business event on a regulated record, shown on that record's page (DESIGN.md §4.5).

    Field-level before/after lives in django-simple-history; this is the readable story
    ("list 2026 published by …"). Rows are only ever added, and each is a link of the events'
    hash chain (``audit_chain``): PostgreSQL seals it at commit and refuses any later change.
    """

    occurred_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verb = models.CharField(_("event"), max_length=64, db_index=True)
    message = models.CharField(_("description"), max_length=500)
    data = models.JSONField(_("details"), default=dict, blank=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    chain_seq, prev_hash, row_hash = audit_chain.chain_fields()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-occurred_at"])]
        triggers = audit_chain.triggers(prefix="events", chain="events", fields=EVENT_CHAIN_FIELDS)

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.message}"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week (DESIGN.md §4.7): a public holiday on a weekday,
    or a make-up working day (调休) on a weekend. Bureau admins maintain these rows."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"


class Topic(models.TextChoices):
    """What a notification is about: the inbox filter and the unit of a user's e-mail
    preference (issue 15)."""

    LEDGER = "ledger", pgettext_lazy("notice topic", "Monthly ledgers")
    REPORT = "report", pgettext_lazy("notice topic", "Annual emission reports")
    VERIFICATION = "verification", pgettext_lazy("notice topic", "Verification")
    ALLOCATION = "allocation", pgettext_lazy("notice topic", "Allocation")
    SURRENDER = "surrender", pgettext_lazy("notice topic", "Surrender")
    OBJECTION = "objection", pgettext_lazy("notice topic", "Objections")
    OVERSIGHT = "oversight", pgettext_lazy("notice topic", "Inspections and rectification")
    COMPLAINT = "complaint", pgettext_lazy("notice topic", "Complaints")
    CREDIT = "credit", pgettext_lazy("notice topic", "Credit rating")
    AGENCY = "agency", pgettext_lazy("notice topic", "Verification agencies")
    PROGRAMME = "programme", pgettext_lazy("notice topic", "Reform programme")
    OTHER = "other", pgettext_lazy("notice topic", "Other notices")


class MailMode(models.TextChoices):
    """How a user gets the e-mail of a topic's notices (``accounts.MailPreference``); the
    inbox holds every notice whatever the mode."""

    IMMEDIATE = "immediate", pgettext_lazy("mail mode", "Immediately")
    DIGEST = "digest", pgettext_lazy("mail mode", "Daily digest")
    NONE = "none", pgettext_lazy("mail mode", "No e-mail")


class Notification(models.Model):
    """A message to one user (portal inbox, and e-mail when the user has an address).

    ``key`` names the item and milestone ("report-final:42"): one notification per recipient
    and key, so a task or subscriber that runs twice notifies once (DESIGN.md §4.10).
    A *to-do* (``todo``) asks the recipient to act on ``subject_object``; it is resolved
    (``resolved_at``) when that work is done, leaving the to-do view but not the history."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(max_length=120)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices,
                             default=Topic.OTHER)
    # decided when the notice is created (``mail.route``): immediate, digest or none; blank
    # for a recipient without an e-mail address
    mail_mode = models.CharField(_("e-mail mode"), max_length=10, choices=MailMode.choices,
                                 blank=True)
    todo = models.BooleanField(_("to do"), default=False)
    resolved_at = models.DateTimeField(_("done at"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_object = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "todo", "resolved_at"], name="notification_open"),
            models.Index(fields=["content_type", "object_id"], name="notification_subject"),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_open(self) -> bool:
        return self.todo and self.resolved_at is None


class AuditChainHead(models.Model):
    """The last link of one hash chain (``audit_chain``): how many rows it has and the hash
    of the last one, moved by the seal trigger. It shows rows deleted at the end of a chain."""

    chain = models.CharField(max_length=20, primary_key=True)
    length = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=audit_chain.GENESIS)
    # the hash before the last row: the seal moves the head and hashes in one UPDATE, and
    # hands this one to the row as its ``prev_hash``
    previous_hash = models.CharField(max_length=64, default=audit_chain.GENESIS)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self):
        return f"{self.chain}: {self.length}"


class ObjectionBase(models.Model):
    """What every objection has: the filer's reasons and file, the decision due date (working
    days, set by the owning app's rules) and the decision. Report and allocation objections
    keep their own fields for now; credit objections are the first to share this."""

    reasons = models.TextField(_("reasons"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("filed by"))
    decision_due = models.DateField(_("decision due"))
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        abstract = True
        ordering = ["-filed_at"]


class Reminder(models.Model):
    """A deadline reminder sent to one user (issue 15): one per recipient, object, deadline
    kind, deadline date and offset, so a second run or a retried task sends nothing twice
    and a moved deadline starts over for its new date."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("deadline kind"), max_length=40)
    deadline = models.DateField(_("deadline"))
    offset = models.SmallIntegerField(_("offset (days)"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "content_type", "object_id", "kind", "deadline", "offset"],
                name="reminder_once",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.deadline} {self.offset:+d}"


class MailDigest(models.Model):
    """The daily digest mail a user got on a day: at most one per user and day, so the
    digest job run twice (or retried) sends nothing twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("notices"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail digest")
        verbose_name_plural = _("e-mail digests")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="mail_digest_once_a_day"),
        ]

    def __str__(self):
        return f"{self.recipient} {self.day:%Y-%m-%d} ({self.count})"


class MailFailure(models.Model):
    """A dead letter: a mail (one notice, or a user's digest of a day) whose last retry
    failed. The notices stay un-mailed; the bureau retries it from its page, and a later
    successful run removes the row."""

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", pgettext_lazy("mail kind", "Notice")
        DIGEST = "digest", pgettext_lazy("mail kind", "Daily digest")

    kind = models.CharField(pgettext_lazy("mail", "kind"), max_length=12, choices=Kind.choices)
    notification = models.ForeignKey(
        Notification, verbose_name=_("notification"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="+",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("digest day"), null=True, blank=True)
    address = models.CharField(_("e-mail address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    error = models.TextField(_("error"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    failed_at = models.DateTimeField(_("failed at"))
    requeued_at = models.DateTimeField(_("queued again at"), null=True, blank=True)

    class Meta:
        verbose_name = _("failed e-mail")
        verbose_name_plural = _("failed e-mails")
        ordering = ["-failed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification"], condition=models.Q(notification__isnull=False),
                name="mail_failure_one_per_notice",
            ),
            models.UniqueConstraint(
                fields=["recipient", "day"], condition=models.Q(kind="digest"),
                name="mail_failure_one_digest_a_day",
            ),
        ]

    def __str__(self):
        return f"{self.address}: {self.subject}"
