"""Allowance API (issue 5 §6): accounts with holdings and paginated ledger entries, surrender
requests with the four-eyes actions, and compliance status with rates. Reads go through
``scoping.for_user``; every write calls ``allowances.services.surrender`` via ``calls.call``
(service ValidationError → 400 with its message, PermissionDenied → 403; out of scope → 404)."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from allowances import rules
from allowances.api import serializers as s
from allowances.choices import EntryKind, UnitType
from allowances.filtersets import AccountFilterSet
from allowances.models import Allocation, AllowanceAccount, ComplianceCycle, SurrenderRequest
from allowances.selectors import accounts as acc
from allowances.selectors import allocations as alloc_sel
from allowances.selectors import compliance as sel
from allowances.services import allocation as allocation_svc
from allowances.services import surrender as svc
from reporting.api.calls import call
from zhongwei_carbon.api import (
    PLAIN_ARRAY,
    YEAR_QUERY,
    ActionPermission,
    ScopedQuerysetMixin,
    year_param,
)
from zhongwei_carbon.roles import Perm


class AllowanceAccountViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Allowance accounts in the caller's scope with CEA and CCER balances (t); the detail
    adds the holdings by unit type, vintage and CCER project."""

    view_action = Perm.VIEW_ACCOUNT
    queryset = AllowanceAccount.objects.all()
    serializer_class = s.AccountSerializer
    filterset_class = AccountFilterSet

    def get_queryset(self):
        return acc.accounts_for(self.request.user)

    def get_serializer_class(self):
        return s.AccountDetailSerializer if self.action == "retrieve" else s.AccountSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("cycle", YEAR_QUERY, description="Compliance year."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=EntryKind.values),
            OpenApiParameter("unit_type", OpenApiTypes.STR, enum=UnitType.values),
            OpenApiParameter("page", OpenApiTypes.INT),
        ],
        responses=s.EntryPageSerializer,
    )
    @action(detail=True, methods=["get"])
    def entries(self, request, pk=None):
        """Ledger entries of the account, newest first, paginated; filters: cycle (year),
        kind, unit_type."""
        account = self.get_object()
        qs = acc.entries_of(account)
        errors = {}
        try:
            cycle = year_param(request, "cycle")
        except DRFValidationError as exc:
            errors.update(exc.detail)
        else:
            if cycle is not None:
                qs = qs.filter(cycle__year=cycle)
        for name, choices, lookup in (
            ("kind", EntryKind, "kind"),
            ("unit_type", UnitType, "holding__unit_type"),
        ):
            value = request.query_params.get(name, "")
            if value and value not in choices.values:
                errors[name] = [_("Not a valid choice.")]
            elif value:
                qs = qs.filter(**{lookup: value})
        if errors:
            raise DRFValidationError(errors)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.EntrySerializer(page, many=True).data)


SURRENDER_ACTION_PERMS = {
    "create": Perm.REQUEST_SURRENDER,
    "approve": Perm.APPROVE_SURRENDER,
    "confirm": Perm.CONFIRM_SURRENDER,
    "reject": Perm.APPROVE_SURRENDER,
    "withdraw": Perm.REQUEST_SURRENDER,
}


