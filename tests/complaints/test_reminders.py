"""The complaint reply deadline in the reminder job (issue 15): the handler while he
investigates, the approvers (not the reply's author) while the reply waits; escalated to the
handling area's officials and the bureau, never to the area complained about; nothing once
answered; named by number and category only; constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import reminders, services
from tests.complaints.conftest import FILER_CONTACT, FILER_NAME
from tests.notified import notified, open_todos
from zhongwei_carbon.models import Topic
from zhongwei_carbon.reminders import rules
from zhongwei_carbon.reminders.service import send_reminders

pytestmark = pytest.mark.django_db
LATE = timedelta(days=7)  # past the overdue offset and the escalation delay, within its catch-up


def _assigned(admin, handler, **filing):
    complaint, _secret = services.complaint_file(
        category="false_data", description="月度台账数据造假", name=FILER_NAME,
        contact=FILER_CONTACT, **filing)
    services.complaint_accept(actor=admin, complaint=complaint)
    return services.complaint_assign(actor=admin, complaint=complaint, handler=handler)


@pytest.fixture
def investigating(personas, published, enterprise_a, bureau_admin, official_a):
    return _assigned(bureau_admin, official_a, target_code=enterprise_a.uscc)


def test_registered_as_working_days():
    assert rules.rule_for("complaint-reply").working


def test_the_handler_is_reminded_by_number_and_category(personas, investigating):
    with notified(personas) as got:
        send_reminders(today=investigating.reply_due)
    [note] = got.assert_exactly("official_a", todo=True, topic=Topic.COMPLAINT)
    assert investigating.number in note.subject
    assert investigating.get_category_display() in note.subject
    for text in (FILER_NAME, FILER_CONTACT, "月度台账数据造假", "沙坡头发电有限公司"):
        assert text not in note.subject + note.body
    assert note.link == investigating.get_absolute_url()


def test_overdue_escalates_to_the_handling_area_and_the_bureau(personas, investigating):
    with notified(personas) as got:
        send_reminders(today=investigating.reply_due + LATE)
    got.assert_exactly("bureau_admin", "bureau_reviewer", todo=False)  # official_a owns it


def test_a_complaint_about_officials_never_escalates_to_their_area(
        personas, bureau_admin, bureau_reviewer, area_b):
    complaint = _assigned(bureau_admin, bureau_reviewer, target_text="中宁县某干部",
                          official_area=area_b)
    with notified(personas) as got:
        send_reminders(today=complaint.reply_due + LATE)
    got.assert_exactly("bureau_admin", todo=False)  # not official_b, the area complained about


def test_a_reply_awaiting_approval_reminds_the_approvers_not_the_handler(
        personas, investigating, official_a):
    send_reminders(today=investigating.reply_due - timedelta(days=1))
    services.reply_submit(actor=official_a, complaint=investigating, findings="已核实",
                          reply="情况属实", outcome="substantiated")
    with notified(personas) as got:
        send_reminders(today=investigating.reply_due)
    got.assert_exactly("bureau_admin", todo=True)
    assert not open_todos(official_a, investigating)


def test_an_answered_complaint_gets_none(personas, investigating, official_a, bureau_admin):
    services.reply_submit(actor=official_a, complaint=investigating, findings="已核实",
                          reply="情况属实", outcome="substantiated")
    services.reply_approve(actor=bureau_admin, complaint=investigating)
    with notified(personas) as got:
        send_reminders(today=investigating.reply_due)
        send_reminders(today=investigating.reply_due + LATE)
    got.assert_nobody()


def test_queries_are_constant(personas, published, enterprise_a, bureau_admin, official_a,
                              bureau_reviewer):
    def count():
        from complaints.models import Complaint

        today = Complaint.objects.order_by("reply_due").first().reply_due
        with CaptureQueriesContext(connection) as ctx:
            items = list(reminders.complaint_replies(today))
        return len(ctx.captured_queries), items

    first = _assigned(bureau_admin, official_a, target_code=enterprise_a.uscc)
    services.reply_submit(actor=official_a, complaint=first, findings="已核实", reply="情况属实",
                          outcome="substantiated")
    one, items = count()
    assert len(items) == 1
    _assigned(bureau_admin, official_a, target_code=enterprise_a.uscc)
    second = _assigned(bureau_admin, bureau_reviewer, target_code=enterprise_a.uscc)
    services.reply_submit(actor=bureau_reviewer, complaint=second, findings="已核实",
                          reply="情况属实", outcome="substantiated")
    three, items = count()
    assert len(items) == 3 and one == three
