"""Schemathesis against every operation of the OpenAPI document, reads and writes, as a bureau
admin, an enterprise user and (more briefly) a county official, with every built-in check
(what ``--checks all`` runs: no 5xx, status codes, content types, headers and bodies as
documented, schema-valid data accepted, invalid data refused, authentication enforced, ...).

The requests go through Django's WSGI handler in-process, so they run inside the test's
transaction on demo-like data built once for the module (the rows of the URL matrix: drafts,
an assigned report with findings and an objection, a ledger month, an allowance account with
holdings, a requested surrender, a notified allocation...). Generated path parameters and
model-choice filters that are valid whole numbers are pointed at those rows (in and out of the
caller's scope), so reads find rows and writes reach the services instead of stopping at 404.
Generation is seeded and bounded (``MAX_EXAMPLES`` per operation and role); Schemathesis's
coverage phase (thousands of boundary cases) is left to a manual run, see the README.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from tests import factories as f
from tests.test_url_matrix import (
    _allocation_ctx,
    _cycles_accounts_ctx,
    _factors_ctx,
    _report_ctx,
    _statements_ctx,
    _surrender_ctx,
    _verify_ctx,
)
from zhongwei_carbon.roles import Role

MAX_EXAMPLES = 6
POSITIVE_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # the default
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20251001,
        "base-url": "http://testserver",
        "generation": {
            "mode": "all",  # schema-valid and schema-violating requests
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "operations": [
            {
                # A write's outcome depends on the record's state and on rules the document
                # cannot express (workflow transitions, dates, holdings, the CCER cap, an id
                # that exists): a schema-valid write may be refused with 400 and the service's
                # message. Every other check still applies to writes, and reads get no exception.
                "include-method": ["POST", "DELETE"],
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": [*POSITIVE_ACCEPTED, "400"]}
                },
            }
        ],
    }
)
schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True), config=CONFIG
)
schema.app = WSGIHandler()  # in-process: the test's database connection and transaction
load_all_checks()
ALL_CHECKS = [check for check in CHECKS.get_all() if check.__name__ != "max_response_time"]
IGNORED_AUTH = next(check for check in ALL_CHECKS if check.__name__ == "ignored_auth")


# --- the data ------------------------------------------------------------------------------


def _world() -> dict:
    """Demo-like rows: the URL matrix's, plus the second enterprise's report, ledger and account
    (out of the enterprise user's scope), holdings to surrender from, and blank contact e-mails
    (which the document must allow). Returns each role's API token."""
    from allowances.models import AllowanceAccount, Holding
    from registry.models import KeyEmitterList, KeyEmitterListEntry

    area_a, area_b = f.area("640502"), f.area("640521")
    enterprise_a = f.EnterpriseFactory(name="沙坡头发电有限公司", area=area_a, contact_email="")
    enterprise_b = f.EnterpriseFactory(
        name="中宁水泥有限公司", area=area_b, sector=f.sector("building_materials")
    )
    agency_a = f.AgencyFactory(name="宁夏碳核查中心", contact_email="")
    f.AgencyQualificationFactory(agency=agency_a)
    bureau_admin = f.make_member("bureau_admin", Role.BUREAU_ADMIN)
    ent_a = f.make_member("ent_a", Role.ENTERPRISE_USER, enterprise=enterprise_a)
    ent_a.memberships.update(is_signatory=True)
    ent_b = f.make_member("ent_b", Role.ENTERPRISE_USER, enterprise=enterprise_b)
    agency_a_staff = f.make_member("agency_a_staff", Role.AGENCY_STAFF, agency=agency_a)
    official_a = f.make_member("official_a", Role.AREA_OFFICIAL, area=area_a)

    facility_a = f.FacilityFactory(enterprise=enterprise_a)
    facility_b = f.FacilityFactory(enterprise=enterprise_b)
    f.EmissionRecordFactory(enterprise=enterprise_a, year=2024)
    published = KeyEmitterList.objects.create(year=2025, basis_year=2024, drafted_by=bureau_admin)
    KeyEmitterListEntry.objects.create(
        key_list=published, enterprise=enterprise_a, change="added", reason="emissions",
        emissions_tco2e=30000, enterprise_name=enterprise_a.name, uscc=enterprise_a.uscc,
        area=enterprise_a.area, sector=enterprise_a.sector,
    )
    KeyEmitterList.objects.filter(pk=published.pk).update(status="published")
    KeyEmitterList.objects.create(year=2026, basis_year=2025, drafted_by=bureau_admin)
    _factors_ctx()
    _verify_ctx(enterprise_a, agency_a, ent_a, agency_a_staff)
    _report_ctx(enterprise_a, ent_a)
    f.report_draft(enterprise_b, ent_b, year=2024)
    f.ledger_make(facility_a, year=2025, month=1)
    f.ledger_make(facility_b, year=2025, month=1)
    _cycles_accounts_ctx(enterprise_a)
    _surrender_ctx(enterprise_a, ent_a)
    _allocation_ctx(enterprise_a, ent_a)
    _statements_ctx(enterprise_a, bureau_admin)
    account_a = AllowanceAccount.objects.get(enterprise=enterprise_a)
    Holding.objects.filter(account=account_a).update(quantity=1000)
    AllowanceAccount.objects.get_or_create(enterprise=enterprise_b)
    return {
        "bureau_admin": Token.objects.create(user=bureau_admin).key,
        "ent_a": Token.objects.create(user=ent_a).key,
        "official_a": Token.objects.create(user=official_a).key,
    }


@contextmanager
def _kept_until_the_end():
    """An outer transaction rolled back when the module is done: each test's own transaction
    (the ``db`` fixture) is a savepoint inside it, so every test starts from the same rows. As
    Django's test client does, the handler must not close the connection after a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), _kept_until_the_end():
        yield _world()


# --- pointing parameters at real rows ------------------------------------------------------


def _view(path: str):
    return resolve(path.replace("{year}", "2025").replace("{id}", "1").replace("_pk}", "")
                   .replace("{", "")).func.cls


def _rows_for(path: str, param: str) -> list[dict]:
    """Path-parameter values of the rows the operation at ``path`` acts on (any scope)."""
    from registry.models import KeyEmitterListEntry
    from reporting.models import Finding, Objection, ReportLine

    if param == "line_pk":
        return [{"id": r.version.report_id, "line_pk": r.pk} for r in ReportLine.objects.all()]
    if param == "finding_pk":
        return [{"id": r.report_id, "finding_pk": r.pk} for r in Finding.objects.all()]
    if param == "objection_pk":
        return [{"id": r.report_id, "objection_pk": r.pk} for r in Objection.objects.all()]
    view = _view(path)
    model = view.queryset.model
    if model is KeyEmitterListEntry:
        rows = model.objects.select_related("key_list")
        return [{"year": r.key_list.year, "id": r.pk} for r in rows]
    field = getattr(view, "lookup_field", "pk")
    return [{param: value} for value in model.objects.values_list(field, flat=True)]


def _filter_choices(path: str, name: str) -> list:
    """Ids a model-choice filter of the list at ``path`` accepts (``?area=``, ``?sector=``)."""
    from django_filters import ModelChoiceFilter

    filterset = getattr(_view(path), "filterset_class", None)
    found = filterset.base_filters.get(name) if filterset else None
    if isinstance(found, ModelChoiceFilter):
        return list(found.queryset.order_by("pk").values_list("pk", flat=True))
    return []


NESTED = ("line_pk", "finding_pk", "objection_pk", "id", "year")


def _body_choices() -> dict[str, list]:
    """Ids a write's body may name (``facility``, ``agency``...), any scope."""
    from allowances.models import CCERProject, ComplianceCycle
    from registry.models import Enterprise, Facility
    from reporting.models import FuelType
    from verifiers.models import Agency

    def pks(model):
        return list(model.objects.order_by("pk").values_list("pk", flat=True))

    return {
        "facility": pks(Facility), "fuel": pks(FuelType), "agency": pks(Agency),
        "enterprise": pks(Enterprise), "project": pks(CCERProject),
        "cycle": list(ComplianceCycle.objects.values_list("year", flat=True)),
    }


def _whole(value) -> int | None:
    """The size of a generated whole number (int or ASCII digits, maybe negative), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return abs(value)
    digits = value.removeprefix("-") if isinstance(value, str) else ""
    return int(digits) if digits.isascii() and digits.isdigit() else None


def _point_at_rows(case) -> None:
    """In a part of the request generated as valid data, path parameters that are whole
    numbers become those of an existing row, and so do a model-choice filter and an id in a
    write's body, picked by the generated value (deterministic with the seed): the document
    cannot say which ids exist. ``page`` becomes 1 or 2. A part generated as invalid data
    stays as it is (its mutation is what the negative checks judge)."""
    valid = _valid_parts(case)
    params = case.path_parameters or {}
    if "path" in valid and params and all(_whole(v) is not None for v in params.values()):
        deepest = next(name for name in NESTED if name in params)
        rows = _rows_for(case.operation.path, deepest)
        if rows:
            chosen = rows[_whole(params[deepest]) % len(rows)]
            # as strings, the way generated values are kept (an int would read as a type error)
            case.path_parameters = {
                **params, **{k: str(v) for k, v in chosen.items() if k in params}
            }
    query = case.query or {}
    for name, value in query.items() if "query" in valid else ():
        if _whole(value) is None:
            continue
        if name == "page":  # the first two pages (a page past the end is a 404)
            case.query = {**case.query, name: str(_whole(value) % 2 + 1)}
        elif choices := _filter_choices(case.operation.path, name):
            case.query = {**case.query, name: str(choices[_whole(value) % len(choices)])}
    if "body" in valid and isinstance(case.body, dict):
        body_choices = _body_choices()
        for name, value in case.body.items():
            if _whole(value) is not None and body_choices.get(name):
                choices = body_choices[name]
                case.body = {**case.body, name: choices[_whole(value) % len(choices)]}


def _valid_parts(case) -> set[str]:
    """The parts of the request ("path", "query", "body") generated as valid data."""
    meta = case.meta
    if meta is None:
        return {"path", "query", "body"}
    return {
        location.value for location, info in meta.components.items() if not info.mode.is_negative
    }


# --- the tests -----------------------------------------------------------------------------

# (role, operation) pairs whose authentication is confirmed: ``ignored_auth`` re-sends a
# successful request without and with invalid credentials; once per operation and role is
# enough (Schemathesis's own runner does the same), the next cases skip those probes.
AUTH_CONFIRMED: set[tuple[str, str]] = set()


def _run(case, role: str, token: str) -> None:
    _point_at_rows(case)
    key = (role, case.operation.label)
    checks = [c for c in ALL_CHECKS if c is not IGNORED_AUTH or key not in AUTH_CONFIRMED]
    response = case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=checks)
    if 200 <= response.status_code < 300:
        AUTH_CONFIRMED.add(key)


@schema.parametrize()
@pytest.mark.django_db
def test_api_as_bureau_admin(case, tokens):
    _run(case, "bureau_admin", tokens["bureau_admin"])


@schema.parametrize()
@pytest.mark.django_db
def test_api_as_enterprise_user(case, tokens):
    _run(case, "ent_a", tokens["ent_a"])


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES // 2)  # a third role, more briefly: the county checks
@pytest.mark.django_db
def test_api_as_county_official(case, tokens):
    _run(case, "official_a", tokens["official_a"])


def test_every_operation_and_check_is_run():
    """The tests above cover every operation of the document, writes included, with every
    built-in check (a check or an operation silently dropped would fail here)."""
    operations = [result.ok() for result in schema.get_all_operations()]
    documented = [(m.upper(), p) for p, ops in schema.raw_schema["paths"].items() for m in ops]
    assert sorted((op.method.upper(), op.path) for op in operations) == sorted(documented)
    assert {"GET", "POST", "DELETE"} <= {method for method, _path in documented}
    assert {check.__name__ for check in ALL_CHECKS} >= {
        "not_a_server_error", "status_code_conformance", "content_type_conformance",
        "response_headers_conformance", "response_schema_conformance",
        "positive_data_acceptance", "negative_data_rejection", "ignored_auth",
        "missing_required_header", "unsupported_method", "allow_header_conformance",
        "use_after_free", "ensure_resource_availability", "object_level_authorization",
    }


# --- what the coverage phase would check, for every path at once ---------------------------

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.mark.django_db
def test_undocumented_methods_answer_405_with_allow(tokens):
    """Every method a path does not document answers 405 with an ``Allow`` header naming the
    documented ones (OPTIONS and HEAD aside), whatever the role (``unsupported_method`` and
    ``allow_header_conformance`` of the coverage phase)."""
    from django.test import Client

    for role in ("bureau_admin", "ent_a"):
        client = Client(HTTP_AUTHORIZATION=f"Token {tokens[role]}")
        for path, operations in schema.raw_schema["paths"].items():
            url = re.sub(r"\{\w+\}", "1", path.replace("{year}", "2025"))
            documented = {m.upper() for m in operations}
            for method in set(METHODS) - documented:
                response = client.generic(method, url)
                assert response.status_code == 405, (role, method, path, response.status_code)
                allowed = {m.strip() for m in response["Allow"].split(",")} - {"HEAD", "OPTIONS"}
                assert allowed == documented, (role, method, path, response["Allow"])


# --- authentication ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "Token not-a-real-token", "Token ", "Bearer abc"])
def test_without_valid_credentials_401_with_a_challenge(header, tokens):
    """No credentials, an unknown token, an empty one or another scheme: 401 with
    ``WWW-Authenticate: Token`` (the session comes second, so DRF keeps the 401)."""
    from django.test import Client

    from registry.models import Enterprise

    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    enterprise = Enterprise.objects.first()
    for url in ("/api/v1/enterprises/", f"/api/v1/enterprises/{enterprise.pk}/", "/api/v1/"):
        response = Client().get(url, **extra)
        assert response.status_code == 401, (header, url)
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["detail"]
    response = Client().post("/api/v1/reports/", {}, content_type="application/json", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_a_token_and_a_logged_in_session_both_work(tokens, client_as):
    """Token authentication first does not change the browser's session."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    token = Client(HTTP_AUTHORIZATION=f"Token {tokens['ent_a']}").get("/api/v1/enterprises/")
    assert token.status_code == 200
    assert token.json()["count"] == 1
    session = client_as(get_user_model().objects.get(username="bureau_admin"))
    assert session.get("/api/v1/enterprises/").json()["count"] == 2
