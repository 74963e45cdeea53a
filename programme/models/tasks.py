"""Models of the programme's task tracker (卫政办发〔2023〕61号): the tasks, their lead and
supporting units (a county/park or a city department/bank, exactly one: a database check),
sub-items and milestones, and each unit's periodic progress reports with their figures and
attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programme import tasks_rules as rules
from programme.tasks_choices import ReportStatus, TaskStatus, UnitRole

__all__ = ["ProgrammeTask", "TaskUnit", "TaskItem", "TaskMilestone", "ProgressReport",
           "ReportFigure", "ReportAttachment"]


class ProgrammeTask(models.Model):
    """One task of the city's plan (the seed's 12, and later ones the bureau adds)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices,
                              default=TaskStatus.PLANNED)
    reports_from = models.DateField(
        _("progress reports from"),
        help_text=_("Units report for every quarter from the quarter of this date."),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme task")
        verbose_name_plural = _("programme tasks")
        ordering = ["number"]

    def __str__(self):
        return _("Task %(number)s: %(title)s") % {"number": self.number, "title": self.title}

    def get_absolute_url(self):
        return reverse("programme:task_detail", kwargs={"pk": self.pk})

    def units_in(self, role: str) -> list:
        """The task's units of ``role`` (read from the prefetched units)."""
        return [u for u in self.units.all() if u.role == role]

    @property
    def lead_units(self) -> list:
        return self.units_in(UnitRole.LEAD)

    @property
    def supporting_units(self) -> list:
        return self.units_in(UnitRole.SUPPORTING)


class TaskUnit(models.Model):
    """A unit responsible for a task: a county/park (``area``) or a city department or bank
    (``department``), never both, never neither (database check)."""

    task = models.ForeignKey(ProgrammeTask, verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="units")
    role = models.CharField(_("role"), max_length=12, choices=UnitRole.choices,
                            default=UnitRole.SUPPORTING)
    area = models.ForeignKey("registry.Area", verbose_name=_("area"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="+")
    department = models.ForeignKey("registry.Department", verbose_name=_("department"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="programme_units")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task unit")
        verbose_name_plural = _("task units")
        # counties and parks first, then the departments (the plan's order)
        ordering = ["task__number", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(area__isnull=False, department__isnull=True)
                           | Q(area__isnull=True, department__isnull=False)),
                name="programme_taskunit_area_xor_department",
            ),
            models.UniqueConstraint(fields=["task", "area"], condition=Q(area__isnull=False),
                                    name="programme_taskunit_unique_area"),
            models.UniqueConstraint(fields=["task", "department"],
                                    condition=Q(department__isnull=False),
                                    name="programme_taskunit_unique_department"),
        ]

    def __str__(self):
        return str(self.area if self.area_id else self.department)

    @property
    def organisation(self):
        return self.area if self.area_id else self.department

    @property
    def is_bureau(self) -> bool:
        return bool(self.department_id) and self.department.code == rules.BUREAU_UNIT_CODE


class TaskItem(models.Model):
    """A sub-item of a task (what the plan lists under it)."""

    task = models.ForeignKey(ProgrammeTask, verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="items")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("sub-item"), max_length=300)

    class Meta:
        verbose_name = _("task sub-item")
        verbose_name_plural = _("task sub-items")
        ordering = ["task", "position", "pk"]

    def __str__(self):
        return self.text


class TaskMilestone(models.Model):
    """A dated step of a task; done when its done date is recorded."""

    task = models.ForeignKey(ProgrammeTask, verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task milestone")
        verbose_name_plural = _("task milestones")
        ordering = ["task", "due_date", "pk"]

    def __str__(self):
        return self.title


class ProgressReport(models.Model):
    """A unit's progress report of one period (``year``, quarter ``period``)."""

    unit = models.ForeignKey(TaskUnit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    text = models.TextField(_("progress"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"),
                                    on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    times_returned = models.PositiveSmallIntegerField(_("times returned"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-year", "-period", "unit__task__number", "unit__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "period"],
                                    name="programme_report_one_per_unit_period"),
            models.CheckConstraint(condition=Q(period__gte=1, period__lte=rules.PERIODS_PER_YEAR),
                                   name="programme_report_period_range"),
        ]

    def __str__(self):
        return _("%(unit)s · %(period)s") % {"unit": self.unit, "period": self.period_label}

    def get_absolute_url(self):
        return reverse("programme:report_detail", kwargs={"pk": self.pk})

    @property
    def reporting_period(self) -> rules.Period:
        return rules.Period(self.year, self.period)

    @property
    def period_label(self) -> str:
        return _("Q%(n)s %(year)s") % {"n": self.period, "year": self.year}

    @property
    def due(self):
        return self.reporting_period.due

    @property
    def is_editable(self) -> bool:
        return self.status in rules.EDITABLE


class ReportFigure(models.Model):
    """A figure of a progress report: label, value (Decimal) and its unit."""

    report = models.ForeignKey(ProgressReport, verbose_name=_("progress report"),
                               on_delete=models.CASCADE, related_name="figures")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("figure"), max_length=120)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    unit = models.CharField(_("unit of measure"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("report figure")
        verbose_name_plural = _("report figures")
        ordering = ["report", "position", "pk"]

    def __str__(self):
        return f"{self.label}: {self.shown_value} {self.unit}".strip()

    @property
    def shown_value(self) -> str:
        """The value without trailing zeros, with thousands separators (12,500.5)."""
        return f"{self.value.normalize():,f}"


class ReportAttachment(models.Model):
    """A checked document (PDF, PNG or JPEG) attached to a progress report."""

    report = models.ForeignKey(ProgressReport, verbose_name=_("progress report"),
                               on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="programme/reports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name
