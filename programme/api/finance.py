"""API of the programme's finance topic: the climate-finance project library, read-only,
scoped like the pages (``programme.selectors.finance.projects_for``: a bank liaison sees only
the projects pushed to its bank, and of their pushes only its own)."""

from rest_framework import serializers, viewsets

from programme.api.urls import router
from programme.finance_filters import ClimateProjectFilterSet
from programme.models import ClimateProject, ClimateProjectShare, ShareKind
from programme.selectors import finance as sel
from zhongwei_carbon.api import ActionPermission
from zhongwei_carbon.roles import Perm


class ClimateShareSerializer(serializers.ModelSerializer):
    bank = serializers.CharField(source="department.name")

    class Meta:
        model = ClimateProjectShare
        fields = ["bank", "shared_at", "response", "loan_amount", "response_date",
                  "response_note"]


class ClimateProjectSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.name")
    enterprise = serializers.CharField(source="enterprise.name", default=None)
    banks = serializers.SerializerMethodField()

    class Meta:
        model = ClimateProject
        fields = ["id", "title", "area", "enterprise", "category", "subtype",
                  "total_investment", "financing_need", "annual_reduction", "description",
                  "status", "submitted_at", "banks"]

    def get_banks(self, obj) -> list[dict]:
        user = self.context["request"].user
        return ClimateShareSerializer(
            sel.shares_of(obj, user).filter(kind=ShareKind.PUSH), many=True).data


class ClimateProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Climate-finance projects in the caller's scope, with the banks they were pushed to."""

    view_action = Perm.VIEW_CLIMATE_PROJECT
    permission_classes = [ActionPermission]
    queryset = ClimateProject.objects.all()
    serializer_class = ClimateProjectSerializer
    filterset_class = ClimateProjectFilterSet

    def get_queryset(self):
        return sel.projects_for(self.request.user).order_by("-created_at", "-id")


router.register("climate-projects", ClimateProjectViewSet, basename="climate-project")
