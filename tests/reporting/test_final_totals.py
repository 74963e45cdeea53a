"""Issue 9, point 6: a final report's headline is the verified total, with the reported total
beside it and the difference; the report list, its Excel export and the API carry both."""

import io
import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reporting.services import verification as svc
from tests import factories as f
from tests.reporting.test_api_reports import session_client

pytestmark = pytest.mark.django_db

REPORTED, VERIFIED = D("30573.36"), D("30073.36")  # combustion 20,000 → 19,500 on verification


@pytest.fixture
def final(enterprise_a, ent_a, bureau_admin, agency_a, agency_a_staff):
    f.verification_reporting_year(2024)
    report = f.verification_report_passed(enterprise_a, ent_a)
    svc.verification_assign(actor=bureau_admin, report=report, agency=agency_a,
                            due=timezone.localdate() + timedelta(days=30))
    facility = report.current_version.lines.filter(source_kind="combustion").first().facility
    svc.verification_file(
        actor=agency_a_staff, report=report, conclusion="corrected",
        figures=[{"facility": facility, "source_kind": "combustion", "verified": D("19500.00")},
                 {"facility": None, "source_kind": "electricity", "verified": D("10573.36")}],
        file=SimpleUploadedFile("v.pdf", b"%PDF-1.7 x", content_type="application/pdf"),
    )
    svc.recheck(actor=bureau_admin, report=report, decision="accepted")
    report.refresh_from_db()
    assert report.final_emissions == VERIFIED
    return report


@pytest.fixture
def pending(enterprise_b, ent_b):
    return f.verification_report_passed(enterprise_b, ent_b)  # not verified yet


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_final_report_headline_is_the_verified_total(client_as, final, ent_a):
    html = client_as(ent_a).get(reverse("reporting:report_detail", kwargs={"pk": final.pk})).content.decode()
    headline = text(html[html.index('id="verified-headline"'):])
    assert re.search(r"核查排放量.*?30,073\.36", headline)
    assert "30,573.36" in headline and "-500.00" in headline
    # the verified figure comes first, then the reported one, then the difference
    assert headline.index("30,073.36") < headline.index("30,573.36") < headline.index("-500.00")


def test_report_not_verified_has_no_verified_headline(client_as, pending, ent_b):
    html = client_as(ent_b).get(reverse("reporting:report_detail", kwargs={"pk": pending.pk})).content.decode()
    assert 'id="verified-headline"' not in html


def test_list_shows_reported_and_verified_columns(client_as, final, pending, bureau_admin):
    html = client_as(bureau_admin).get(reverse("reporting:report_list")).content.decode()
    assert "报告排放总量（tCO2e）" in text(html) and "核查排放总量（tCO2e）" in text(html)
    reported = re.findall(r'data-col="reported">([^<]*)<', html)
    verified = re.findall(r'data-col="verified">([^<]*)<', html)
    assert sorted(zip(reported, verified, strict=True)) == [("30,573.36", "30,073.36"), ("30,573.36", "—")]


def test_export_carries_reported_verified_and_difference(client_as, final, pending, bureau_admin):
    response = client_as(bureau_admin).get(reverse("reporting:report_export"))
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    header = list(rows[0])
    r, v, d = (header.index(h) for h in ("报告排放总量（tCO2e）", "核查排放总量（tCO2e）",
                                         "差额：核查 − 报告（tCO2e）"))
    by_enterprise = {row[1]: row for row in rows[1:]}
    assert [D(str(by_enterprise[final.enterprise.name][i])) for i in (r, v, d)] == [
        REPORTED, VERIFIED, D("-500.00")
    ]
    assert by_enterprise[pending.enterprise.name][v] is None


def test_api_carries_both_totals(final, pending, bureau_admin):
    data = session_client(bureau_admin).get("/api/v1/reports/").json()
    rows = {row["id"]: row for row in data.get("results", data)}
    assert (rows[final.pk]["reported_total"], rows[final.pk]["verified_total"],
            rows[final.pk]["verified_difference"]) == ("30573.36", "30073.36", "-500.00")
    assert (rows[pending.pk]["reported_total"], rows[pending.pk]["verified_total"]) == ("30573.36", None)
