"""Schemathesis: generated requests against every read operation of the OpenAPI schema, as a
bureau admin (who sees everything). No request may crash the server: any 5xx fails. Django's
test client carries the requests, so they run inside the test's transaction."""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


@pytest.fixture
def admin_client(bureau_admin, enterprise_a, ent_a):
    client = APIClient()
    client.force_authenticate(bureau_admin)
    return client


@schema.include(method="GET").parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_read_operations_never_fail(case, admin_client):
    response = admin_client.get(case.formatted_path, data=case.query or {}, format="json")
    assert response.status_code < 500, (case.formatted_path, case.query, response.status_code)
    if response.status_code == 200:
        response.json()  # every answer is valid JSON
