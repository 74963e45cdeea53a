"""API of the programme's departments topic: the departments and banks, read-only, scoped
like the pages (the bureau every one, a liaison his own; others 403)."""

from rest_framework import serializers, viewsets

from programme.api.urls import router
from programme.filtersets.departments import DepartmentFilterSet
from programme.selectors.departments import departments_for
from registry.choices import Dataset, DepartmentKind
from registry.models import Department, DepartmentGrant
from zhongwei_carbon.api import ActionPermission, ChoiceLabelField
from zhongwei_carbon.roles import Perm


class GrantSerializer(serializers.ModelSerializer):
    dataset_label = ChoiceLabelField(Dataset.choices, source="dataset")

    class Meta:
        model = DepartmentGrant
        fields = ["id", "dataset", "dataset_label", "note", "granted_at"]
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer):
    kind_label = ChoiceLabelField(DepartmentKind.choices, source="kind")
    member_count = serializers.IntegerField(read_only=True, help_text="Active liaisons.")
    grants = GrantSerializer(many=True, read_only=True, source="active_grants")

    class Meta:
        model = Department
        fields = ["id", "code", "name", "name_en", "kind", "kind_label", "is_active",
                  "member_count", "grants"]
        read_only_fields = fields


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Departments and banks of the reform programme, with their active data grants."""

    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    permission_classes = [ActionPermission]
    view_action = Perm.VIEW_DEPARTMENT
    queryset = Department.objects.none()  # the schema's model; rows come from the selector

    def get_queryset(self):
        return departments_for(self.request.user)


router.register("departments", DepartmentViewSet, basename="department")
