"""Read-only API representations of the registry (decimals travel as strings)."""

from rest_framework import serializers

from registry.models import (
    Area,
    EmissionRecord,
    Enterprise,
    Facility,
    KeyEmitterList,
    KeyEmitterListEntry,
    Sector,
)


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "name_en", "kind", "sort_order"]
        read_only_fields = fields


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "national_market_entry_year",
            "entry_source",
            "sort_order",
        ]
        read_only_fields = fields


class EnterpriseSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    sector_code = serializers.CharField(source="sector.code", read_only=True)
    sector_name = serializers.CharField(source="sector.name", read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "name",
            "area",
            "area_code",
            "area_name",
            "sector",
            "sector_code",
            "sector_name",
            "address",
            "legal_representative",
            "contact_person",
            "contact_phone",
            "contact_email",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FacilitySerializer(serializers.ModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Facility
        fields = [
            "id",
            "enterprise",
            "enterprise_uscc",
            "enterprise_name",
            "name",
            "facility_type",
            "capacity_mw",
            "main_fuel",
            "commissioned_on",
            "status",
        ]
        read_only_fields = fields


class EmissionRecordSerializer(serializers.ModelSerializer):
    enterprise_uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = EmissionRecord
        fields = [
            "id",
            "enterprise",
            "enterprise_uscc",
            "enterprise_name",
            "year",
            "emissions_tco2e",
            "energy_tce",
            "source",
            "note",
            "updated_at",
        ]
        read_only_fields = fields


class KeyEmitterListSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyEmitterList
        fields = [
            "id",
            "year",
            "status",
            "basis_year",
            "drafted_at",
            "published_at",
            "document_number",
        ]
        read_only_fields = fields


class KeyEmitterListEntrySerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="key_list.year", read_only=True)
    area_code = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    sector_code = serializers.CharField(source="sector.code", read_only=True)
    sector_name = serializers.CharField(source="sector.name", read_only=True)

    class Meta:
        model = KeyEmitterListEntry
        fields = [
            "id",
            "year",
            "enterprise",
            "enterprise_name",
            "uscc",
            "area",
            "area_code",
            "area_name",
            "sector",
            "sector_code",
            "sector_name",
            "change",
            "reason",
            "emissions_tco2e",
            "energy_tce",
        ]
        read_only_fields = fields
