"""The credit events pages and API: who sees which events (scoped; pending manual events are
the bureau's), filters, export, the detail with its source, and the four-eyes pages."""

import io
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from credit.choices import EventKind, EventStatus
from credit.models import CreditEvent
from credit.services import events as services
from tests import factories as f
from tests.conftest import client_for
from zhongwei_carbon.models import Notification
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db
LIST = reverse("credit:event_list")
API = reverse("api:credit-event-list")


def _auto(subject, key, kind=EventKind.REPORT_LATE, year=2025, **kw):
    return services.record(subject=subject, year=year, kind=kind, occurred_on=date(2026, 4, 2),
                           summary=f"{kind}", key=key, **kw)[0]


@pytest.fixture
def world(enterprise_a, enterprise_b, agency_a, bureau_admin):
    return {
        "a": _auto(enterprise_a, "a"),
        "b": _auto(enterprise_b, "b", kind=EventKind.SURRENDER_SHORT, year=2024),
        "agency": _auto(agency_a, "ag", kind=EventKind.AGENCY_SUSPENDED),
        "pending": services.manual_enter(
            actor=bureau_admin, subject=enterprise_a, year=2025,
            kind=EventKind.MANUAL_DEDUCTION, occurred_on=date(2025, 8, 1), summary="拒绝检查",
            evidence="笔录"),
    }


