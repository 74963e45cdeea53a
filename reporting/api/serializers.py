from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.models import Facility
from reporting import models as m
from reporting.choices import RecheckDecision, ReportStatus, SourceKind
from verifiers.models import Agency
from zhongwei_carbon import advisories
from zhongwei_carbon.api import ChoiceLabelField


class FuelFactorSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.FuelFactor
        fields = [
            "id",
            "fuel",
            "valid_from_year",
            "ncv",
            "carbon_content",
            "oxidation_rate",
            "source",
        ]


class FuelTypeSerializer(serializers.ModelSerializer):
    factors = FuelFactorSerializer(many=True, read_only=True)

    class Meta:
        model = m.FuelType
        fields = ["id", "code", "name", "name_en", "unit", "factors"]


class EmissionFactorSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.EmissionFactor
        fields = ["id", "kind", "region", "data_year", "value", "source"]


class FactorApplicabilitySerializer(serializers.ModelSerializer):
    factor = EmissionFactorSerializer(read_only=True)

    class Meta:
        model = m.FactorApplicability
        fields = ["id", "reporting_year", "kind", "factor", "note"]


class ReportingYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.ReportingYear
        fields = [
            "id",
            "year",
            "ledger_upload_days",
            "ledger_county_check_days",
            "ledger_close_days",
            "report_due",
            "report_county_check_days",
            "report_city_due",
            "ledger_tolerance",
            "objection_working_days",
            "objection_decision_working_days",
            "source",
        ]


# --- annual reports (read) -------------------------------------------------------------------


class ReportLineSerializer(serializers.ModelSerializer):
    source_kind_display = ChoiceLabelField(SourceKind.choices, source="source_kind")

    class Meta:
        model = m.ReportLine
        fields = [
            "id",
            "facility",
            "source_kind",
            "source_kind_display",
            "fuel",
            "process_formula",
            "activity",
            "ncv",
            "carbon_content",
            "oxidation_rate",
            "factor",
            "parameters",
            "emissions",
            "note",
        ]
        read_only_fields = fields


class ReportVersionSerializer(serializers.ModelSerializer):
    lines = ReportLineSerializer(many=True, read_only=True)
    is_frozen = serializers.BooleanField(read_only=True)

    class Meta:
        model = m.ReportVersion
        fields = [
            "id",
            "number",
            "created_at",
            "submitted_at",
            "submitted_by",
            "certification",
            "total_emissions",
            "ledger_total",
            "deviation_flagged",
            "is_frozen",
            "lines",
        ]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    status_display = ChoiceLabelField(ReportStatus.choices, source="status")
    version = serializers.IntegerField(
        source="current_version.number", read_only=True, allow_null=True
    )
    total_emissions = serializers.DecimalField(
        source="current_version.total_emissions",
        max_digits=14,
        decimal_places=2,
        read_only=True,
        allow_null=True,
    )

    reported_total = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True,
        help_text="The enterprise's figure: the current version's total (tCO2e).",
    )
    verified_total = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True,
        help_text="The verified figure accepted on re-check (tCO2e); null until then.",
    )
    verified_difference = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True,
        help_text="verified_total − reported_total (tCO2e); null until verified.",
    )

    class Meta:
        model = m.AnnualReport
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "year",
            "status",
            "status_display",
            "version",
            "reported_total",
            "verified_total",
            "verified_difference",
            "total_emissions",
            "county_note",
            "agency",
            "verification_due",
            "verification_round",
            "final_emissions",
            "final_at",
            "objection_deadline",
        ]
        read_only_fields = fields


# --- annual reports (actions: input only; the services do the work) ---------------------------


class CountyDecision(models.TextChoices):
    """The county/park technical check of a report or a ledger."""

    PASS = "pass", _("Pass")
    RETURN = "return", _("Return with reasons")


class ReportStartSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(
        required=False, help_text="Needed only when the user belongs to several enterprises."
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class ReportLineInputSerializer(serializers.Serializer):
    facility = serializers.PrimaryKeyRelatedField(
        queryset=Facility.objects.all(), required=False, allow_null=True
    )
    source_kind = serializers.ChoiceField(choices=SourceKind.choices)
    fuel = serializers.PrimaryKeyRelatedField(
        queryset=m.FuelType.objects.all(), required=False, allow_null=True
    )
    process_formula = serializers.CharField(required=False, allow_blank=True, max_length=32)
    activity = serializers.DecimalField(
        max_digits=16, decimal_places=4, required=False, allow_null=True
    )
    ncv = serializers.DecimalField(max_digits=12, decimal_places=4, required=False, allow_null=True)
    carbon_content = serializers.DecimalField(
        max_digits=10, decimal_places=6, required=False, allow_null=True
    )
    parameters = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=6), required=False
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def __init__(self, *args, enterprise=None, **kwargs):
        """Only ``enterprise``'s facilities are valid: another enterprise's id gives the same
        "invalid pk" error as an id that does not exist."""
        super().__init__(*args, **kwargs)
        qs = Facility.objects.filter(enterprise=enterprise) if enterprise else Facility.objects.none()
        self.fields["facility"].queryset = qs


