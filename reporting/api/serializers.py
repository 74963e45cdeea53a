from rest_framework import serializers

from reporting import models as m


class FuelFactorSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.FuelFactor
        fields = ["id", "fuel", "valid_from_year", "ncv", "carbon_content", "oxidation_rate", "source"]


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
