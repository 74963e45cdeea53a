"""Every endpoint of the API × every persona, like tests/test_url_matrix.py for the pages.

Endpoints are found automatically (namespace ``api``): a new endpoint without a rule fails
``test_every_endpoint_has_a_rule``. Anonymous callers get 401 with a ``WWW-Authenticate: Token``
challenge (token auth comes first in ``REST_FRAMEWORK``; with the session first DRF would turn
the 401 into a 403 without a challenge); a role without the action gets 403; a row outside the
caller's scope is 404. Writes: the registry and factor endpoints are read-only (refused for
everyone); the reporting actions are allowed only to the persona in scope (WRITE_RULES).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from registry.models import KeyEmitterListEntry
from reporting.models import EmissionFactor, FactorApplicability, FuelType, ReportingYear
from tests.conftest import PERSONAS
from tests.test_url_matrix import (  # noqa: F401  (ctx is a fixture)
    ADMIN_ONLY,
    AGENCY_A,
    AGENCY_LIST,
    AGENCY_PERFORMANCE,
    BUREAU,
    CCER_A,
    CCER_LIST,
    COMPLAINT_LIST,
    COMPLAINT_X,
    CREDIT_EVENT_A,
    CREDIT_GRADE_A,
    DENIED,
    DRAFT_LIST_VIEW,
    ENTERPRISE_A,
    ENTERPRISE_LIST,
    INSPECTION_A,
    LEDGER_LIST,
    LISTS_VIEW,
    LOGGED_IN,
    LOGIN,
    NOT_FOUND,
    OK,
    PUBLIC,
    REPORT_A_VIEW,
    VERIFY_VIEW,
    _k,
    _obj,
    client_for,
    ctx,
    rule,
)

UNAUTHENTICATED = 401  # no credentials: 401 + WWW-Authenticate (see the module docstring)


def api_rule(default, **overrides):
    """rule() with the API's answer to anonymous callers."""
    return rule(default, **overrides) | {"anonymous": UNAUTHENTICATED}


def api(rule_table):
    """The page rule, with the API's answer to anonymous callers."""
    return {p: (DENIED if v == LOGIN else v) for p, v in rule_table.items()} | {
        "anonymous": UNAUTHENTICATED
    }


NO_ARGS = _k()
def PUBLISHED_ENTRY(c):  # noqa: N802
    return KeyEmitterListEntry.objects.get(key_list=c["published"]).pk

