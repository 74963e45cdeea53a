"""API of the programme's ccer topic: the CCER project library, read-only and scoped like its
pages (the bureau all, an area official his area's projects, an enterprise its own, a liaison
the whole library through his unit's ``ccer_library`` grant, else 403)."""

from rest_framework import permissions, serializers, viewsets

from programme.api.urls import router
from programme.forms.ccer import CCERProjectFilterSet
from programme.models import CCERLibraryProject, CCERReduction, CCERStage, CCERType
from programme.selectors import ccer as sel
from zhongwei_carbon.api import ActionPermission, ChoiceLabelField
from zhongwei_carbon.roles import Perm


class CCERReductionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CCERReduction
        fields = ["year", "expected_tco2e", "issued_tco2e"]
        read_only_fields = fields


class CCERProjectSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    project_type_label = ChoiceLabelField(CCERType.choices, source="project_type")
    stage_label = ChoiceLabelField(CCERStage.choices, source="stage")
    registration_code = serializers.CharField(source="registered_project.code", default="",
                                              read_only=True)
    expected_total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    issued_total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = CCERLibraryProject
        fields = ["id", "code", "name", "owner", "owner_enterprise", "area", "area_name",
                  "project_type", "project_type_label", "methodology_code", "methodology_name",
                  "capacity", "capacity_unit", "crediting_start", "crediting_end", "stage",
                  "stage_label", "design_on", "validation_on", "registered_on", "issued_on",
                  "withdrawn_on", "registration_code", "expected_total", "issued_total"]
        read_only_fields = fields


class CCERProjectDetailSerializer(CCERProjectSerializer):
    reductions = CCERReductionSerializer(many=True, read_only=True)

    class Meta(CCERProjectSerializer.Meta):
        fields = [*CCERProjectSerializer.Meta.fields, "description", "reductions"]
        read_only_fields = fields


class LibraryPermission(ActionPermission):
    """The role's permission, and a liaison's unit's grant (``selectors.ccer.may_read``)."""

    def has_permission(self, request, view):
        allowed = super().has_permission(request, view)
        if not allowed or request.method not in permissions.SAFE_METHODS:
            return allowed
        return request.method not in view.allowed_methods or sel.may_read(request.user)


class CCERProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """CCER library projects with their expected and issued totals (tCO2e); filters
    ``?q=&project_type=&stage=&area=``; a project's page adds its reductions by year."""

    view_action = Perm.VIEW_CCER_LIBRARY
    permission_classes = [LibraryPermission]
    filterset_class = CCERProjectFilterSet
    queryset = CCERLibraryProject.objects.none()  # the schema's model; rows: get_queryset

    def get_queryset(self):
        qs = sel.projects_for(self.request.user).order_by("code")
        return qs.prefetch_related("reductions") if self.action == "retrieve" else qs

    def get_serializer_class(self):
        return CCERProjectDetailSerializer if self.action == "retrieve" else CCERProjectSerializer


router.register("ccer-projects", CCERProjectViewSet, basename="ccer-project")
