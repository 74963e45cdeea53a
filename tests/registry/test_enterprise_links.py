"""The enterprise page links to its reports, ledgers, allowance account, surrenders,
compliance row and penalty cases, each pre-filtered, and only those the viewer may open
(issue 9, point 10)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests import factories as f
from tests.conftest import client_for
from tests.test_url_matrix import ctx  # noqa: F401  (builds a row of every kind)
from zhongwei_carbon import links

ALL = {"年度排放报告", "月度台账", "配额账户", "配额清缴", "履约", "处罚案件", "现场检查", "违法案件",
       "信用事件"}


def _links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav[^>]*id="enterprise-links"[^>]*>(.*?)</nav>', html, re.S)
    if not nav:
        return {}
    return {
        re.sub(r"<[^>]+>", "", label).strip(): url
        for url, label in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', nav.group(1), re.S)
    }


def _page(user, enterprise):
    return client_for(user).get(reverse("registry:enterprise_detail", kwargs={"pk": enterprise.pk}))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["bureau_admin", "bureau_reviewer", "official_a", "ent_a"])
def test_enterprise_page_links_every_record_kind_and_each_opens(persona, ctx):  # noqa: F811
    user, enterprise = ctx[persona], ctx["enterprise_a"]
    found = _links(_page(user, enterprise).content.decode())
    assert set(found) == ALL, found
    assert found["配额账户"] == reverse(
        "allowances:account_detail", kwargs={"pk": ctx["account_a"].pk}
    )
    for label, url in found.items():
        if label != "配额账户":
            assert url.endswith(f"?enterprise={enterprise.pk}"), (label, url)
        response = client_for(user).get(url.replace("&amp;", "&"))
        assert response.status_code == 200, (label, url)


@pytest.mark.django_db
def test_county_official_of_another_area_gets_no_page_and_no_links(ctx):  # noqa: F811
    assert _page(ctx["official_b"], ctx["enterprise_a"]).status_code == 404
    assert links.for_enterprise(ctx["official_b"], ctx["enterprise_a"]) == []
    # their own area's enterprise: links, all pointing inside their area
    found = _links(_page(ctx["official_b"], ctx["enterprise_b"]).content.decode())
    assert "年度排放报告" in found and "配额账户" not in found  # enterprise_b has no account


@pytest.mark.django_db
def test_agency_gets_no_account_link(ctx):  # noqa: F811
    got = links.for_enterprise(ctx["agency_a_staff"], ctx["enterprise_a"])
    assert not any("account" in link.url for link in got)
    assert [str(link.label) for link in got] == []


@pytest.mark.django_db
def test_lists_opened_from_the_enterprise_show_only_its_rows(ctx):  # noqa: F811
    admin, a, b = ctx["bureau_admin"], ctx["enterprise_a"], ctx["enterprise_b"]
    f.report_draft(b, ctx["ent_b"], year=2024)
    url = reverse("reporting:report_list")
    html = client_for(admin).get(url, {"enterprise": a.pk}).content.decode()
    assert a.name in html and b.name not in html
    assert 'id="filtered-enterprise"' in html
    assert b.name in client_for(admin).get(url).content.decode()
    # another area's enterprise through the parameter: nothing of it, and not its name
    html = client_for(ctx["official_a"]).get(url, {"enterprise": b.pk}).content.decode()
    assert b.name not in html and 'id="filtered-enterprise"' not in html
