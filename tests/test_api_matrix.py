"""Every endpoint of the API × every persona, like tests/test_url_matrix.py for the pages.

Endpoints are found automatically (namespace ``api``): a new endpoint without a rule fails
``test_every_endpoint_has_a_rule``. Anonymous callers get 403 (session auth comes first and
sends no WWW-Authenticate challenge); a role without the action gets 403; a row outside the
caller's scope is 404. The API is read-only: writes are refused for everyone.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from registry.models import KeyEmitterListEntry
from reporting.models import EmissionFactor, FactorApplicability, FuelType, ReportingYear
from tests.conftest import PERSONAS
from tests.test_url_matrix import (  # noqa: F401  (ctx is a fixture)
    AGENCY_A,
    AGENCY_LIST,
    DENIED,
    DRAFT_LIST_VIEW,
    ENTERPRISE_A,
    ENTERPRISE_LIST,
    LISTS_VIEW,
    LOGIN,
    NOT_FOUND,
    OK,
    PUBLIC,
    _k,
    _obj,
    client_for,
    ctx,
)


def api(rule_table):
    """The page rule, with the API's answer to anonymous callers."""
    return {p: (DENIED if v == LOGIN else v) for p, v in rule_table.items()} | {"anonymous": DENIED}


NO_ARGS = _k()
def PUBLISHED_ENTRY(c):  # noqa: N802
    return KeyEmitterListEntry.objects.get(key_list=c["published"]).pk

RULES = {
    "api:area-list": (NO_ARGS, api(PUBLIC)),
    "api:area-detail": (_k(pk=_obj("area_a")), api(PUBLIC)),
    "api:sector-list": (NO_ARGS, api(PUBLIC)),
    "api:sector-detail": (_k(pk=_obj("sector_a")), api(PUBLIC)),
    "api:enterprise-list": (NO_ARGS, api(ENTERPRISE_LIST)),
    "api:enterprise-detail": (_k(pk=_obj("enterprise_a")), api(ENTERPRISE_A)),
    "api:facility-list": (NO_ARGS, api(ENTERPRISE_LIST)),
    "api:facility-detail": (_k(pk=_obj("facility_a")), api(ENTERPRISE_A)),
    "api:emission-record-list": (NO_ARGS, api(ENTERPRISE_LIST)),
    "api:emission-record-detail": (_k(pk=_obj("record_a")), api(ENTERPRISE_A)),
    "api:key-emitter-list-list": (NO_ARGS, api(LISTS_VIEW)),
    "api:key-emitter-list-detail": (_k(year=_obj("draft", "year")), api(DRAFT_LIST_VIEW)),
    "api:key-emitter-list-entry-list": (_k(year=_obj("draft", "year")), api(DRAFT_LIST_VIEW)),
    "api:key-emitter-list-entry-detail": (
        _k(year=_obj("published", "year"), pk=PUBLISHED_ENTRY),
        api(LISTS_VIEW),
    ),
    # reporting: factor tables (reference data, every role reads them)
    "api:fuel-type-list": (NO_ARGS, api(PUBLIC)),
    "api:fuel-type-detail": (_k(pk=lambda c: FuelType.objects.get(code="raw_coal").pk), api(PUBLIC)),
    "api:emission-factor-list": (NO_ARGS, api(PUBLIC)),
    "api:emission-factor-detail": (_k(pk=lambda c: EmissionFactor.objects.first().pk), api(PUBLIC)),
    "api:factor-applicability-list": (NO_ARGS, api(PUBLIC)),
    "api:factor-applicability-detail": (
        _k(pk=lambda c: FactorApplicability.objects.first().pk),
        api(PUBLIC),
    ),
    "api:reporting-year-list": (NO_ARGS, api(PUBLIC)),
    "api:reporting-year-detail": (_k(year=lambda c: c["reporting_year"].year), api(PUBLIC)),
    "api:agency-list": (NO_ARGS, api(AGENCY_LIST)),
    "api:agency-detail": (_k(pk=_obj("agency_a")), api(AGENCY_A)),
}


def api_url_names() -> list[str]:
    names = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and namespace == "api":
                names.append(f"api:{p.name}")

    walk(get_resolver().url_patterns, None)
    return sorted(set(names))


def test_every_endpoint_has_a_rule():
    names = api_url_names()
    assert names, "no API endpoint found"
    assert sorted(set(names) - set(RULES)) == [], "API endpoints without a rule"
    assert sorted(set(RULES) - set(names)) == [], "rules for endpoints that no longer exist"


@pytest.fixture
def api_ctx(ctx):  # noqa: F811  (the imported fixture)
    reporting_year, _ = ReportingYear.objects.get_or_create(
        year=2025, defaults={"report_due": "2026-02-01", "report_city_due": "2026-03-01"}
    )
    return ctx | {
        "area_a": ctx["enterprise_a"].area,
        "sector_a": ctx["enterprise_a"].sector,
        "reporting_year": reporting_year,
    }


def outcome(response):
    return OK if response.status_code == 200 else response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(RULES))
def test_api_matrix(name, api_ctx):
    build, expected = RULES[name]
    url = reverse(name, kwargs=build(api_ctx))
    got = {p: outcome(client_for(api_ctx[p]).get(url)) for p in PERSONAS}
    assert got == expected, f"GET {url}"
    # Read-only: a write is refused for everyone, whatever the role.
    for persona in PERSONAS:
        response = client_for(api_ctx[persona]).post(url, {}, content_type="application/json")
        assert response.status_code in (403, 404, 405), f"POST {url} as {persona}"