class SubmitSerializer(serializers.Serializer):
    certification = serializers.CharField(allow_blank=True)


class CountyCheckSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=CountyDecision.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class AssignSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    due = serializers.DateField()
    acknowledge_credit = serializers.BooleanField(
        required=False, default=False,
        help_text="Needed (true) to assign an agency whose advisory requires an acknowledgement "
                  "(graded red in the credit evaluation); refused with a 400 under this name "
                  "otherwise.",
    )


class AdvisorySerializer(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.ChoiceField(choices=advisories.LEVELS)
    short = serializers.CharField()
    message = serializers.CharField()
    url = serializers.CharField()
    requires_ack = serializers.BooleanField()


class AssignResultSerializer(ReportSerializer):
    advisories = AdvisorySerializer(
        many=True, read_only=True,
        help_text="Warnings about the assigned agency (its credit grade), kept with the event.",
    )

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "advisories"]
        read_only_fields = fields


class AssignableAgencySerializer(serializers.ModelSerializer):
    qualification_until = serializers.DateField(read_only=True)
    open_assignments = serializers.IntegerField(read_only=True)
    advisories = serializers.SerializerMethodField(
        help_text="What the portal advises about the agency (its latest credit grade)."
    )

    class Meta:
        model = Agency
        fields = ["id", "name", "qualification_until", "open_assignments", "advisories"]
        read_only_fields = fields

    @extend_schema_field(AdvisorySerializer(many=True))
    def get_advisories(self, obj):
        items = self.context.get("advised", {}).get(obj.pk, [])
        return AdvisorySerializer(items, many=True).data


class RecheckSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=RecheckDecision.choices)
    opinion = serializers.CharField(required=False, allow_blank=True)


class FindingAnswerSerializer(serializers.Serializer):
    response = serializers.CharField(allow_blank=True)


# --- verification (read) -----------------------------------------------------------------------


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.Finding
        fields = [
            "id",
            "report",
            "round",
            "text",
            "raised_at",
            "sent_at",
            "status",
            "response",
            "responded_at",
        ]
        read_only_fields = fields


class VerificationFigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.VerificationFigure
        fields = ["id", "facility", "source_kind", "reported", "verified"]
        read_only_fields = fields


class VerificationSerializer(serializers.ModelSerializer):
    figures = VerificationFigureSerializer(source="figure_rows", many=True, read_only=True)

    class Meta:
        model = m.VerificationReport
        fields = [
            "id",
            "round",
            "agency",
            "filed_at",
            "conclusion",
            "verified_total",
            "note",
            "figures",
        ]
        read_only_fields = fields


class RecheckResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.Recheck
        fields = ["id", "round", "decision", "opinion", "decided_at"]
        read_only_fields = fields


# --- monthly ledgers ---------------------------------------------------------------------------


class LedgerLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.MonthlyLedgerLine
        fields = ["id", "fuel", "consumption", "measured_ncv", "measured_carbon_content"]
        read_only_fields = fields


class LedgerSerializer(serializers.ModelSerializer):
    lines = LedgerLineSerializer(many=True, read_only=True)

    class Meta:
        model = m.MonthlyLedger
        fields = [
            "id",
            "enterprise",
            "facility",
            "year",
            "month",
            "status",
            "purchased_electricity_mwh",
            "generation_mwh",
            "power_supplied_mwh",
            "heat_supplied_gj",
            "running_hours",
            "load_factor",
            "note",
            "submitted_at",
            "county_checked_at",
            "return_reason",
            "closed_at",
            "lines",
        ]
        read_only_fields = fields


class LedgerLineInputSerializer(serializers.Serializer):
    fuel = serializers.PrimaryKeyRelatedField(queryset=m.FuelType.objects.all())
    consumption = serializers.DecimalField(max_digits=14, decimal_places=3)
    measured_ncv = serializers.DecimalField(
        max_digits=12, decimal_places=4, required=False, allow_null=True
    )
    measured_carbon_content = serializers.DecimalField(
        max_digits=10, decimal_places=6, required=False, allow_null=True
    )


class LedgerSaveSerializer(serializers.Serializer):
    """Create or update the draft of one facility and month; ``lines`` replace the old ones."""

    facility = serializers.PrimaryKeyRelatedField(queryset=Facility.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    purchased_electricity_mwh = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, allow_null=True
    )
    generation_mwh = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, allow_null=True
    )
    power_supplied_mwh = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, allow_null=True
    )
    heat_supplied_gj = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, allow_null=True
    )
    running_hours = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True
    )
    load_factor = serializers.DecimalField(
        max_digits=5, decimal_places=4, required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    lines = LedgerLineInputSerializer(many=True, required=False)

    def __init__(self, *args, facilities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if facilities is not None:
            self.fields["facility"].queryset = facilities


class LedgerCountyCheckSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=CountyDecision.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
