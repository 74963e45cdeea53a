"""Allowance API serializers: read shapes of accounts, holdings, ledger entries, surrender
requests and compliance rows, and the input of a surrender request (the services do the work).
Codes (status, kind, unit type) are plain strings here, their values listed in help texts."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from allowances.choices import (
    AllocationMethod,
    AllocationStatus,
    EntryKind,
    ObjectionStatus,
    SurrenderStatus,
    UnitType,
)
from allowances.models import (
    Allocation,
    AllocationObjection,
    AllowanceAccount,
    Holding,
    LedgerEntry,
    SurrenderRequest,
)


def _codes(choices) -> str:
    return ", ".join(choices.values)


class HoldingSerializer(serializers.ModelSerializer):
    unit_type = serializers.CharField(help_text=_codes(UnitType))
    project_code = serializers.CharField(source="project.code", default=None, allow_null=True)

    class Meta:
        model = Holding
        fields = ["id", "unit_type", "vintage", "project", "project_code", "quantity"]
        read_only_fields = fields


class AccountSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name")
    uscc = serializers.CharField(source="enterprise.uscc")
    area = serializers.IntegerField(source="enterprise.area_id")
    cea_balance = serializers.IntegerField(help_text="Allowances held (t).")
    ccer_balance = serializers.IntegerField(help_text="CCER held (t).")

    class Meta:
        model = AllowanceAccount
        fields = [
            "id", "enterprise", "enterprise_name", "uscc", "area", "opened_at",
            "cea_balance", "ccer_balance",
        ]
        read_only_fields = fields


class AccountDetailSerializer(AccountSerializer):
    holdings = serializers.SerializerMethodField()

    class Meta(AccountSerializer.Meta):
        fields = [*AccountSerializer.Meta.fields, "holdings"]
        read_only_fields = fields

    @extend_schema_field(HoldingSerializer(many=True))
    def get_holdings(self, obj):
        from allowances.selectors.accounts import holdings_of

        return HoldingSerializer(holdings_of(obj), many=True).data


class EntrySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=_codes(EntryKind))
    unit_type = serializers.CharField(source="holding.unit_type", help_text=_codes(UnitType))
    vintage = serializers.IntegerField(source="holding.vintage")
    project = serializers.IntegerField(source="holding.project_id", allow_null=True)
    cycle = serializers.IntegerField(source="cycle.year", default=None, allow_null=True)

    class Meta:
        model = LedgerEntry
        fields = [
            "id", "created_at", "kind", "unit_type", "vintage", "project", "cycle", "quantity",
            "serial_start", "serial_end", "reference", "reverses",
        ]
        read_only_fields = fields


class EntryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EntrySerializer(many=True)


class SurrenderSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text=_codes(SurrenderStatus))
    enterprise = serializers.IntegerField(source="account.enterprise_id")
    cycle = serializers.IntegerField(source="cycle.year")
    cea = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="[[vintage, tonnes], ...]",
    )
    ccer = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="[[project id, vintage, tonnes], ...]",
    )

    class Meta:
        model = SurrenderRequest
        fields = [
            "id", "account", "enterprise", "cycle", "cea", "ccer", "status",
            "requested_at", "requested_by", "approved_at", "approved_by",
            "confirmed_at", "confirmed_by", "note",
        ]
        read_only_fields = fields


class CeaLineSerializer(serializers.Serializer):
    vintage = serializers.IntegerField(min_value=2000, max_value=2100)
    tonnes = serializers.IntegerField(min_value=0)


class CcerLineSerializer(CeaLineSerializer):
    project = serializers.IntegerField(help_text="CCER project id.")


class SurrenderInputSerializer(serializers.Serializer):
    cycle = serializers.IntegerField(help_text="Compliance year.")
    cea = CeaLineSerializer(many=True, required=False)
    ccer = CcerLineSerializer(many=True, required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=500)


class RateSerializer(serializers.Serializer):
    due_count = serializers.IntegerField()
    complied_count = serializers.IntegerField()
    due_tonnes = serializers.IntegerField()
    surrendered_tonnes = serializers.IntegerField()
    by_count = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    by_tonnes = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)


class GroupRateSerializer(RateSerializer):
    name = serializers.CharField()


class ComplianceRowSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise.pk")
    enterprise_name = serializers.CharField(source="enterprise.name")
    uscc = serializers.CharField(source="enterprise.uscc")
    area = serializers.IntegerField(source="enterprise.area_id")
    obligation = serializers.IntegerField(allow_null=True)
    cea = serializers.IntegerField()
    ccer = serializers.IntegerField()
    surrendered = serializers.IntegerField()
    remaining = serializers.IntegerField(
        allow_null=True, help_text="Still to surrender (t); null while the obligation is unknown."
    )
    met_on = serializers.DateField(allow_null=True)
    status = serializers.CharField(help_text="not_due, in_progress, complied, complied_late, short")


class ComplianceSummarySerializer(serializers.Serializer):
    cycle = serializers.IntegerField(source="cycle.year")
    deadline = serializers.DateField(allow_null=True, help_text="The surrender deadline.")
    city = RateSerializer(help_text="Over every enterprise in the caller's scope.")
    by_area = GroupRateSerializer(many=True)
    by_sector = GroupRateSerializer(many=True)


class AllocationObjectionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text=_codes(ObjectionStatus))

    class Meta:
        model = AllocationObjection
        fields = ["id", "reasons", "filed_at", "filed_by", "decision_due", "status",
                  "decision_note", "decided_at"]
        read_only_fields = fields


class AllocationSerializer(serializers.ModelSerializer):
    cycle = serializers.IntegerField(source="cycle.year")
    uscc = serializers.CharField(source="enterprise.uscc")
    method = serializers.CharField(help_text=_codes(AllocationMethod))
    status = serializers.CharField(help_text=_codes(AllocationStatus))
    difference = serializers.IntegerField(
        allow_null=True, help_text="notified − computed (t); null for others than the bureau."
    )

    class Meta:
        model = Allocation
        fields = [
            "id", "cycle", "enterprise", "uscc", "method", "pre_allocation",
            "pre_allocation_check", "notified", "computed", "difference", "check_problem",
            "notice_reference", "notice_date", "notified_on", "objection_deadline", "status",
        ]
        read_only_fields = fields
        # the portal's check values are null for every user but the bureau's
        extra_kwargs = {
            name: {"allow_null": True, "help_text": "The bureau's check value; null for others."}
            for name in ("pre_allocation_check", "computed", "check_problem")
        }

    CHECK_FIELDS = ("pre_allocation_check", "computed", "difference", "check_problem")

    def to_representation(self, instance):
        """The portal's check values are the bureau's working figures: null for others."""
        data = super().to_representation(instance)
        if not self.context.get("bureau"):
            for name in self.CHECK_FIELDS:
                data[name] = None
        return data


class AllocationObjectionInputSerializer(serializers.Serializer):
    reasons = serializers.CharField(max_length=5000)
