"""Credit API: grades (scoped like the pages: the bureau all, an area official its area's
enterprises, a subject its own) and objections (read, and filed by the subject's user)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from credit.api import serializers as s
from credit.models import CreditEvent, CreditObjection, SubjectGrade
from credit.selectors import grading as sel
from credit.services import objections as svc
from reporting.api.calls import call
from zhongwei_carbon.api import YEAR_QUERY, ScopedQuerysetMixin, year_param
from zhongwei_carbon.roles import Perm


class SubjectGradeViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Credit grades (provisional once frozen, final once published), filter ``?year=``."""

    queryset = SubjectGrade.objects.select_related("credit_year", "enterprise", "agency")
    view_action = Perm.VIEW_CREDIT_GRADE

    def get_serializer_class(self):
        return (s.SubjectGradeDetailSerializer if self.action == "retrieve"
                else s.SubjectGradeSerializer)

    @extend_schema(parameters=[OpenApiParameter("year", YEAR_QUERY, description="Year.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list" and (year := year_param(self.request, "year")) is not None:
            queryset = queryset.filter(credit_year__year=year)
        return queryset.order_by("-credit_year__year", sel.GRADE_ORDER, "pk")


class CreditObjectionViewSet(ScopedQuerysetMixin, mixins.CreateModelMixin,
                             viewsets.ReadOnlyModelViewSet):
    """Objections to events of provisional grades; POST files one (the subject's user,
    within the window, once per event)."""

    queryset = CreditObjection.objects.select_related("grade", "event").order_by("-filed_at",
                                                                                  "-pk")
    serializer_class = s.CreditObjectionSerializer
    view_action = Perm.VIEW_CREDIT_GRADE
    change_action = Perm.OBJECT_TO_CREDIT

    @extend_schema(request=s.CreditObjectionInputSerializer,
                   responses={201: s.CreditObjectionSerializer})
    def create(self, request, *args, **kwargs):
        data = s.CreditObjectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grade = sel.grades_for(request.user, Perm.OBJECT_TO_CREDIT).filter(
            pk=data.validated_data["grade"]).first()
        if grade is None or data.validated_data["event"] not in svc.events_on_card(grade):
            raise Http404
        event = CreditEvent.objects.get(pk=data.validated_data["event"])
        objection = call(svc.file_objection, actor=request.user, grade=grade, event=event,
                         reasons=data.validated_data["reasons"])
        return Response(s.CreditObjectionSerializer(objection).data, status=201)
