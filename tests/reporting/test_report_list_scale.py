"""Issue 11 §3: the report list does not list the city's enterprises. The start-a-report form is
the enterprise users' (their own enterprise only); the bureau and the counties get no
enterprise select, so their page does not grow with the number of enterprises, and search the
list by the enterprise's name or credit code instead (page, export and API)."""

import re

import pytest
from django.urls import reverse

from registry.models import Enterprise
from reporting.models import AnnualReport
from tests import factories as f

pytestmark = pytest.mark.django_db


def _more_enterprises(n, start=0):
    Enterprise.objects.bulk_create([
        Enterprise(uscc=f.next_uscc(), name=f"Listed {start + i:04d}", area=f.area(),
                   sector=f.sector())
        for i in range(n)
    ])


def _enterprise_options(html):
    select = re.search(r'<select[^>]*name="enterprise".*?</select>', html, re.S)
    return re.findall(r"<option", select[0]) if select else []


@pytest.mark.parametrize("persona", ["bureau_admin", "bureau_reviewer", "official_a"])
def test_no_enterprise_select_and_the_page_does_not_grow(persona, request, enterprise_a,
                                                         bureau_admin, client_as):
    user = request.getfixturevalue(persona)
    f.report_draft(enterprise_a, bureau_admin, year=2024)
    client = client_as(user)
    url = reverse("reporting:report_list")
    _more_enterprises(30)
    few = client.get(url).content.decode()
    _more_enterprises(90, start=30)
    many = client.get(url).content.decode()
    assert _enterprise_options(many) == [] and 'action="/reporting/reports/start/"' not in many
    assert "Listed 0001" not in many
    assert len(many) == len(few)


def test_the_enterprise_user_starts_a_report_for_its_own_enterprise(enterprise_a, ent_a,
                                                                    client_as):
    _more_enterprises(30)
    client = client_as(ent_a)
    html = client.get(reverse("reporting:report_list")).content.decode()
    assert len(_enterprise_options(html)) == 1
    assert f'<option value="{enterprise_a.pk}">{enterprise_a.name}</option>' in html
    response = client.post(reverse("reporting:report_start"),
                           {"enterprise": enterprise_a.pk, "year": 2024})
    report = AnnualReport.objects.get(enterprise=enterprise_a, year=2024)
    assert response.status_code == 302 and response["Location"].endswith(f"/{report.pk}/")
    other = Enterprise.objects.get(name="Listed 0000")
    response = client.post(reverse("reporting:report_start"), {"enterprise": other.pk,
                                                               "year": 2024})
    assert response.status_code == 404 and not AnnualReport.objects.filter(enterprise=other)


def test_the_bureau_searches_the_list_by_name_or_credit_code(enterprise_a, enterprise_b,
                                                             bureau_admin, client_as):
    a = f.report_draft(enterprise_a, bureau_admin, year=2024)
    b = f.report_draft(enterprise_b, bureau_admin, year=2024)
    client = client_as(bureau_admin)
    url = reverse("reporting:report_list")
    page = client.get(url, {"q": "沙坡头"})
    assert list(page.context["page_obj"]) == [a]
    assert 'name="q"' in page.content.decode() and 'value="沙坡头"' in page.content.decode()
    assert list(client.get(url, {"q": enterprise_b.uscc[-6:].lower()})
                .context["page_obj"]) == [b]
    assert len(client.get(url, {"q": "  "}).context["page_obj"]) == 2
    api = client.get(reverse("api:report-list"), {"q": "中宁"}).json()
    assert [r["id"] for r in api["results"]] == [b.pk]
    import io

    from openpyxl import load_workbook

    export = client.get(reverse("reporting:report_export"), {"q": "中宁"})
    content = b"".join(export.streaming_content) if export.streaming else export.content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [enterprise_b.name]
