"""Reporting tests assign agency_a / agency_b to verify reports: here both hold a verification
qualification valid today and covering every sector (``factories.qualify``)."""

import pytest

from tests import factories as f


@pytest.fixture
def agency_a(agency_a):
    return f.qualify(agency_a)


@pytest.fixture
def agency_b(agency_b):
    return f.qualify(agency_b)
