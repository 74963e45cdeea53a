"""Read-only API representation of agencies."""

from rest_framework import serializers

from verifiers.models import Agency, AgencyQualification


class AgencyQualificationSerializer(serializers.ModelSerializer):
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = AgencyQualification
        fields = [
            "id", "kind", "certificate_number", "issued_by", "valid_from", "valid_until", "sectors",
        ]
        read_only_fields = fields


class AgencySerializer(serializers.ModelSerializer):
    qualifications = AgencyQualificationSerializer(many=True, read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "uscc",
            "status",
            "address",
            "contact_person",
            "contact_phone",
            "contact_email",
            "qualifications",
            "created_at",
        ]
        read_only_fields = fields
