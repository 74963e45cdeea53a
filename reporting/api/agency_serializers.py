"""Reporting API, agency and objection steps: input serializers (the services do the work) and
the objection read serializer. Decimal only: JSON figures are parsed to ``Decimal``."""

from __future__ import annotations

import json
import os
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty

from registry.models import Facility
from reporting import models as m
from reporting.choices import Conclusion, ObjectionDecision, SourceKind


class FindingInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=4000)


class FigureInputSerializer(serializers.Serializer):
    facility = serializers.PrimaryKeyRelatedField(
        queryset=Facility.objects.none(), required=False, allow_null=True
    )
    source_kind = serializers.ChoiceField(choices=SourceKind.choices)
    verified = serializers.DecimalField(max_digits=20, decimal_places=6)


class FiguresField(serializers.ListField):
    """A list of figures; in a multipart request the value is that list as a JSON string."""

    child = FigureInputSerializer()

    def get_value(self, dictionary):
        # multipart: one form value holding JSON, not an HTML list (figures[0]...)
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data, parse_float=Decimal)
            except ValueError:
                raise serializers.ValidationError(
                    _("Enter the figures as a JSON list of {facility, source_kind, verified}.")
                ) from None
            if not isinstance(data, list):
                self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class VerificationFileSerializer(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    figures = FiguresField(
        help_text="Verified tCO2e per facility and source; in multipart form data, a JSON string."
    )
    file = serializers.FileField(help_text="The signed verification report (PDF).")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def __init__(self, *args, enterprise=None, **kwargs):
        """Only ``enterprise``'s facilities are valid (another's: "invalid pk", as unknown)."""
        super().__init__(*args, **kwargs)
        qs = Facility.objects.filter(enterprise=enterprise) if enterprise else Facility.objects.none()
        self.fields["figures"].child.fields["facility"].queryset = qs


class ObjectionInputSerializer(serializers.Serializer):
    reasons = serializers.CharField(allow_blank=True, max_length=8000)
    file = serializers.FileField(
        required=False, allow_null=True, help_text="Optional evidence: PDF, PNG or JPEG."
    )


class ObjectionDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in (ObjectionDecision.UPHELD, ObjectionDecision.REJECTED)]
    )
    note = serializers.CharField(allow_blank=True, max_length=4000)


class ObjectionSerializer(serializers.ModelSerializer):
    file_name = serializers.SerializerMethodField()

    class Meta:
        model = m.Objection
        fields = [
            "id",
            "report",
            "reasons",
            "file_name",
            "filed_at",
            "decision_due",
            "decision",
            "decision_note",
            "decided_at",
        ]
        read_only_fields = fields

    def get_file_name(self, obj) -> str:
        return os.path.basename(obj.file.name) if obj.file else ""
