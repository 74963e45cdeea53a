"""API of the programme's task tracker: read-only tasks (with their units, sub-items and
milestones) and progress reports (with figures and attachment names), scoped like the pages
(the bureau everything but other units' drafts; an official or liaison the tasks its unit
takes part in and its own unit's reports), filtered by the pages' FilterSets."""

from rest_framework import serializers, viewsets

from programme.api.urls import router
from programme.models import ProgrammeTask, ProgressReport, ReportFigure, TaskMilestone, TaskUnit
from programme.selectors import tasks as selectors
from programme.tasks_choices import ReportStatus, TaskStatus, UnitRole
from programme.tasks_filtersets import ProgressReportFilterSet, TaskFilterSet
from zhongwei_carbon.api import ChoiceLabelField, ScopedQuerysetMixin
from zhongwei_carbon.roles import Perm


class TaskUnitSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)
    role_label = ChoiceLabelField(UnitRole.choices, source="role")

    class Meta:
        model = TaskUnit
        fields = ["id", "role", "role_label", "area", "department", "name"]
        read_only_fields = fields


class TaskMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskMilestone
        fields = ["id", "title", "due_date", "done_on"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    status_label = ChoiceLabelField(TaskStatus.choices, source="status")
    units = TaskUnitSerializer(many=True, read_only=True)
    items = serializers.SlugRelatedField(many=True, read_only=True, slug_field="text")
    milestones = TaskMilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = ProgrammeTask
        fields = ["id", "number", "title", "description", "status", "status_label", "due_date",
                  "reports_from", "closed_on", "units", "items", "milestones"]
        read_only_fields = fields


class ProgressFigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportFigure
        fields = ["label", "value", "unit"]
        read_only_fields = fields


class ProgressReportSerializer(serializers.ModelSerializer):
    task = serializers.IntegerField(source="unit.task_id", read_only=True)
    unit_name = serializers.CharField(source="unit.__str__", read_only=True)
    status_label = ChoiceLabelField(ReportStatus.choices, source="status")
    due_date = serializers.DateField(source="due", read_only=True)
    figures = ProgressFigureSerializer(many=True, read_only=True)
    attachments = serializers.SlugRelatedField(many=True, read_only=True,
                                               slug_field="original_name")

    class Meta:
        model = ProgressReport
        fields = ["id", "task", "unit", "unit_name", "year", "period", "status", "status_label",
                  "due_date", "text", "figures", "attachments", "submitted_at", "reviewed_at",
                  "review_note", "times_returned"]
        read_only_fields = fields


class ProgrammeTaskViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """The programme's tasks (卫政办发〔2023〕61号) with units, sub-items and milestones."""

    queryset = ProgrammeTask.objects.prefetch_related(
        selectors.units_prefetch(), "items", "milestones").order_by("number")
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    view_action = Perm.VIEW_PROGRAMME_TASK


class ProgressReportViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Progress reports of the task units by quarter, with figures and attachment names."""

    queryset = ProgressReport.objects.all()
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilterSet
    view_action = Perm.VIEW_PROGRESS_REPORT

    def get_queryset(self):
        qs = selectors.reports_for(self.request.user)  # drafts of other units hidden
        return qs.prefetch_related("figures", "attachments")


router.register("programme-tasks", ProgrammeTaskViewSet, basename="programme-task")
router.register("progress-reports", ProgressReportViewSet, basename="progress-report")
