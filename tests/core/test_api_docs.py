"""The OpenAPI schema and the docs page work offline and cover the registry API."""

import re
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

REGISTRY_PATHS = [
    "/api/v1/areas/",
    "/api/v1/sectors/",
    "/api/v1/enterprises/",
    "/api/v1/enterprises/{id}/",
    "/api/v1/facilities/",
    "/api/v1/emission-records/",
    "/api/v1/key-emitter-lists/",
    "/api/v1/key-emitter-lists/{year}/",
    "/api/v1/key-emitter-lists/{year}/entries/",
]


def test_schema_is_openapi3_with_registry_paths():
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert str(schema["openapi"]).startswith("3.")
    for path in REGISTRY_PATHS:
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/enterprises/"]["get"]["parameters"]}
    assert {"q", "area", "sector", "status", "listed_in", "page"} <= params


def test_schema_json_format():
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/v1/emission-records/" in response.json()["paths"]


def test_docs_page_uses_only_local_static():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"https?://(cdn|unpkg|cdnjs|fonts\.)", html, re.I)


def test_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=StringIO())
    schema = yaml.safe_load(target.read_text())
    assert "/api/v1/key-emitter-lists/{year}/entries/" in schema["paths"]


def test_api_root_lists_every_collection(client_as, ent_a):
    """`/api/v1/` (named in the README) answers with the collections and their URLs."""
    from zhongwei_carbon.api_urls import collections

    response = client_as(ent_a).get("/api/v1/")
    assert response.status_code == 200
    listing = response.json()
    prefixes = [prefix for prefix, _name in collections()]
    assert {"enterprises", "reports", "surrenders", "allocations"} <= set(prefixes)
    for prefix in prefixes:
        assert listing[prefix] == f"http://testserver/api/v1/{prefix}/", prefix
        # each URL is a route (403 for a collection the role may not read; compliance says
        # 404 while no cycle exists), never a server error
        assert client_as(ent_a).get(listing[prefix]).status_code in (200, 403, 404), prefix
    assert client_as(ent_a).get(listing["enterprises"]).json()["count"] == 1
    assert listing["docs"].endswith("/api/docs/")


def test_api_root_needs_a_login():
    assert Client().get("/api/v1/").status_code == 401


# --- the document tells the truth (issue 10 §7; tests/core/test_api_fuzz.py checks the answers) --


@pytest.fixture(scope="module")
def document():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def test_every_operation_documents_its_error_answers(document):
    responses = document["components"]["responses"]
    assert responses["Unauthorized"]["headers"]["WWW-Authenticate"]["required"] is True
    for name in ("BadRequest", "Unauthorized", "Forbidden", "NotFound"):
        assert "$ref" in responses[name]["content"]["application/json"]["schema"], name
    for method, path, operation in _operations(document):
        codes = operation["responses"]
        for code, name in (("401", "Unauthorized"), ("403", "Forbidden"), ("404", "NotFound")):
            assert codes[code] == {"$ref": f"#/components/responses/{name}"}, (method, path)
        if method != "GET":  # every write may be refused by its service
            assert codes["400"] == {"$ref": "#/components/responses/BadRequest"}, (method, path)
    assert "400" not in document["paths"]["/api/v1/fuel-types/{id}/"]["get"]["responses"]


def _body(operation, code="200"):
    return operation["responses"][code]["content"]["application/json"]["schema"]


@pytest.mark.parametrize("path", [
    "/api/v1/allocations/{id}/objections/", "/api/v1/reports/{id}/versions/",
    "/api/v1/reports/{id}/findings/", "/api/v1/reports/{id}/verifications/",
    "/api/v1/reports/{id}/objections/", "/api/v1/reports/{id}/assignable-agencies/",
])
def test_actions_answering_arrays_are_plain_arrays_without_filters(document, path):
    operation = document["paths"][path]["get"]
    assert _body(operation)["type"] == "array"
    assert [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"] == []


def test_compliance_rows_are_paginated_and_the_rates_are_one_object(document):
    """Issue 11 §2: the rows page like every list; the rates are their own answer."""
    operation = document["paths"]["/api/v1/compliance/"]["get"]
    assert _body(operation) == {"$ref": "#/components/schemas/PaginatedComplianceRowList"}
    page = document["components"]["schemas"]["PaginatedComplianceRowList"]
    assert {"count", "next", "previous", "results"} <= set(page["properties"])
    assert page["properties"]["results"]["items"] == {
        "$ref": "#/components/schemas/ComplianceRow"}
    params = {p["name"] for p in operation["parameters"]}
    assert {"cycle", "status", "ordering", "page"} <= params
    summary = document["paths"]["/api/v1/compliance/summary/"]["get"]
    assert _body(summary) == {"$ref": "#/components/schemas/ComplianceSummary"}
    assert [p["name"] for p in summary["parameters"]] == ["cycle"]
    rates = document["components"]["schemas"]["ComplianceSummary"]["properties"]
    assert {"cycle", "deadline", "city", "by_area", "by_sector"} <= set(rates)


def test_allocation_check_values_may_be_null(document):
    fields = document["components"]["schemas"]["Allocation"]["properties"]
    for name in ("pre_allocation_check", "computed", "difference", "check_problem"):
        assert fields[name]["nullable"] is True, name


@pytest.mark.parametrize("component", ["Enterprise", "Agency"])
def test_a_blank_contact_email_is_allowed(document, component):
    email = document["components"]["schemas"][component]["properties"]["contact_email"]
    assert {"type": "string", "format": "email"} in email["oneOf"]
    assert {"type": "string", "maxLength": 0} in email["oneOf"]


def test_query_parameters_may_be_empty_and_years_are_whole_numbers(document):
    reports = {p["name"]: p for p in document["paths"]["/api/v1/reports/"]["get"]["parameters"]}
    assert all(p["allowEmptyValue"] for p in reports.values())
    assert reports["year"]["schema"] == {"type": "integer"}
    assert reports["ordering"]["schema"] == {"type": "string"}  # an unknown key is ignored
    cycle = next(p for p in document["paths"]["/api/v1/compliance/"]["get"]["parameters"]
                 if p["name"] == "cycle")
    assert cycle["schema"] == {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}
