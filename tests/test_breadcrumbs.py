"""Breadcrumbs on every detail page (issue 9, point 10): 首页 › list › item, from the one
include in templates/base.html."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import PERSONAS, client_for
from tests.test_url_matrix import OK, RULES, ctx  # noqa: F401  (builds a row of every kind)

DETAIL_PAGES = sorted(
    n for n in RULES if n.endswith("_detail") or n in ("reporting:report_version",)
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", DETAIL_PAGES)
def test_detail_page_has_breadcrumbs(name, ctx):  # noqa: F811
    build, expected = RULES[name]
    persona = next(p for p in PERSONAS if expected[p] == OK)
    response = client_for(ctx[persona]).get(reverse(name, kwargs=build(ctx)))
    assert response.status_code == 200, (name, persona)
    html = response.content.decode()
    nav = re.search(r'<nav aria-label="[^"]*"><ol class="breadcrumb[^"]*">(.*?)</ol></nav>', html, re.S)
    assert nav, f"{name}: no breadcrumb"
    items = re.findall(r'<li class="breadcrumb-item[^"]*"[^>]*>(.*?)</li>', nav.group(1), re.S)
    # 首页 › the list (a link) › … › the page itself; the public site's home is its list of
    # published lists, so there 公开信息 › the page is the whole trail
    assert len(items) >= (2 if persona == "anonymous" else 3), (name, items)
    assert "href=" in items[-2], (name, items)
    home = reverse("home") if persona != "anonymous" else reverse("public:home")
    assert f'href="{home}"' in items[0], (name, items[0])
    assert 'aria-current="page"' in nav.group(1), name


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_a", "agency_a_staff"])
def test_verification_page_and_report_page_link_each_other(persona, ctx):  # noqa: F811
    report = ctx["report_v"]
    client = client_for(ctx[persona])
    report_url = reverse("reporting:report_detail", kwargs={"pk": report.pk})
    verification_url = reverse("reporting:verification_detail", kwargs={"pk": report.pk})
    verification = client.get(verification_url)
    assert verification.status_code == 200
    assert f'href="{report_url}"' in verification.content.decode()
    page = client.get(report_url)
    assert page.status_code == 200
    assert f'href="{verification_url}"' in page.content.decode()
