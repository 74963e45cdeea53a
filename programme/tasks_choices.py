"""Choices of the programme's task tracker (卫政办发〔2023〕61号)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TaskStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("programme task", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("programme task", "In progress")
    CLOSED = "closed", pgettext_lazy("programme task", "Closed")


class UnitRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    SUPPORTING = "supporting", _("Supporting unit")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("progress report", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("progress report", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("progress report", "Accepted")
    RETURNED = "returned", pgettext_lazy("progress report", "Returned for more")
