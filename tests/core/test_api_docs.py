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
    assert Client().get("/api/v1/").status_code in (401, 403)
