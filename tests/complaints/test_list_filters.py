"""The complaint list's month, "filed from" and outcome filters (the dashboard's drill-downs):
months are Beijing-time calendar months, an outcome is that of an answered complaint (a draft
reply's is not one yet), "none" the complaints not answered; the page, its export and the API
read the same filters, scoped as ever; a malformed month is ignored."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from complaints import selectors
from complaints.models import Complaint
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
LIST = reverse("complaints:complaint_list")


@pytest.fixture
def three(assigned, official_a):
    """The assigned complaint filed 2025-03-01 00:30 Beijing time (still February in UTC) and
    answered substantiated; a copy filed 2025-02-28 23:30 with a draft reply "partly"; one
    filed in April, received."""
    complaint, _secret = assigned
    Complaint.objects.filter(pk=complaint.pk).update(
        filed_at=datetime(2025, 3, 1, 0, 30, tzinfo=SHANGHAI), status="answered",
        outcome="substantiated")
    fields = {f.name: getattr(complaint, f.name) for f in Complaint._meta.concrete_fields
              if f.name not in ("id", "number")}
    Complaint.objects.create(**fields | {
        "number": "T-FEB", "filed_at": datetime(2025, 2, 28, 23, 30, tzinfo=SHANGHAI),
        "status": "reply_pending", "outcome": "partly"})
    Complaint.objects.create(**fields | {
        "number": "T-APR", "filed_at": datetime(2025, 4, 2, tzinfo=SHANGHAI),
        "status": "received", "outcome": "", "assigned_area": None, "handler": None})
    return complaint


def numbers(client, **query) -> set[str]:
    response = client.get(LIST, query)
    assert response.status_code == 200
    return {c.number for c in response.context["page_obj"]}


def test_month_since_and_outcome(three, bureau_admin):
    client = client_for(bureau_admin)
    assert numbers(client, month="2025-03") == {three.number}
    assert numbers(client, month="2025-02") == {"T-FEB"}
    assert numbers(client, since="2025-03") == {three.number, "T-APR"}
    assert numbers(client, outcome="substantiated") == {three.number}
    assert numbers(client, outcome="partly") == set()  # a draft's outcome is not one yet
    assert numbers(client, outcome="none") == {"T-FEB", "T-APR"}
    assert numbers(client, since="2025-03", outcome="none") == {"T-APR"}
    assert numbers(client, month="2025-13") == numbers(client, month="März") == numbers(client)


def test_the_filters_are_scoped_and_shown(three, official_a, official_b):
    assert numbers(client_for(official_a), month="2025-03") == {three.number}
    assert numbers(client_for(official_a), outcome="none") == {"T-FEB"}  # April's is not his
    assert numbers(client_for(official_b), since="2025-01") == set()
    html = client_for(official_a).get(LIST, {"outcome": "none"}).content.decode()
    assert 'name="month"' in html and 'name="since"' in html
    assert '<option value="none" selected>尚无结论（未答复）</option>' in html


def test_export_and_api_read_the_same_filters(three, bureau_admin):
    client = client_for(bureau_admin)
    response = client.get(reverse("complaints:complaint_export"), {"month": "2025-02"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["T-FEB"]
    api = client.get(reverse("api:complaint-list"), {"since": "2025-04"}).json()
    assert [c["number"] for c in api["results"]] == ["T-APR"]
    api = client.get(reverse("api:complaint-list"), {"outcome": "substantiated"}).json()
    assert [c["number"] for c in api["results"]] == [three.number]


def test_last_months_run_back_across_the_year():
    from datetime import date

    months = selectors.last_months(date(2025, 2, 10))
    assert months[0] == (2024, 3) and months[-1] == (2025, 2) and len(months) == 12
    assert selectors.parse_month("2025-2") is None and selectors.parse_month(" 2025-02 ") == (2025, 2)