def _listed(client, url=LIST, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    if url == API:
        return {row["id"] for row in response.json()["results"]}
    return {e.pk for e in response.context["page_obj"]}


@pytest.mark.parametrize("persona, expected", [
    ("bureau_admin", {"a", "b", "agency", "pending"}),
    ("bureau_reviewer", {"a", "b", "agency", "pending"}),
    ("official_a", {"a"}),  # its area's enterprises; not agencies; not pending
    ("official_b", {"b"}),
    ("ent_a", {"a"}),
    ("ent_b", {"b"}),
    ("agency_a_staff", {"agency"}),
    ("agency_b_staff", set()),
])
def test_each_role_sees_its_own_events(world, personas, persona, expected):
    client = client_for(personas[persona])
    ids = {world[name].pk for name in expected}
    assert _listed(client) == ids
    assert _listed(client, API) == ids


def test_the_public_sees_none(world, client):
    assert client.get(LIST).status_code == 302
    assert client.get(API).status_code == 401


def test_filters(world, bureau_admin, enterprise_b):
    client = client_for(bureau_admin)
    assert _listed(client, year=2024) == {world["b"].pk}
    assert _listed(client, kind=EventKind.AGENCY_SUSPENDED) == {world["agency"].pk}
    assert _listed(client, subject_kind="agency") == {world["agency"].pk}
    assert _listed(client, status="pending") == {world["pending"].pk}
    assert _listed(client, origin="manual") == {world["pending"].pk}
    assert _listed(client, q=enterprise_b.name[:3]) == {world["b"].pk}
    assert _listed(client, API, q=enterprise_b.name[:3]) == {world["b"].pk}
    response = client.get(LIST, {"year": "²"})  # a bad filter: a message, never a 500
    assert response.status_code == 200 and response.context["filterset"].errors


def test_export_is_scoped(world, ent_a, enterprise_a):
    response = client_for(ent_a).get(reverse("credit:event_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][3] == enterprise_a.name


def test_detail_links_the_source_by_name(enterprise_a, bureau_admin, official_b):
    from oversight.models import ViolationCase

    case = ViolationCase.objects.create(
        target_kind="enterprise", enterprise=enterprise_a, target_name=enterprise_a.name,
        area=enterprise_a.area, year=2026, article="22", facts="造假", opened_by=bureau_admin,
        trigger_note="举报")
    event = _auto(enterprise_a, "v", kind=EventKind.VIOLATION_ART22, source=case)
    response = client_for(bureau_admin).get(reverse("credit:event_detail", args=[event.pk]))
    assert response.context["source_url"] == case.get_absolute_url()
    assert response.context["source_name"] == str(case)
    assert case.get_absolute_url() in response.content.decode()
    assert "credit.event_recorded" in {e.verb for e in response.context["events"]}
    assert client_for(official_b).get(
        reverse("credit:event_detail", args=[event.pk])).status_code == 404


def test_pending_events_are_hidden_from_the_subject(world, ent_a, official_a):
    url = reverse("credit:event_detail", args=[world["pending"].pk])
    assert client_for(ent_a).get(url).status_code == 404
    assert client_for(official_a).get(url).status_code == 404
    api = reverse("api:credit-event-detail", args=[world["pending"].pk])
    assert client_for(ent_a).get(api).status_code == 404


@pytest.fixture
def second_admin(db):
    return f.make_member("admin_two", Role.BUREAU_ADMIN)


def test_enter_confirm_through_the_pages(bureau_admin, second_admin, enterprise_a):
    client = client_for(bureau_admin)
    data = {"subject_kind": "enterprise", "enterprise": enterprise_a.uscc, "year": 2025,
            "kind": EventKind.MANUAL_DEDUCTION, "occurred_on": "2025-08-01",
            "summary": "拒绝配合检查", "evidence": "现场笔录",
            "evidence_file": ContentFile(b"%PDF-1.4 scan", name="scan.pdf")}
    response = client.post(reverse("credit:event_new"), data)
    event = CreditEvent.objects.get()
    assert response.status_code == 302 and event.status == EventStatus.PENDING
    assert event.evidence_file.name.endswith(".pdf")
    note = Notification.objects.get(recipient=second_admin)
    assert note.link == reverse("credit:event_detail", args=[event.pk])
    confirm = reverse("credit:event_confirm", args=[event.pk])
    # the one who entered it cannot confirm: a clear error, nothing changed
    response = client.post(confirm, {"decision": "confirm"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert CreditEvent.objects.get().status == EventStatus.PENDING
    # the second admin: first a confirmation page (nothing done), then the confirmation
    other = client_for(second_admin)
    assert other.get(confirm).status_code == 200
    response = other.post(confirm, {"decision": "confirm"})
    assert response.status_code == 200 and b"confirm-step" in response.content
    assert CreditEvent.objects.get().status == EventStatus.PENDING
    response = other.post(confirm, {"decision": "confirm", "step": "confirm"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.confirmed_by) == (EventStatus.ACTIVE, second_admin)
    evidence = other.get(reverse("credit:event_evidence", args=[event.pk]))
    assert evidence["Content-Type"] == "application/pdf"


def test_enter_form_errors_change_nothing(bureau_admin, agency_a):
    client = client_for(bureau_admin)
    base = {"year": 2025, "kind": EventKind.MANUAL_CREDIT, "occurred_on": "2025-08-01",
            "summary": "表彰", "evidence": "文件"}
    with translation.override("en"):
        response = client.post(reverse("credit:event_new"), base | {"subject_kind": "agency"})
        assert "agency" in response.context["form"].errors
        response = client.post(reverse("credit:event_new"),
                               base | {"subject_kind": "enterprise", "enterprise": "91XXXX"})
        assert "enterprise" in response.context["form"].errors
        response = client.post(reverse("credit:event_new"),
                               base | {"subject_kind": "agency", "agency": agency_a.pk,
                                       "evidence": "",
                                       "evidence_file": ContentFile(b"GIF89a", name="x.pdf")})
        assert "evidence_file" in response.context["form"].errors
    assert not CreditEvent.objects.exists()


def test_refuse_through_the_page(world, second_admin):
    client = client_for(second_admin)
    url = reverse("credit:event_refuse", args=[world["pending"].pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors
    assert CreditEvent.objects.get(pk=world["pending"].pk).status == EventStatus.PENDING
    assert client.post(url, {"reason": "证据不足"}).status_code == 302
    assert CreditEvent.objects.get(pk=world["pending"].pk).status == EventStatus.REFUSED


def test_the_list_tells_an_admin_what_awaits_him(world, second_admin, bureau_admin):
    assert client_for(second_admin).get(LIST).context["awaiting"] == 1
    assert client_for(bureau_admin).get(LIST).context["awaiting"] == 0  # his own


def test_enterprise_and_agency_pages_link_their_events(world, ent_a, agency_a_staff, ent_b,
                                                       enterprise_a, agency_a):
    from zhongwei_carbon import links

    url = f"{LIST}?enterprise={enterprise_a.pk}"
    assert url in [link.url for link in links.for_enterprise(ent_a, enterprise_a)]
    assert url not in [link.url for link in links.for_enterprise(ent_b, enterprise_a)]
    assert f"{LIST}?agency={agency_a.pk}" in [
        link.url for link in links.for_agency(agency_a_staff, agency_a)]
    assert _listed(client_for(ent_a), enterprise=enterprise_a.pk) == {world["a"].pk}
    assert _listed(client_for(ent_b), enterprise=enterprise_a.pk) == set()


def test_the_list_reads_in_constant_queries(world, bureau_admin, enterprise_b,
                                            django_assert_max_num_queries):
    client = client_for(bureau_admin)
    client.get(LIST)
    for i in range(10):
        _auto(enterprise_b, f"more:{i}")
    with django_assert_max_num_queries(20):
        assert client.get(LIST).status_code == 200


def test_a_source_the_user_may_not_open_is_named_not_linked(enterprise_a, bureau_admin, ent_a):
    from complaints.models import Complaint

    complaint = Complaint.objects.create(
        number="TS2026-00042", secret_hash="x", category="false_data", target_kind="enterprise",
        enterprise=enterprise_a, area=enterprise_a.area, description="数据造假",
        filed_at="2026-05-01T08:00:00Z", status="answered", outcome="substantiated")
    event = _auto(enterprise_a, "c", kind=EventKind.COMPLAINT_SUBSTANTIATED, source=complaint)
    url = reverse("credit:event_detail", args=[event.pk])
    seen = client_for(ent_a).get(url).context  # enterprises have no door into complaints
    assert (seen["source_name"], seen["source_url"]) == (str(complaint), "")
    seen = client_for(bureau_admin).get(url).context
    assert seen["source_url"] == complaint.get_absolute_url()


def test_who_cannot_decide_a_pending_event_is_told_who_can(world, bureau_reviewer, bureau_admin):
    pending = CreditEvent.objects.get(status=EventStatus.PENDING)
    html = client_for(bureau_reviewer).get(
        reverse("credit:event_detail", args=[pending.pk])).content.decode()
    assert str(pending.recorded_by) in html and "event_confirm" not in html
    assert reverse("credit:event_confirm", args=[pending.pk]) not in html
