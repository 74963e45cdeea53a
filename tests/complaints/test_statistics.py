"""Complaint statistics: counts by category, kind, area, month and outcome, the on-time reply
rate, scoped like the list, and the export."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from complaints import rules, services, statistics
from complaints.models import Complaint
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_on_time_rate_rule():
    assert rules.on_time_rate(0, 0) is None
    assert str(rules.on_time_rate(2, 3)) == "66.7"
    assert str(rules.on_time_rate(1, 8)) == "12.5"


def test_figures_and_scope(assigned, bureau_admin, official_a, official_b):
    complaint, _ = assigned
    services.complaint_file(category="other", description="x", target_text="某厂")
    services.reply_submit(actor=official_a, complaint=complaint, findings="", reply="答复",
                          outcome="substantiated")
    services.reply_approve(actor=bureau_admin, complaint=complaint)
    year = timezone.localdate().year
    figs = statistics.figures(bureau_admin, year, timezone.localdate())
    assert figs.total == 2
    assert dict(figs.by_category)["排放数据虚假或弄虚作假"] == 1 or figs.by_category[0][1] == 1
    assert sum(n for _, n in figs.by_month) == 2 and sum(n for _, n in figs.by_target_kind) == 2
    assert sum(n for _, n in figs.by_outcome) == 1
    assert (figs.answered_with_due, figs.on_time, str(figs.on_time_rate)) == (1, 1, "100.0")
    # late: answered after the due date
    Complaint.objects.filter(pk=complaint.pk).update(reply_due=date(2000, 1, 3))
    assert statistics.figures(bureau_admin, year, timezone.localdate()).on_time == 0
    # a county sees only what is handled in its area
    assert statistics.figures(official_a, year, timezone.localdate()).total == 1
    assert statistics.figures(official_b, year, timezone.localdate()).total == 0


def test_overdue_open_complaints_are_counted(assigned, bureau_admin):
    complaint, _ = assigned
    later = complaint.reply_due + timedelta(days=1)
    assert statistics.figures(bureau_admin, complaint.filed_at.year, later).overdue_open == 1


def test_page_and_export(assigned, bureau_admin, ent_a):
    url = reverse("complaints:complaint_statistics")
    page = client_for(bureau_admin).get(url, {"year": "abc"})
    assert page.status_code == 200 and page.context["year"] == timezone.localdate().year
    response = client_for(bureau_admin).get(reverse("complaints:complaint_statistics_export"))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(wb.worksheets) == 6
    assert client_for(ent_a).get(url).status_code == 403
