"""Fixes from the issue-4 UI walk."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_declare_button_only_for_agency_staff(client_as, agency_a_staff, bureau_admin):
    """The demo's superuser admin read the list and its Declare button led to a 403; the
    bureau holds no declaration role, so it gets neither the list link nor the pages."""
    add = reverse("reporting:declaration_add")
    listing = reverse("reporting:declaration_list")
    queue = client_as(bureau_admin).get(reverse("reporting:verification_queue")).content.decode()
    assert f'href="{listing}"' not in queue
    assert client_as(bureau_admin).get(listing).status_code == 403
    assert client_as(bureau_admin).get(add).status_code == 403
    r = client_as(agency_a_staff).get(listing)
    assert r.context["can_declare"] is True and f'href="{add}"' in r.content.decode()
