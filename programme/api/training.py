"""API of the programme's training topic: sessions with the attendees the caller may read,
read-only, scoped like the pages (``programme.selectors.training``)."""

from rest_framework import serializers, viewsets

from programme.api.urls import router
from programme.filtersets.training import TrainingSessionFilterSet
from programme.models import TrainingAttendance, TrainingSession
from programme.selectors import training as sel
from zhongwei_carbon.api import ActionPermission
from zhongwei_carbon.roles import Perm


class AttendanceSerializer(serializers.ModelSerializer):
    organisation = serializers.SerializerMethodField()

    class Meta:
        model = TrainingAttendance
        fields = ["id", "enterprise", "department", "area", "organisation", "person_name",
                  "position"]
        read_only_fields = fields

    def get_organisation(self, obj) -> str:
        return str(obj.organisation)


class TrainingSessionSerializer(serializers.ModelSerializer):
    organiser_name = serializers.CharField(read_only=True)
    attendee_count = serializers.IntegerField(read_only=True)
    attendees = serializers.SerializerMethodField()

    class Meta:
        model = TrainingSession
        fields = ["id", "title", "held_on", "organiser", "organiser_name", "place", "topic",
                  "hours", "description", "attendee_count", "attendees"]
        read_only_fields = fields

    def get_attendees(self, obj) -> AttendanceSerializer(many=True):
        rows = sel.session_attendees(self.context["request"].user, obj)
        return AttendanceSerializer(rows, many=True).data


class TrainingSessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Training sessions (task 9) with the attendees the caller may read: the bureau (and a
    liaison granted ``training``) every one, a county its enterprises', an enterprise its own."""

    serializer_class = TrainingSessionSerializer
    filterset_class = TrainingSessionFilterSet
    permission_classes = [ActionPermission]
    view_action = Perm.VIEW_TRAINING
    queryset = TrainingSession.objects.none()  # the schema's model; rows from the selector

    def get_queryset(self):
        return sel.sessions_for(self.request.user)


router.register("training-sessions", TrainingSessionViewSet, basename="training-session")