class SurrenderViewSet(ScopedQuerysetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Surrender requests (清缴) in the caller's scope. The enterprise requests, one bureau user
    approves, a different one confirms; only the confirmation moves units."""

    view_action = Perm.VIEW_ACCOUNT
    queryset = SurrenderRequest.objects.select_related("account", "cycle").order_by(
        "-requested_at", "-pk"
    )
    serializer_class = s.SurrenderSerializer
    filterset_fields = ["status"]

    @property
    def change_action(self):
        return SURRENDER_ACTION_PERMS.get(getattr(self, "action", None))

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _response(self, obj, status=200):
        obj = self.queryset.get(pk=obj.pk)
        return Response(s.SurrenderSerializer(obj).data, status=status)

    @extend_schema(request=s.SurrenderInputSerializer, responses={201: s.SurrenderSerializer})
    def create(self, request, *args, **kwargs):
        """Request a surrender for the caller's enterprise: CEA lines (vintage, tonnes) and
        CCER lines (project, vintage, tonnes), checked against holdings and the 5 % CCER cap."""
        data = self._input(s.SurrenderInputSerializer)
        cycle = ComplianceCycle.objects.filter(year=data["cycle"]).first()
        if cycle is None:
            raise DRFValidationError({"cycle": [_("No compliance cycle for this year.")]})
        account = sel.account_of_user(request.user)
        if account is None:
            raise DRFValidationError({"non_field_errors": [_("No enterprise to act for.")]})
        obj = call(
            svc.surrender_request,
            actor=request.user,
            account=account,
            cycle=cycle,
            cea=[(r["vintage"], r["tonnes"]) for r in data.get("cea", [])],
            ccer=[(r["project"], r["vintage"], r["tonnes"]) for r in data.get("ccer", [])],
        )
        return self._response(obj, status=201)

    def _step(self, name, **kwargs):
        obj = self.get_object()
        obj = call(getattr(svc, f"surrender_{name}"), actor=self.request.user, request=obj, **kwargs)
        return self._response(obj)

    @extend_schema(request=None, responses=s.SurrenderSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """A bureau user approves a requested surrender."""
        return self._step("approve")

    @extend_schema(request=None, responses=s.SurrenderSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """A DIFFERENT bureau user confirms an approved surrender; the units move now."""
        return self._step("confirm")

    @extend_schema(request=s.ReasonSerializer, responses=s.SurrenderSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """The bureau rejects a requested or approved surrender, with a reason."""
        self.get_object()  # scope first: 404 before input errors
        data = self._input(s.ReasonSerializer)
        return self._step("reject", reason=data["reason"])

    @extend_schema(request=None, responses=s.SurrenderSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The enterprise withdraws its request before confirmation."""
        return self._step("withdraw")


CYCLE_PARAMETER = OpenApiParameter(
    "cycle", YEAR_QUERY, description="Compliance year; default the latest cycle."
)


class ComplianceViewSet(viewsets.GenericViewSet):
    """Compliance status of every enterprise in the caller's scope for one cycle, paginated
    like every list (``count``, ``next``, ``previous``, ``results``); the compliance rates
    (fractions, 4 places) for the city, by county/park and by sector: ``summary/``."""

    view_action = Perm.VIEW_COMPLIANCE
    permission_classes = [ActionPermission]
    serializer_class = s.ComplianceRowSerializer
    filter_backends = []  # its parameters are read (and documented) below

    @staticmethod
    def _cycle(year) -> ComplianceCycle:
        cycle = sel.cycle_from(year)
        if cycle is None:
            raise Http404
        return cycle

    @extend_schema(
        parameters=[
            CYCLE_PARAMETER,
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(rules.COMPLIANCE_STATUSES),
                             description="Only the rows of this status (the rates of "
                             "summary/ cover the whole scope)."),
            OpenApiParameter("ordering", OpenApiTypes.STR,
                             description=sel.COMPLIANCE_SORT.describe()),
        ],
    )
    def list(self, request):
        """One row per enterprise with a verified figure for the cycle year or an allowance
        account: obligation, surrendered (CEA, CCER), remaining, the day met, the status."""
        year = year_param(request, "cycle")
        status = request.query_params.get("status", "")
        if status and status not in rules.COMPLIANCE_STATUSES:
            raise DRFValidationError({"status": [_("Not a valid choice.")]})
        cycle = self._cycle(year)
        rows = sel.compliance_rows(request.user, cycle, status=status or None,
                                   ordering=request.query_params.get("ordering"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(parameters=[CYCLE_PARAMETER], responses=s.ComplianceSummarySerializer)
    @action(detail=False, methods=["get"], pagination_class=None)
    def summary(self, request):
        """The cycle, its surrender deadline and the compliance rates over every enterprise
        in the caller's scope: the city (or the scope), by county / park and by sector."""
        cycle = self._cycle(year_param(request, "cycle"))
        rates = sel.summary(request.user, cycle)
        payload = {
            "cycle": cycle,
            "deadline": sel.deadline_of(cycle),
            "city": _rate(rates.city),
            "by_area": [_rate(rate, name) for name, rate in rates.by_area],
            "by_sector": [_rate(rate, name) for name, rate in rates.by_sector],
        }
        return Response(s.ComplianceSummarySerializer(payload).data)


def _rate(rate, name=None) -> dict:
    out = {
        "due_count": rate.due_count,
        "complied_count": rate.complied_count,
        "due_tonnes": rate.due_tonnes,
        "surrendered_tonnes": rate.surrendered_tonnes,
        "by_count": rate.by_count,
        "by_tonnes": rate.by_tonnes,
    }
    if name is not None:
        out["name"] = name
    return out


class AllocationViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    """Notified allocations in the caller's scope with the portal's check values; filter
    ``cycle`` (year). The enterprise files an objection within the period (POST objections)."""

    view_action = Perm.VIEW_ALLOCATION
    queryset = Allocation.objects.select_related("enterprise", "cycle").order_by("cycle__year", "pk")
    serializer_class = s.AllocationSerializer

    @property
    def change_action(self):
        return Perm.OBJECT_TO_ALLOCATION if getattr(self, "action", "") == "file_objection" else None

    @extend_schema(
        parameters=[OpenApiParameter("cycle", YEAR_QUERY, description="Compliance year.")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        action = self.change_action or self.view_action
        return alloc_sel.allocations_for(self.request.user, action).order_by("cycle__year", "pk")

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "bureau": alloc_sel.shows_check_values(self.request.user),
        }

    def filter_queryset(self, queryset):
        if self.action == "list" and (cycle := year_param(self.request, "cycle")) is not None:
            queryset = queryset.filter(cycle__year=cycle)
        return super().filter_queryset(queryset)

    @extend_schema(responses=s.AllocationObjectionSerializer(many=True))
    @action(detail=True, methods=["get"], **PLAIN_ARRAY)
    def objections(self, request, pk=None):
        """Objections to the allocation, oldest first."""
        allocation = self.get_object()
        rows = allocation.objections.order_by("filed_at", "pk")
        return Response(s.AllocationObjectionSerializer(rows, many=True).data)

    @extend_schema(
        request=s.AllocationObjectionInputSerializer,
        responses={201: s.AllocationObjectionSerializer},
    )
    @objections.mapping.post
    def file_objection(self, request, pk=None):
        """The enterprise objects within 7 working days of the notice (once per notice)."""
        allocation = self.get_object()
        data = s.AllocationObjectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = call(
            allocation_svc.objection_file, actor=request.user, allocation=allocation,
            reasons=data.validated_data["reasons"],
        )
        return Response(s.AllocationObjectionSerializer(objection).data, status=201)
