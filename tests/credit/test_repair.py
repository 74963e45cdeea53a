"""Credit repair: an event of a published final year, after the waiting period, with
evidence; the bureau approves (the event stops counting from the year after) or refuses."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from credit import deadlines
from credit.choices import EventKind, GradingStatus, RepairStatus
from credit.models import RepairApplication
from credit.selectors import scoring
from credit.services import repair as svc
from tests.conftest import client_for
from tests.credit import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the portal's default language is Chinese)."""
    with translation.override("en"):
        yield


def pdf():
    return SimpleUploadedFile("整改.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")


@pytest.fixture
def late(enterprise_a):
    h.rule_set(2024)
    event = h.event(enterprise_a, on=date(2025, 4, 1))
    h.frozen_year(2025, subjects=[enterprise_a], status=GradingStatus.FINAL)
    return event


def test_the_waiting_period_is_data_with_its_basis():
    assert deadlines.repair_open_from(EventKind.REPORT_LATE, date(2025, 11, 30)) == date(2026, 2, 28)
    assert deadlines.repair_open_from(EventKind.VIOLATION_ART22, date(2025, 4, 1)) == date(2026, 4, 1)
    assert deadlines.repair_open_from(EventKind.SURRENDER_ON_TIME, date(2025, 4, 1)) is None


def test_a_repair_waits_for_the_period_and_a_final_year(late, ent_a, enterprise_a):
    with pytest.raises(ValidationError, match="2025-07-01"):
        svc.apply(actor=ent_a, event=late, reasons="已整改", file=pdf(), today=date(2025, 6, 30))
    provisional = h.event(enterprise_a, year=2026, on=date(2026, 1, 5))
    with pytest.raises(ValidationError, match="final grades are published"):
        svc.apply(actor=ent_a, event=provisional, reasons="已整改", file=pdf(),
                  today=date(2026, 12, 1))
    with pytest.raises(ValidationError):
        svc.apply(actor=ent_a, event=late, reasons="已整改", file=None, today=date(2026, 3, 1))
    assert not RepairApplication.objects.exists()


def test_only_the_subject_applies_once_at_a_time(late, ent_a, ent_b):
    with pytest.raises(PermissionDenied):
        svc.apply(actor=ent_b, event=late, reasons="x", file=pdf(), today=date(2026, 3, 1))
    svc.apply(actor=ent_a, event=late, reasons="已整改", file=pdf(), today=date(2026, 3, 1))
    with pytest.raises(ValidationError, match="already pending"):
        svc.apply(actor=ent_a, event=late, reasons="again", file=pdf(), today=date(2026, 3, 1))


def test_approval_takes_the_event_out_of_the_following_years(late, ent_a, bureau_admin,
                                                             enterprise_a):
    application = svc.apply(actor=ent_a, event=late, reasons="已整改", file=pdf(),
                            today=date(2026, 3, 1))
    svc.decide(actor=bureau_admin, application=application, approve=True,
               today=date(2026, 3, 10))
    late.refresh_from_db()
    application.refresh_from_db()
    assert application.status == RepairStatus.APPROVED and application.effective_year == 2027
    assert late.repaired_from_year == 2027
    assert [h.repaired_from_year for h in late.history.order_by("history_date")] == [None, 2027]
    assert scoring.card_of(enterprise_a, 2025).score == D("90")  # its own year keeps it


def test_a_refusal_needs_a_reason(late, ent_a, bureau_admin, bureau_reviewer):
    application = svc.apply(actor=ent_a, event=late, reasons="已整改", file=pdf(),
                            today=date(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        svc.decide(actor=bureau_reviewer, application=application, approve=False, note="x")
    with pytest.raises(ValidationError):
        svc.decide(actor=bureau_admin, application=application, approve=False, note="")
    svc.decide(actor=bureau_admin, application=application, approve=False, note="整改未完成")
    late.refresh_from_db()
    assert late.repaired_from_year is None


def test_repairs_in_the_browser(late, ent_a, ent_b, bureau_admin):
    url = reverse("credit:repair_new", args=[late.pk])
    assert client_for(ent_b).get(url).status_code == 404
    response = client_for(ent_a).post(url, {"reasons": "已整改", "file": pdf()})
    assert response.status_code == 302, response.content.decode()[:2000]
    application = RepairApplication.objects.get()
    detail = reverse("credit:repair_detail", args=[application.pk])
    assert client_for(ent_b).get(detail).status_code == 404
    assert client_for(ent_a).get(reverse("credit:repair_file", args=[application.pk])).status_code == 200
    page = client_for(bureau_admin).get(reverse("credit:repair_list"))
    assert late.summary in page.content.decode()
    export = client_for(bureau_admin).get(reverse("credit:repair_export"))
    assert export.status_code == 200
    client_for(bureau_admin).post(reverse("credit:repair_decide", args=[application.pk]),
                                  {"decision": "approve", "note": ""})
    late.refresh_from_db()
    assert late.repaired_from_year is not None


def test_my_credit_tells_same_kind_events_apart_by_date(late, ent_a, ent_b, enterprise_a):
    """Monthly ledger events share one kind and often one summary: the list of events that
    may be repaired shows each one's date under labelled columns, and the summary only
    when it says more than the kind."""
    with translation.override("zh-hans"):  # the page is read in Chinese
        label = str(EventKind.REPORT_LATE.label)
    second = h.event(enterprise_a, on=date(2025, 5, 1), summary=label)
    body = client_for(ent_a).get(reverse("credit:my_credit")).content.decode()
    repairs = body.split("信用修复", 1)[1]
    assert "<th>日期</th>" in repairs and "<th>事件</th>" in repairs
    assert "2025-04-01" in repairs and "2025-05-01" in repairs
    assert f'<div class="small text-muted">{label}</div>' not in repairs
    assert late.summary in repairs  # a summary that says more stays
    objections = body.split(">异议<", 1)[1].split("信用修复", 1)[0]
    assert "<th>决定期限</th>" in objections
    # another enterprise's events are not on its page
    other = client_for(ent_b).get(reverse("credit:my_credit")).content.decode()
    assert "2025-05-01" not in other and second.summary not in other.split("信用修复")[-1]
