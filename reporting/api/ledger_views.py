"""Monthly-ledger API: scoped reads with the fuel lines, and JSON actions that call
``reporting.services.ledgers`` (save a draft month, submit, county check, close)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from registry.models import Facility
from reporting import models as m
from reporting.api import serializers as s
from reporting.api.calls import call
from reporting.filtersets import LedgerFilterSet
from reporting.services import ledgers
from zhongwei_carbon import scoping
from zhongwei_carbon.api import ScopedQuerysetMixin
from zhongwei_carbon.roles import Perm

LEDGER_ACTION_PERMS = {
    "create": Perm.EDIT_LEDGER,
    "submit": Perm.EDIT_LEDGER,
    "county_check": Perm.COUNTY_CHECK_LEDGER,
    "close": Perm.CLOSE_LEDGER,
}


class LedgerViewSet(ScopedQuerysetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly ledgers (月度台账) in the caller's scope, each with its fuel lines."""

    view_action = Perm.VIEW_LEDGER
    queryset = m.MonthlyLedger.objects.prefetch_related("lines")
    serializer_class = s.LedgerSerializer
    filterset_class = LedgerFilterSet

    @property
    def change_action(self):
        return LEDGER_ACTION_PERMS.get(getattr(self, "action", None))

    def _fresh(self, ledger, status=200):
        ledger = m.MonthlyLedger.objects.prefetch_related("lines").get(pk=ledger.pk)
        return Response(s.LedgerSerializer(ledger).data, status=status)

    @extend_schema(
        request=s.LedgerSaveSerializer,
        responses={200: s.LedgerSerializer, 201: s.LedgerSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Create or update the draft (or returned) ledger of one facility and month.
        ``lines`` replace the month's fuel lines; left out, the old lines are kept."""
        facilities = scoping.for_user(Facility.objects.all(), request.user, Perm.EDIT_LEDGER)
        serializer = s.LedgerSaveSerializer(data=request.data, facilities=facilities)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        facility, year, month = data.pop("facility"), data.pop("year"), data.pop("month")
        existing = m.MonthlyLedger.objects.filter(facility=facility, year=year, month=month).first()
        lines = data.pop("lines", None)
        if lines is None:
            lines = [
                {"fuel": line.fuel, **{k: getattr(line, k) for k in ledgers.LINE_FIELDS}}
                for line in (existing.lines.select_related("fuel") if existing else [])
            ]
        ledger = call(
            ledgers.ledger_save,
            actor=request.user,
            facility=facility,
            year=year,
            month=month,
            data=data,
            lines=[dict(line) for line in lines],
        )
        return self._fresh(ledger, status=200 if existing else 201)

    @extend_schema(request=None, responses=s.LedgerSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The enterprise submits the month."""
        ledger = call(ledgers.ledger_submit, actor=request.user, ledger=self.get_object())
        return self._fresh(ledger)

    @extend_schema(request=s.LedgerCountyCheckSerializer, responses=s.LedgerSerializer)
    @action(detail=True, methods=["post"], url_path="county-check", url_name="county-check")
    def county_check(self, request, pk=None):
        """The county/park official passes the month or returns it with reasons."""
        ledger = self.get_object()
        serializer = s.LedgerCountyCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["decision"] == "pass":
            ledger = call(ledgers.ledger_county_pass, actor=request.user, ledger=ledger)
        else:
            ledger = call(
                ledgers.ledger_county_return,
                actor=request.user,
                ledger=ledger,
                reason=data.get("reason", ""),
            )
        return self._fresh(ledger)

    @extend_schema(request=None, responses=s.LedgerSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The city bureau closes the month."""
        ledger = call(ledgers.ledger_close, actor=request.user, ledger=self.get_object())
        return self._fresh(ledger)