RULES = {
    "api:root": (NO_ARGS, api(LOGGED_IN)),  # the list of collections, for any logged-in user
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


# --- reporting API: annual reports, verification, monthly ledgers (reporting/api) ---------
# report_a: enterprise_a's draft (no agency); report_v: enterprise_a 2023 assigned to agency_a;
# ledger_a: a draft month of enterprise_a. GET on a POST-only action: 405 (with Allow) for every
# logged-in user, whatever the role. WRITE_RULES: what a POST (or DELETE) with an empty body gets.
BAD = 400
POST_ONLY_REPORT = POST_ONLY_LEDGER = api_rule(405)
REPORT_A = _k(pk=_obj("report_a"))
REPORT_V = _k(pk=_obj("report_v"))
LEDGER_A = _k(pk=_obj("ledger_a"))
RULES |= {
    "api:report-list": (NO_ARGS, api(LOGGED_IN)),
    "api:report-detail": (REPORT_A, api(REPORT_A_VIEW)),
    "api:report-versions": (REPORT_A, api(REPORT_A_VIEW)),
    "api:report-lines": (REPORT_A, POST_ONLY_REPORT),
    "api:report-line": (
        _k(pk=_obj("report_a"), line_pk=_obj("report_line_a")),
        POST_ONLY_REPORT,
    ),
    "api:report-submit": (REPORT_A, POST_ONLY_REPORT),
    "api:report-county-check": (REPORT_A, POST_ONLY_REPORT),
    "api:report-assign": (REPORT_V, POST_ONLY_REPORT),
    "api:report-assignable-agencies": (REPORT_V, api(ADMIN_ONLY)),
    "api:report-recheck": (REPORT_V, POST_ONLY_REPORT),
    "api:report-findings": (REPORT_V, api(VERIFY_VIEW)),
    "api:report-finding-answer": (
        _k(pk=_obj("report_v"), finding_pk=_obj("finding_sent")),
        POST_ONLY_REPORT,
    ),
    "api:report-verifications": (REPORT_V, api(VERIFY_VIEW)),
    "api:ledger-list": (NO_ARGS, api(LEDGER_LIST)),
    "api:ledger-detail": (LEDGER_A, api(ENTERPRISE_A)),
    "api:ledger-submit": (LEDGER_A, POST_ONLY_LEDGER),
    "api:ledger-county-check": (LEDGER_A, POST_ONLY_LEDGER),
    "api:ledger-close": (LEDGER_A, POST_ONLY_LEDGER),
}
WRITE_RULES = {
    "api:report-list": ("post", api_rule(DENIED, ent_a=BAD, ent_b=BAD)),
    "api:report-lines": ("post", api_rule(DENIED, ent_a=BAD, ent_b=NOT_FOUND)),
    "api:report-line": ("delete", api_rule(DENIED, ent_a=204, ent_b=NOT_FOUND)),
    "api:report-submit": ("post", api_rule(DENIED, ent_a=BAD, ent_b=NOT_FOUND)),
    "api:report-county-check": ("post", api_rule(DENIED, official_a=BAD, official_b=NOT_FOUND)),
    "api:report-assign": ("post", api_rule(DENIED, bureau_admin=BAD)),
    "api:report-recheck": ("post", api_rule(DENIED, bureau_admin=BAD, bureau_reviewer=BAD)),
    "api:report-finding-answer": ("post", api_rule(DENIED, ent_a=BAD, ent_b=NOT_FOUND)),
    "api:ledger-list": ("post", api_rule(DENIED, ent_a=BAD, ent_b=BAD)),
    "api:ledger-submit": ("post", api_rule(DENIED, ent_a=OK, ent_b=NOT_FOUND)),
    "api:ledger-county-check": ("post", api_rule(DENIED, official_a=BAD, official_b=NOT_FOUND)),
    "api:ledger-close": ("post", api_rule(DENIED, bureau_admin=BAD, bureau_reviewer=BAD)),
}
# --- end reporting API ---

# --- reporting API: agency and objection steps (reporting/api/agency_views.py) -------------
# finding_unsent, objection_v: on report_v (see the ctx fixture of tests/test_url_matrix.py).
RULES |= {
    "api:report-finding-send": (
        _k(pk=_obj("report_v"), finding_pk=_obj("finding_unsent")),
        POST_ONLY_REPORT,
    ),
    "api:report-revise": (REPORT_A, POST_ONLY_REPORT),
    "api:report-objections": (REPORT_V, api(VERIFY_VIEW)),
    "api:report-objection-decide": (
        _k(pk=_obj("report_v"), objection_pk=_obj("objection_v")),
        POST_ONLY_REPORT,
    ),
}
WRITE_RULES |= {
    "api:report-findings": ("post", api_rule(DENIED, agency_a_staff=BAD, agency_b_staff=NOT_FOUND)),
    "api:report-finding-send": (
        "post",
        api_rule(DENIED, agency_a_staff=OK, agency_b_staff=NOT_FOUND),
    ),
    "api:report-verifications": (
        "post",
        api_rule(DENIED, agency_a_staff=BAD, agency_b_staff=NOT_FOUND),
    ),
    "api:report-revise": ("post", api_rule(DENIED, ent_a=BAD, ent_b=NOT_FOUND)),
    "api:report-objections": ("post", api_rule(DENIED, ent_a=BAD, ent_b=NOT_FOUND)),
    "api:report-objection-decide": ("post", api_rule(DENIED, bureau_admin=BAD)),
}
# --- end reporting API: agency and objection steps ---


# --- allowances API: accounts, entries, surrenders, compliance (allowances/api) ------------
# account_a: enterprise_a's account; surrender_a: its requested surrender (cycle 2025), see the
# ctx fixture of tests/test_url_matrix.py. Personas write in PERSONAS order on one request.
ACCOUNT_LIST_API = api_rule(OK, agency_a_staff=DENIED, agency_b_staff=DENIED, liaison_a=DENIED, liaison_b=DENIED)
POST_ONLY_SURRENDER = POST_ONLY_REPORT
ACCOUNT_A_API = _k(pk=_obj("account_a"))
SURRENDER_A_API = _k(pk=_obj("surrender_a"))
RULES |= {
    "api:allowance-account-list": (NO_ARGS, ACCOUNT_LIST_API),
    "api:allowance-account-detail": (ACCOUNT_A_API, api(ENTERPRISE_A)),
    "api:allowance-account-entries": (ACCOUNT_A_API, api(ENTERPRISE_A)),
    "api:surrender-list": (NO_ARGS, ACCOUNT_LIST_API),
    "api:surrender-detail": (SURRENDER_A_API, api(ENTERPRISE_A)),
    "api:surrender-approve": (SURRENDER_A_API, POST_ONLY_SURRENDER),
    "api:surrender-confirm": (SURRENDER_A_API, POST_ONLY_SURRENDER),
    "api:surrender-reject": (SURRENDER_A_API, POST_ONLY_SURRENDER),
    "api:surrender-withdraw": (SURRENDER_A_API, POST_ONLY_SURRENDER),
    "api:compliance-list": (NO_ARGS, ACCOUNT_LIST_API),
    "api:compliance-summary": (NO_ARGS, ACCOUNT_LIST_API),
    "api:allocation-list": (NO_ARGS, ACCOUNT_LIST_API),
    "api:allocation-detail": (_k(pk=_obj("allocation_a")), api(ENTERPRISE_A)),
    "api:allocation-objections": (_k(pk=_obj("allocation_a")), api(ENTERPRISE_A)),
}
WRITE_RULES |= {
    "api:surrender-list": ("post", api_rule(DENIED, ent_a=BAD, ent_b=BAD)),
    # bureau_admin approves (200); the reviewer then finds it approved already (400)
    "api:surrender-approve": ("post", api_rule(DENIED, bureau_admin=OK, bureau_reviewer=BAD)),
    # still requested: nothing to confirm
    "api:surrender-confirm": ("post", api_rule(DENIED, bureau_admin=BAD, bureau_reviewer=BAD)),
    # no reason given
    "api:surrender-reject": ("post", api_rule(DENIED, bureau_admin=BAD, bureau_reviewer=BAD)),
    "api:surrender-withdraw": ("post", api_rule(DENIED, ent_a=OK, ent_b=NOT_FOUND)),
    # no reasons given: 400 for the enterprise itself, 404 for another enterprise
    "api:allocation-objections": ("post", api_rule(DENIED, ent_a=BAD, ent_b=NOT_FOUND)),
}
# --- end allowances API ---


# --- oversight API: plans and inspections, read-only (oversight/api) ------------------------
# plan_pub: a published plan (every role reads it), plan_draft: the bureau's only;
# inspection_a: enterprise_a's inspection (see the ctx fixture of tests/test_url_matrix.py).
RULES |= {
    "api:inspection-plan-list": (NO_ARGS, api(LOGGED_IN)),
    "api:inspection-plan-detail": (_k(pk=_obj("plan_pub")), api(LOGGED_IN)),
    "api:inspection-list": (NO_ARGS, api(LOGGED_IN)),
    "api:inspection-detail": (_k(pk=_obj("inspection_a")), api(INSPECTION_A)),
    "api:violation-case-list": (NO_ARGS, api(LOGGED_IN)),
    "api:violation-case-detail": (_k(pk=_obj("violation_a")), api(INSPECTION_A)),
}
# --- end oversight API ---


# --- oversight API: agency performance (read-only, paginated; see tests/test_url_matrix.py) ---
RULES |= {"api:agency-performance-list": (NO_ARGS, api(AGENCY_PERFORMANCE))}
# --- end oversight API: agency performance ---


# --- complaints API: read-only, scoped like the pages, never the filer's identity ---
RULES |= {
    "api:complaint-list": (NO_ARGS, api(COMPLAINT_LIST)),
    "api:complaint-detail": (_k(pk=_obj("complaint_x")), api(COMPLAINT_X)),
}
# --- end complaints API ---

# --- credit events API: read-only, scoped like the pages ---
RULES |= {
    "api:credit-event-list": (NO_ARGS, api(LOGGED_IN)),
    "api:credit-event-detail": (_k(pk=_obj("credit_event_manual")), api(CREDIT_EVENT_A)),
}
# --- end credit events API ---


# --- credit API: grades (scoped like the pages) and objections (filed by the subject) ---
RULES |= {
    "api:credit-grade-list": (NO_ARGS, api(LOGGED_IN)),
    "api:credit-grade-detail": (_k(pk=_obj("grade_a")), api(CREDIT_GRADE_A)),
    "api:credit-objection-list": (NO_ARGS, api(LOGGED_IN)),
    "api:credit-objection-detail": (_k(pk=_obj("objection_a")), api(CREDIT_GRADE_A)),
}
WRITE_RULES |= {
    # an empty body: 400 for a subject's user, 403 for the other roles
    "api:credit-objection-list": ("post", api_rule(DENIED, ent_a=BAD, ent_b=BAD,
                                                   agency_a_staff=BAD, agency_b_staff=BAD)),
}
# --- end credit API ---


# --- credit API: rule sets, read-only, the bureau's ---
def _credit_draft(c):
    from tests.test_url_matrix import _credit_draft as draft

    return draft(c)


RULES |= {
    "api:credit-rule-set-list": (NO_ARGS, api(BUREAU)),
    "api:credit-rule-set-detail": (_k(pk=_credit_draft), api(BUREAU)),
}
# --- end credit API ---


# --- programme: departments (read-only; a liaison his own department) ---
from tests.test_url_matrix import DEPARTMENT_A, DEPARTMENT_LIST  # noqa: E402

RULES |= {
    "api:department-list": (NO_ARGS, api(DEPARTMENT_LIST)),
    "api:department-detail": (_k(pk=_obj("department_a")), api(DEPARTMENT_A)),
}
# --- end programme: departments ---
# --- programme: tasks ---
from tests.test_url_matrix import PREPORT, PROGRAMME_ANY, PTASK  # noqa: E402

RULES |= {
    "api:programme-task-list": (NO_ARGS, api(PROGRAMME_ANY)),
    "api:programme-task-detail": (_k(pk=_obj("ptask")), api(PTASK)),
    "api:progress-report-list": (NO_ARGS, api(PROGRAMME_ANY)),
    "api:progress-report-detail": (_k(pk=_obj("preport")), api(PREPORT)),
}
# --- end programme: tasks ---
# --- programme: targets ---
# --- end programme: targets ---
# --- programme: ccer (ccer_a: enterprise_a's library project; liaison_a's unit holds the grant) ---
RULES |= {
    "api:ccer-project-list": (NO_ARGS, api(CCER_LIST)),
    "api:ccer-project-detail": (_k(pk=_obj("ccer_a")), api(CCER_A)),
}
# --- end programme: ccer ---
# --- programme: finance (climate_a: see tests/test_url_matrix.py) ---
from tests.test_url_matrix import CLIMATE_A, CLIMATE_LIST  # noqa: E402

RULES |= {
    "api:climate-project-list": (NO_ARGS, api(CLIMATE_LIST)),
    "api:climate-project-detail": (_k(pk=_obj("climate_a")), api(CLIMATE_A)),
}
# --- end programme: finance ---
# --- programme: training (read-only, scoped like the pages) ---
from tests.test_url_matrix import TRAINING_LIST, TRAINING_X  # noqa: E402

RULES |= {
    "api:training-session-list": (NO_ARGS, api(TRAINING_LIST)),
    "api:training-session-detail": (_k(pk=_obj("training_x")), api(TRAINING_X)),
}
# --- end programme: training ---


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
    responses = {p: client_for(api_ctx[p]).get(url) for p in PERSONAS}
    got = {p: outcome(response) for p, response in responses.items()}
    assert got == expected, f"GET {url}"
    assert responses["anonymous"]["WWW-Authenticate"] == "Token", f"GET {url}"
    if name in WRITE_RULES:
        return  # writes: test_api_write_matrix
    # Read-only: a write is refused for everyone, whatever the role.
    for persona in PERSONAS:
        response = client_for(api_ctx[persona]).post(url, {}, content_type="application/json")
        refused = (UNAUTHENTICATED,) if persona == "anonymous" else (403, 404, 405)
        assert response.status_code in refused, f"POST {url} as {persona}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(WRITE_RULES))
def test_api_write_matrix(name, api_ctx):
    """reporting API: an empty write reaches validation (400) only for the allowed persona in
    scope; the others get 403 (role) or 404 (scope)."""
    build, _ = RULES[name]
    method, expected = WRITE_RULES[name]
    url = reverse(name, kwargs=build(api_ctx))
    got = {}
    for persona in PERSONAS:
        response = getattr(client_for(api_ctx[persona]), method)(
            url, {}, content_type="application/json"
        )
        got[persona] = outcome(response)
    assert got == expected, f"{method.upper()} {url}"


# --- oversight API: a draft plan ---
@pytest.mark.django_db
def test_a_draft_plan_is_the_bureaus_only(api_ctx):
    url = reverse("api:inspection-plan-detail", kwargs={"pk": api_ctx["plan_draft"].pk})
    got = {p: outcome(client_for(api_ctx[p]).get(url)) for p in PERSONAS}
    assert got == api_rule(NOT_FOUND, bureau_admin=OK, bureau_reviewer=OK)


@pytest.mark.django_db
def test_an_open_violation_case_is_internal_until_decided(api_ctx):
    """The party (ent_a) sees its decided case (matrix above), never an open one."""
    url = reverse("api:violation-case-detail", kwargs={"pk": api_ctx["violation_open"].pk})
    got = {p: outcome(client_for(api_ctx[p]).get(url)) for p in PERSONAS}
    assert got == api_rule(NOT_FOUND, bureau_admin=OK, bureau_reviewer=OK, official_a=OK)
    listed = client_for(api_ctx["ent_a"]).get(reverse("api:violation-case-list")).json()
    ids = {row["id"] for row in listed.get("results", listed)}
    assert ids == {api_ctx["violation_a"].pk}
# --- end oversight API ---
