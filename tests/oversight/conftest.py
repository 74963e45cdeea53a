"""A small world for the oversight tests: a published 2025 key-emitter list of six enterprises
(three in 沙坡头区, three in 中宁县, enterprise_a and enterprise_b among them), two agencies,
an inspector directory (the reviewer, official_a, official_b and two outside experts) and a
plan drawing from it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from oversight.choices import InspectorKind
from oversight.models import Inspector
from oversight.services import plans as plan_services
from registry.models import KeyEmitterList, KeyEmitterListEntry
from tests import factories as f

# the inspections run around today (an inspection date is never in the future)
PLAN_START = date.today() - timedelta(days=60)
PLAN_END = date.today() + timedelta(days=120)


def publish_list(year: int, enterprises, drafted_by) -> KeyEmitterList:
    key_list = KeyEmitterList.objects.create(year=year, basis_year=year - 1, drafted_by=drafted_by)
    KeyEmitterListEntry.objects.bulk_create([
        KeyEmitterListEntry(
            key_list=key_list, enterprise=e, change="added", reason="emissions",
            emissions_tco2e=Decimal("30000"), enterprise_name=e.name, uscc=e.uscc,
            area=e.area, sector=e.sector,
        )
        for e in enterprises
    ])
    KeyEmitterList.objects.filter(pk=key_list.pk).update(status="published")
    return key_list


@pytest.fixture
def world(personas, enterprise_a, enterprise_b, agency_a, agency_b, area_a, area_b):
    admin = personas["bureau_admin"]
    more_a = [f.EnterpriseFactory(area=area_a) for _ in range(2)]
    more_b = [f.EnterpriseFactory(area=area_b) for _ in range(2)]
    enterprises = [enterprise_a, *more_a, enterprise_b, *more_b]
    publish_list(2025, enterprises, admin)
    inspectors = {
        "reviewer": Inspector.objects.create(
            kind=InspectorKind.BUREAU, user=personas["bureau_reviewer"], name="审核员"),
        "official_a": Inspector.objects.create(
            kind=InspectorKind.COUNTY, user=personas["official_a"], name="沙坡头经办", area=area_a),
        "official_b": Inspector.objects.create(
            kind=InspectorKind.COUNTY, user=personas["official_b"], name="中宁经办", area=area_b),
        "expert_x": Inspector.objects.create(kind=InspectorKind.EXPERT, name="专家甲"),
        "expert_y": Inspector.objects.create(kind=InspectorKind.EXPERT, name="专家乙"),
    }
    return {**personas, "enterprises": enterprises, "inspectors": inspectors,
            "enterprise_a": enterprise_a, "enterprise_b": enterprise_b,
            "agency_a": agency_a, "agency_b": agency_b}


def make_plan(world, **overrides):
    data = dict(
        year=2026, title="2026年度碳排放数据质量双随机抽查", targets="both",
        legal_basis="《碳排放权交易管理办法（试行）》第三十一条", start_date=PLAN_START,
        end_date=PLAN_END, listed_year=2025, enterprise_count=4, agency_count=1,
        inspectors_per_target=2, exclude_own_area=True, exclude_conflicts=True, recent_months=0,
    )
    data.update(overrides)
    inspectors = data.pop("inspectors", list(world["inspectors"].values()))
    return plan_services.plan_create(actor=world["bureau_admin"], inspectors=inspectors, **data)


@pytest.fixture
def plan(world):
    return make_plan(world)
