"""Who each complaint step notifies (issue 15), and only they: a to-do for whoever must act
next (the bureau administrators triage and approve, the handler investigates and replies), a
notice for whoever waits; the step that does the work resolves the earlier to-dos. A notice
names the complaint by its number and category, never its filer or its words."""

from __future__ import annotations

import pytest

from accounts.models import Membership
from complaints import services
from tests import factories as f
from tests.complaints.conftest import FILER_CONTACT, FILER_NAME
from tests.notified import notified, open_todos
from zhongwei_carbon.models import Topic
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db


def _file(enterprise):
    complaint, _secret = services.complaint_file(
        category="false_data", description="月度台账数据造假", target_code=enterprise.uscc,
        name=FILER_NAME, contact=FILER_CONTACT,
    )
    return complaint


@pytest.fixture
def received(personas, published, enterprise_a):
    return _file(enterprise_a)


@pytest.fixture
def accepted(received, bureau_admin):
    return services.complaint_accept(actor=bureau_admin, complaint=received)


@pytest.fixture
def investigating(accepted, bureau_admin, official_a):
    return services.complaint_assign(actor=bureau_admin, complaint=accepted, handler=official_a)


def _submit(complaint, handler):
    return services.reply_submit(actor=handler, complaint=complaint, findings="已核实",
                                 reply="经调查，情况属实，已责令整改。", outcome="substantiated")


def test_filed_is_a_triage_todo_for_the_bureau_admins(personas, published, enterprise_a):
    with notified(personas) as got:
        complaint = _file(enterprise_a)
    [note] = got.assert_exactly("bureau_admin", todo=True, topic=Topic.COMPLAINT)
    assert complaint.number in note.subject
    assert note.body == complaint.get_category_display()  # the category, never the words
    assert note.link == complaint.get_absolute_url()
    for text in (FILER_NAME, FILER_CONTACT, "月度台账数据造假"):
        assert text not in note.subject + note.body


def test_accepted_notifies_nobody_and_keeps_the_todo(personas, received, bureau_admin):
    with notified(personas) as got:
        services.complaint_accept(actor=bureau_admin, complaint=received)
    got.assert_nobody()
    assert open_todos(bureau_admin, received)  # still to be assigned


def test_rejected_resolves_the_triage_todo(personas, received, bureau_admin):
    with notified(personas) as got:
        services.complaint_reject(actor=bureau_admin, complaint=received, reason="不属于管辖范围")
    got.assert_nobody()
    assert not open_todos(bureau_admin, received)


def test_merged_resolves_the_triage_todo(personas, received, bureau_admin, enterprise_a):
    other = _file(enterprise_a)
    with notified(personas) as got:
        services.complaint_merge(actor=bureau_admin, complaint=other, into=received)
    got.assert_nobody()
    assert not open_todos(bureau_admin, other)
    assert open_todos(bureau_admin, received)


def test_assigned_is_a_todo_for_the_handler_only(personas, accepted, bureau_admin, official_a):
    with notified(personas) as got:
        complaint = services.complaint_assign(actor=bureau_admin, complaint=accepted,
                                              handler=official_a)
    [note] = got.assert_exactly("official_a", todo=True, topic=Topic.COMPLAINT)
    assert complaint.reply_due.isoformat() in note.subject
    assert FILER_NAME not in note.subject + note.body
    assert not open_todos(bureau_admin, complaint)  # triaged and assigned


def test_reassigned_moves_the_todo(personas, investigating, bureau_admin, official_a,
                                   bureau_reviewer):
    with notified(personas) as got:
        services.complaint_assign(actor=bureau_admin, complaint=investigating,
                                  handler=bureau_reviewer)
    got.assert_exactly("official_a", "bureau_reviewer", topic=Topic.COMPLAINT)
    assert {got.personas[n.recipient_id]: n.todo for n in got.notes} == {
        "official_a": False, "bureau_reviewer": True}
    assert not open_todos(official_a, investigating)
    assert open_todos(bureau_reviewer, investigating)


def test_reply_submitted_is_a_todo_for_the_approvers(personas, investigating, bureau_admin,
                                                     official_a):
    with notified(personas) as got:
        _submit(investigating, official_a)
    got.assert_exactly("bureau_admin", todo=True, topic=Topic.COMPLAINT)
    assert not open_todos(official_a, investigating)


def test_four_eyes_the_author_is_not_asked_to_approve(personas, accepted, bureau_admin):
    # an administrator who also handles complaints as a reviewer drafts the reply
    dual = f.make_member("dual", Role.BUREAU_ADMIN)
    Membership.objects.create(user=dual, role=Role.BUREAU_REVIEWER)
    complaint = services.complaint_assign(actor=bureau_admin, complaint=accepted, handler=dual)
    with notified(personas) as got:
        _submit(complaint, dual)
    got.assert_exactly("bureau_admin", todo=True)  # not "user:dual"


def test_returned_is_a_todo_for_the_handler(personas, investigating, bureau_admin, official_a):
    complaint = _submit(investigating, official_a)
    with notified(personas) as got:
        services.reply_return(actor=bureau_admin, complaint=complaint, note="补充处理结果")
    [note] = got.assert_exactly("official_a", todo=True)
    assert note.body == "补充处理结果"
    assert not open_todos(bureau_admin, complaint)
    assert open_todos(official_a, complaint) == [note]


def test_approved_tells_the_handler_and_resolves_everything(personas, investigating,
                                                            bureau_admin, official_a):
    complaint = _submit(investigating, official_a)
    with notified(personas) as got:
        services.reply_approve(actor=bureau_admin, complaint=complaint)
    got.assert_exactly("official_a", todo=False)
    assert not open_todos(bureau_admin, complaint) and not open_todos(official_a, complaint)


def test_returned_reply_resolves_the_approvers_reminders(personas, investigating, bureau_admin,
                                                         official_a):
    """Found in review: an approver's "reply awaits approval" reminder stayed open while the
    reply was back with the handler; a submitted reply closes the late reply's reminders."""
    from datetime import timedelta

    from zhongwei_carbon.reminders.service import send_reminders

    send_reminders(today=investigating.reply_due)  # due today: the handler is reminded
    assert any(n.key.startswith("reminder:") for n in open_todos(official_a, investigating))
    complaint = _submit(investigating, official_a)
    assert not any(n.key.startswith("reminder:") for n in open_todos(official_a, complaint))
    send_reminders(today=complaint.reply_due + timedelta(days=1))  # the approval is late
    assert any(n.key.startswith("reminder:") for n in open_todos(bureau_admin, complaint))
    services.reply_return(actor=bureau_admin, complaint=complaint, note="补充处理结果")
    assert not any(n.key.startswith("reminder:") for n in open_todos(bureau_admin, complaint))
