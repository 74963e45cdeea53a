"""Fixes from the issue-4 UI walk."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_declare_button_only_for_agency_staff(client_as, agency_a_staff):
    """The demo superuser could read the list, and its Declare button led to a 403."""
    bureau_admin = f.UserFactory(username="root", is_superuser=True)
    add = reverse("reporting:declaration_add")
    listing = reverse("reporting:declaration_list")
    r = client_as(bureau_admin).get(listing)
    assert r.status_code == 200 and r.context["can_declare"] is False
    assert f'href="{add}"' not in r.content.decode()
    assert client_as(bureau_admin).get(add).status_code == 403  # the link would have led here
    r = client_as(agency_a_staff).get(listing)
    assert r.context["can_declare"] is True and f'href="{add}"' in r.content.decode()
