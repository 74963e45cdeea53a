"""The bureau's side: triage, assignment with a working-day deadline, the handler's work, the
four-eyes approval, the filer reading the reply; scoping; the identity only on a logged
request by a bureau admin, never on a page, the API, an export, a history or a notification
a handler can reach."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from complaints import services
from complaints.models import Complaint
from complaints.views.public import _public_view
from tests import factories as f
from tests.complaints.conftest import FILER_CONTACT, FILER_NAME
from tests.conftest import client_for
from zhongwei_carbon import events, workdays
from zhongwei_carbon.models import Event, Notification
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    if response.streaming:
        data = b"".join(response.streaming_content)
        wb = load_workbook(io.BytesIO(data))
        return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row)
    return response.content.decode()


def test_triage_assign_handle_approve_and_the_filer_reads_the_reply(
        filed, bureau_admin, official_a, official_b, ent_a, agency_a_staff):
    complaint, secret = filed
    admin = client_for(bureau_admin)
    assert admin.post(reverse("complaints:complaint_accept", args=[complaint.pk])).status_code == 302
    response = admin.post(reverse("complaints:complaint_assign", args=[complaint.pk]),
                          {"handler": official_a.pk, "working_days": 15})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "assigned" and complaint.assigned_area == official_a.memberships.get().area
    assert complaint.reply_due == workdays.deadline(complaint.assigned_on, 15)
    assert Notification.objects.filter(recipient=official_a, key__startswith=f"complaint:{complaint.pk}:assigned").exists()

    detail = reverse("complaints:complaint_detail", args=[complaint.pk])
    handler = client_for(official_a)
    assert handler.get(detail).status_code == 200
    assert client_for(official_b).get(detail).status_code == 404
    assert client_for(ent_a).get(detail).status_code == 403  # the party: no door at all
    assert client_for(agency_a_staff).get(detail).status_code == 403

    assert handler.post(reverse("complaints:complaint_findings", args=[complaint.pk]),
                        {"findings": "现场核查台账"}).status_code == 302
    assert handler.post(reverse("complaints:reply_draft", args=[complaint.pk]), {
        "findings": "现场核查台账，数据有误", "outcome": "substantiated", "reply": "经查属实，已立案处理。",
    }).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "reply_pending" and complaint.reply_drafted_by == official_a
    # the handler cannot approve his own reply (no role for it)
    assert handler.post(reverse("complaints:reply_approve", args=[complaint.pk])).status_code == 403
    # the reply is not public before approval
    assert _public_view(complaint)["reply"] == ""

    # approving asks first, showing the reply; nothing is published before the confirmation
    asked = admin.post(reverse("complaints:reply_approve", args=[complaint.pk]), {"approve": "1"})
    assert asked.status_code == 200 and "经查属实，已立案处理。" in asked.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == "reply_pending" and _public_view(complaint)["reply"] == ""
    received = []
    listener = events.subscribe("complaint.substantiated")(lambda **kw: received.append(kw))
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            approve = admin.post(reverse("complaints:reply_approve", args=[complaint.pk]),
                                 {"approve": "1", "step": "confirm"})
    finally:
        events._subscribers["complaint.substantiated"].remove(listener)
    assert approve.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "answered" and complaint.approved_by == bureau_admin
    assert received and received[-1]["enterprise_id"] == complaint.enterprise_id
    assert received[-1]["outcome"] == "substantiated"
    view = _public_view(services.track(number=complaint.number, secret=secret))
    assert view["answered"] and view["reply"] == "经查属实，已立案处理。"


def test_four_eyes_a_user_cannot_approve_his_own_reply(filed, bureau_admin, area_a):
    complaint, _secret = filed
    both = f.make_member("both", Role.BUREAU_ADMIN)
    both.memberships.create(role=Role.BUREAU_REVIEWER)
    services.complaint_accept(actor=bureau_admin, complaint=complaint)
    services.complaint_assign(actor=bureau_admin, complaint=complaint, handler=both)
    services.reply_submit(actor=both, complaint=complaint, findings="", reply="答复",
                          outcome="unsubstantiated")
    with pytest.raises(ValidationError):
        services.reply_approve(actor=both, complaint=complaint)
    assert Complaint.objects.get().status == "reply_pending"
    services.reply_return(actor=bureau_admin, complaint=complaint, note="补充调查")
    assert Complaint.objects.get().status == "assigned"


def test_forbidden_transitions_are_clear_errors(filed, bureau_admin, official_a):
    complaint, _secret = filed
    with pytest.raises(ValidationError):
        services.complaint_assign(actor=bureau_admin, complaint=complaint, handler=official_a)
    services.complaint_accept(actor=bureau_admin, complaint=complaint)
    with pytest.raises(ValidationError):
        services.complaint_accept(actor=bureau_admin, complaint=complaint)
    with pytest.raises(ValidationError):
        services.reply_approve(actor=bureau_admin, complaint=complaint)
    with pytest.raises(PermissionDenied):
        services.complaint_accept(actor=official_a, complaint=complaint)


def test_only_the_assigned_handler_works_it(assigned, official_b, bureau_reviewer):
    complaint, _secret = assigned
    for user in (official_b, bureau_reviewer):
        url = reverse("complaints:reply_draft", args=[complaint.pk])
        assert client_for(user).get(url).status_code == 404
        with pytest.raises(PermissionDenied):
            services.findings_save(actor=user, complaint=complaint, findings="x")


def test_reject_with_reason_and_the_filer_reads_it(filed, bureau_admin):
    complaint, secret = filed
    url = reverse("complaints:complaint_reject", args=[complaint.pk])
    assert client_for(bureau_admin).post(url, {"reason": ""}).status_code == 200
    assert Complaint.objects.get().status == "received"
    client_for(bureau_admin).post(url, {"reason": "不属于本局职责范围"})
    view = _public_view(services.track(number=complaint.number, secret=secret))
    assert view["rejection_reason"] == "不属于本局职责范围"


def test_a_merged_duplicate_follows_the_first_complaint(assigned, bureau_admin, official_a):
    first, _ = assigned
    dup, dup_secret = services.complaint_file(category="other", description="同一事项",
                                              target_text="某厂")
    url = reverse("complaints:complaint_merge", args=[dup.pk])
    assert client_for(bureau_admin).post(url, {"into": "TS1999-00001"}).status_code == 200
    assert client_for(bureau_admin).post(url, {"into": first.number}).status_code == 302
    services.reply_submit(actor=official_a, complaint=first, findings="", reply="已处理",
                          outcome="partly")
    services.reply_approve(actor=bureau_admin, complaint=first)
    view = _public_view(services.track(number=dup.number, secret=dup_secret))
    assert view["merged_into"] == first.number and view["reply"] == "已处理"


def test_the_identity_is_shown_to_a_bureau_admin_on_request_and_the_look_is_logged(
        assigned, bureau_admin, bureau_reviewer, official_a):
    complaint, _secret = assigned
    url = reverse("complaints:complaint_identity", args=[complaint.pk])
    admin = client_for(bureau_admin)
    page = admin.get(url).content.decode()
    assert FILER_NAME not in page  # nothing decrypted without the explicit request
    assert not Event.objects.filter(verb="complaint.identity_viewed").exists()
    shown = admin.post(url).content.decode()
    assert FILER_NAME in shown and FILER_CONTACT in shown
    look = Event.objects.get(verb="complaint.identity_viewed")
    assert look.actor == bureau_admin and look.target_id == str(complaint.pk)
    assert FILER_NAME not in look.message
    assert client_for(bureau_reviewer).post(url).status_code == 403
    assert client_for(official_a).post(url).status_code == 403
    assert Event.objects.filter(verb="complaint.identity_viewed").count() == 1


def test_a_handler_never_meets_the_identity(assigned, bureau_admin, official_a):
    """Every page, API answer, export and notification the handler can reach, after the bureau
    has looked at the identity and the complaint has gone through its whole life."""
    complaint, _secret = assigned
    client_for(bureau_admin).post(reverse("complaints:complaint_identity", args=[complaint.pk]))
    services.reply_submit(actor=official_a, complaint=complaint, findings="调查", reply="答复",
                          outcome="substantiated")
    services.reply_approve(actor=bureau_admin, complaint=complaint)
    handler = client_for(official_a)
    urls = [
        reverse("complaints:complaint_list"),
        reverse("complaints:complaint_list") + "?q=" + complaint.number,
        reverse("complaints:complaint_detail", args=[complaint.pk]),
        reverse("complaints:complaint_export"),
        reverse("api:complaint-list"),
        reverse("api:complaint-detail", args=[complaint.pk]),
        reverse("notifications"),
    ]
    for url in urls:
        response = handler.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        assert FILER_NAME not in body and FILER_CONTACT not in body, url
    assert complaint.number in _body(handler.get(reverse("complaints:complaint_export")))
    for note in Notification.objects.all():
        assert FILER_NAME not in note.subject + note.body
    for event in Event.objects.all():
        assert FILER_NAME not in event.message and FILER_NAME not in str(event.data)
    for row in Complaint.history.all():
        assert FILER_NAME not in str(row.__dict__)
    # and the bureau's own list and export do not carry it either
    admin = client_for(bureau_admin)
    for url in urls[:5]:
        assert FILER_NAME not in _body(admin.get(url)), url


def test_list_filters_empty_state_and_scope(assigned, bureau_admin, official_b, published):
    complaint, _ = assigned
    services.complaint_file(category="other", description="x", target_text="某厂")
    admin = client_for(bureau_admin)
    url = reverse("complaints:complaint_list")
    assert len(admin.get(url).context["page_obj"]) == 2
    assert [c.pk for c in admin.get(url, {"status": "assigned"}).context["page_obj"]] == [complaint.pk]
    assert [c.pk for c in admin.get(url, {"category": "false_data"}).context["page_obj"]] == [complaint.pk]
    assert [c.pk for c in admin.get(url, {"area": complaint.area_id}).context["page_obj"]] == [complaint.pk]
    empty = admin.get(url, {"q": "无此号码"})
    assert len(empty.context["page_obj"]) == 0
    # the other county sees none of them, in the list, the export and the API
    other = client_for(official_b)
    assert len(other.get(url).context["page_obj"]) == 0
    assert other.get(reverse("api:complaint-list")).json()["count"] == 0
    assert complaint.number not in _body(other.get(reverse("complaints:complaint_export")))


def test_assignment_deadline_counts_working_days(filed, bureau_admin, bureau_reviewer):
    from zhongwei_carbon.models import Event

    complaint, _ = filed
    services.complaint_accept(actor=bureau_admin, complaint=complaint)
    with pytest.raises(ValidationError):
        services.complaint_assign(actor=bureau_admin, complaint=complaint,
                                  handler=bureau_admin)  # not a handler role
    with pytest.raises(ValidationError):
        services.complaint_assign(actor=bureau_admin, complaint=complaint,
                                  handler=bureau_reviewer, working_days=0)
    bureau_reviewer.full_name = "王五"
    bureau_reviewer.save()
    complaint = services.complaint_assign(actor=bureau_admin, complaint=complaint,
                                          handler=bureau_reviewer, working_days=5)
    # the activity names the handler as people read it, never by the login
    line = Event.objects.filter(verb="complaint.assigned").latest("pk").message
    assert "王五" in line and bureau_reviewer.username not in line
    assert complaint.assigned_area is None
    cal = workdays.calendar()
    assert complaint.reply_due == workdays.add_working_days(complaint.assigned_on, 5, cal)
    assert complaint.reply_due > complaint.assigned_on >= date(2020, 1, 1)



def test_the_bureau_opens_an_inspection_from_a_complaint(assigned, bureau_admin, official_a):
    complaint, _ = assigned
    detail = reverse("complaints:complaint_detail", args=[complaint.pk])
    url = client_for(bureau_admin).get(detail).context["inspection_url"]
    assert url and "trigger=complaint" in url and complaint.number in url
    assert FILER_NAME not in url
    form = client_for(bureau_admin).get(url).context["form"]
    assert form.initial["trigger"] == "complaint" and form.initial["trigger_note"] == complaint.number
    assert form.initial["enterprise"] == str(complaint.enterprise_id)
    assert client_for(official_a).get(detail).context["inspection_url"] == ""


def test_a_pending_reply_is_approved_or_returned_before_any_reassignment(
    assigned, bureau_admin, official_a, bureau_reviewer
):
    """Reassigning would skip the return note and leave the draft behind."""
    complaint, _secret = assigned
    services.reply_submit(actor=official_a, complaint=complaint, findings="查明", reply="答复",
                          outcome="unsubstantiated")
    with pytest.raises(ValidationError):
        services.complaint_assign(actor=bureau_admin, complaint=complaint, handler=bureau_reviewer)
    complaint.refresh_from_db()
    assert complaint.status == "reply_pending" and complaint.handler == official_a
