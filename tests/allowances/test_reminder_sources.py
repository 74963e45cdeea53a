"""The allowances deadlines in the reminder job (issue 15): each reaches the people who do
the work and only them, names its object, links where the work is done, stops once the work
is done, and reads its items in the same number of queries for one item or several."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allowances import reminders as sources
from allowances.choices import AllocationStatus, MilestoneKind, ObjectionStatus
from allowances.models import Allocation, ComplianceCycle, Milestone, PenaltyCase
from allowances.services import allocation as alloc
from allowances.services import ledger
from tests import factories as f
from tests.notified import notified, open_todos
from zhongwei_carbon.models import Notification
from zhongwei_carbon.reminders.service import send_reminders

pytestmark = pytest.mark.django_db

NOTICE = date(2025, 9, 22)  # Monday; the objection window ends 7 working days later
WINDOW_ENDS = date(2025, 10, 1)


def _queries(fetch, today) -> int:
    with CaptureQueriesContext(connection) as ctx:
        items = list(fetch(today))
    assert items
    return len(ctx.captured_queries)


def _cycle(year=2025):
    return ComplianceCycle.objects.get_or_create(year=year, defaults={"name": f"{year}年度履约周期"})[0]


def _allocations(*enterprises, bureau_admin, django_capture_on_commit_callbacks):
    cycle = _cycle()
    for e in enterprises:
        Allocation.objects.create(cycle=cycle, enterprise=e, method="intensity", notified=1000)
    with django_capture_on_commit_callbacks(execute=True):
        alloc.notify_all(actor=bureau_admin, cycle=cycle, today=NOTICE)
    return {a.enterprise_id: a for a in Allocation.objects.filter(cycle=cycle)}


# --- the allocation objection window --------------------------------------------------------


def test_the_objection_window_reminds_each_enterprise_until_it_objects(
        personas, enterprise_a, enterprise_b, ent_a, ent_b, bureau_admin,
        django_capture_on_commit_callbacks):
    rows = _allocations(enterprise_a, enterprise_b, bureau_admin=bureau_admin,
                        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    a = rows[enterprise_a.pk]
    assert a.objection_deadline == WINDOW_ENDS
    with notified(personas) as got:
        send_reminders(today=date(2025, 9, 29))  # two working days before
    notes = got.assert_exactly("ent_a", "ent_b", todo=True)
    mine = {n.recipient.username: n for n in notes}["ent_a"]
    assert "沙坡头发电有限公司" in mine.subject and "中宁水泥" not in mine.subject
    assert mine.link == reverse("allowances:allocation_object", kwargs={"pk": a.pk})
    with django_capture_on_commit_callbacks(execute=True):
        alloc.objection_file(actor=ent_a, allocation=a, reasons="产量有误",
                             today=date(2025, 9, 29))
    assert open_todos(ent_a) == []  # objecting was the work
    with notified(personas) as got:
        send_reminders(today=WINDOW_ENDS)
    got.assert_exactly("ent_b", todo=True)
    with notified(personas) as got:  # the window has closed: a right, never overdue
        send_reminders(today=WINDOW_ENDS + timedelta(days=6))
    got.assert_nobody()
    assert open_todos(ent_b) == []


def test_the_objection_window_reads_constant_queries(bureau_admin,
                                                     django_capture_on_commit_callbacks):
    one = f.EnterpriseFactory()
    f.make_member("w_one", f.Role.ENTERPRISE_USER, enterprise=one)
    _allocations(one, bureau_admin=bureau_admin,
                 django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    small = _queries(sources.allocation_objection_windows, date(2025, 9, 29))
    Allocation.objects.all().delete()
    more = f.EnterpriseFactory.create_batch(3)
    for i, e in enumerate(more):
        f.make_member(f"w_{i}", f.Role.ENTERPRISE_USER, enterprise=e)
    _allocations(*more, bureau_admin=bureau_admin,
                 django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert _queries(sources.allocation_objection_windows, date(2025, 9, 29)) == small


# --- the bureau's decision on an allocation objection ---------------------------------------


def test_the_decision_deadline_reaches_the_allocation_managers_only(
        personas, enterprise_a, ent_a, bureau_admin, django_capture_on_commit_callbacks):
    a = _allocations(enterprise_a, bureau_admin=bureau_admin,
                     django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
                     )[enterprise_a.pk]
    objection = alloc.objection_file(actor=ent_a, allocation=a, reasons="产量有误",
                                     today=date(2025, 9, 29))
    assert objection.decision_due == date(2025, 10, 13)  # 10 working days
    with notified(personas) as got:
        send_reminders(today=date(2025, 10, 8))  # three working days before
    [note] = got.assert_exactly("bureau_admin", todo=True)  # not the reviewer, not the enterprise
    assert "沙坡头发电有限公司" in note.subject
    assert note.link == reverse("allowances:allocation_objection_decide",
                                kwargs={"pk": objection.pk})
    with notified(personas) as got:  # overdue: the bureau's own work is not escalated
        send_reminders(today=date(2025, 10, 20))
    got.assert_nobody()
    alloc.objection_decide(actor=bureau_admin, objection=objection,
                           decision=ObjectionStatus.DISMISSED, note="核实无误")
    with notified(personas) as got:
        send_reminders(today=date(2025, 10, 14))
    got.assert_nobody()
    assert open_todos(bureau_admin, objection) == []  # done: its reminders are resolved


def test_the_decision_deadline_reads_constant_queries(bureau_admin, ent_a, enterprise_a,
                                                      django_capture_on_commit_callbacks):
    def objections(enterprises):
        rows = _allocations(*enterprises, bureau_admin=bureau_admin,
                            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
        for a in rows.values():
            if a.status == AllocationStatus.NOTIFIED:
                user = f.make_member(f"o_{a.pk}", f.Role.ENTERPRISE_USER,
                                     enterprise=a.enterprise)
                alloc.objection_file(actor=user, allocation=a, reasons="x",
                                     today=date(2025, 9, 29))

    objections([enterprise_a])
    small = _queries(sources.allocation_objection_decisions, date(2025, 10, 8))
    objections(f.EnterpriseFactory.create_batch(2))
    assert _queries(sources.allocation_objection_decisions, date(2025, 10, 8)) == small


# --- the bureau's cycle milestones ----------------------------------------------------------

DUE = date(2026, 3, 31)


def _milestones(cycle, *kinds):
    for kind in kinds:
        Milestone.objects.create(cycle=cycle, kind=kind, due_date=DUE)


def test_cycle_milestones_remind_the_allocation_managers_until_the_work_is_done(
        personas, enterprise_a, bureau_admin):
    cycle = _cycle()
    allocation = Allocation.objects.create(cycle=cycle, enterprise=enterprise_a,
                                           method="intensity", notified=1000)
    _milestones(cycle, MilestoneKind.PRE_ALLOCATION, MilestoneKind.FINAL_ALLOCATION,
                MilestoneKind.ISSUANCE, MilestoneKind.SURRENDER_DEADLINE)
    with notified(personas) as got:
        send_reminders(today=DUE - timedelta(days=7))
    notes = got.assert_exactly("bureau_admin", todo=True)
    assert len(notes) == 3  # the surrender deadline is the enterprises' (none listed here)
    steps = {m.pk: m.get_kind_display() for m in Milestone.objects.all()}
    assert sorted(steps[n.object_id] for n in notes) == sorted(["预分配", "核定分配", "发放"])
    for note in notes:
        assert "2025年度履约周期" in note.subject and steps[note.object_id] in note.subject
        assert "0 / 1" in note.body  # done for none of the one allocated enterprise
    assert {n.link for n in notes} == {reverse("allowances:cycle_detail", kwargs={"year": 2025})}
    # the allocation notified and issued: every step is done, the reminders are resolved
    ledger.allocate(actor=bureau_admin, account=ledger.account_for(enterprise_a), cycle=cycle,
                    vintage=2025, quantity=1000)
    Allocation.objects.filter(pk=allocation.pk).update(status=AllocationStatus.ISSUED)
    with notified(personas) as got:
        send_reminders(today=DUE - timedelta(days=1))
    got.assert_nobody()
    assert open_todos(bureau_admin) == []


def test_cycle_milestones_read_constant_queries(bureau_admin, enterprise_a):
    cycle = _cycle()
    Allocation.objects.create(cycle=cycle, enterprise=enterprise_a, method="intensity",
                              notified=1000)
    _milestones(cycle, MilestoneKind.PRE_ALLOCATION)
    small = _queries(sources.cycle_milestones, DUE - timedelta(days=7))
    _milestones(cycle, MilestoneKind.FINAL_ALLOCATION, MilestoneKind.ISSUANCE)
    assert _queries(sources.cycle_milestones, DUE - timedelta(days=7)) == small


# --- Art. 24 correction deadlines -----------------------------------------------------------

CORRECT_BY = date(2026, 1, 31)


def _case(enterprise, opened_by, obligation=30000, short=30000):
    return PenaltyCase.objects.create(
        cycle=_cycle(2024), enterprise=enterprise, obligation=obligation, tonnes_short=short,
        price=D("80"), fine_min=D("1"), fine_max=D("2"), correction_deadline=CORRECT_BY,
        opened_by=opened_by)


def test_the_correction_deadline_reminds_the_short_enterprise_only(
        personas, enterprise_a, enterprise_b, bureau_admin):
    case = _case(enterprise_a, bureau_admin)
    _case(enterprise_b, bureau_admin, obligation=0, short=100)  # corrected: nothing short now
    with notified(personas) as got:
        send_reminders(today=CORRECT_BY - timedelta(days=7))
    [note] = got.assert_exactly("ent_a", todo=True)
    assert "沙坡头发电有限公司" in note.subject and "30,000" in note.body
    assert note.link == f"{reverse('allowances:surrender_new')}?cycle=2024"
    # past the deadline, still short: escalated once to the area's official and the bureau
    with notified(personas) as got:
        send_reminders(today=CORRECT_BY + timedelta(days=3))
    got.assert_exactly("official_a", "bureau_admin", "bureau_reviewer", todo=False)
    PenaltyCase.objects.filter(pk=case.pk).update(obligation=0)  # nothing short any more
    send_reminders(today=CORRECT_BY + timedelta(days=4))
    assert not Notification.objects.filter(todo=True, resolved_at__isnull=True).exists()


def test_the_correction_deadline_reads_constant_queries(bureau_admin):
    first = f.EnterpriseFactory()
    _case(first, bureau_admin)
    small = _queries(sources.penalty_corrections, CORRECT_BY - timedelta(days=7))
    for e in f.EnterpriseFactory.create_batch(2):
        _case(e, bureau_admin)
    assert _queries(sources.penalty_corrections, CORRECT_BY - timedelta(days=7)) == small
