"""The assignment form's choices (the SQL form ``selectors.eligible_agencies``) and the
service's refusal (the rule ``rules.verification_eligibility``) must agree on every agency,
sector and day: a form that offers an agency the service then refuses, or hides one it would
accept, is a defect."""

import itertools
from datetime import date

import pytest

from tests import factories as f
from verifiers import selectors

pytestmark = pytest.mark.django_db


def _qualified(name, sectors, *, kind="verification", start="2025-01-01", end="2026-06-30"):
    agency = f.AgencyFactory(name=name)
    if sectors is not None:
        q = f.AgencyQualificationFactory(agency=agency, kind=kind, valid_from=start,
                                         valid_until=end)
        q.sectors.set(sectors)
    return agency


def test_sql_form_and_rule_agree():
    power, cement = f.sector("power"), f.sector("building_materials")
    agencies = [
        _qualified("两行业有效", [power, cement]),
        _qualified("仅发电", [power]),
        _qualified("已过期", [power], start="2023-01-01", end="2024-12-31"),
        _qualified("未生效", [power], start="2026-01-01", end="2028-12-31"),
        _qualified("非核查资质", [power], kind="accounting"),
        _qualified("无资质", None),
    ]
    two = _qualified("两张证", [cement], end="2025-06-30")
    later = f.AgencyQualificationFactory(agency=two, valid_from="2025-07-01",
                                         valid_until="2027-06-30")
    later.sectors.set([power, cement])
    agencies.append(two)
    days = [date(2024, 12, 31), date(2025, 1, 1), date(2025, 6, 30), date(2025, 7, 1),
            date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1)]
    seen_ok = seen_refused = 0
    for sector, day in itertools.product((power, cement), days):
        offered = {a.pk: a.qualification_until
                   for a in selectors.eligible_agencies(sector, today=day)}
        for agency in agencies:
            rule = selectors.eligibility(agency, sector, today=day)
            assert (agency.pk in offered) == rule.ok, (agency.name, sector.code, day)
            if rule.ok:
                assert offered[agency.pk] == rule.valid_until, (agency.name, sector.code, day)
            seen_ok += rule.ok
            seen_refused += not rule.ok
    assert seen_ok and seen_refused
