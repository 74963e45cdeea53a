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
