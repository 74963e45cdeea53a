"""Who each allowances workflow step notifies, and only they (issue 15): the one who must act
next gets a to-do, the one who waits a notice; the step that does the work resolves the
earlier to-dos. A walk-through once found the reviewer's inbox empty while a surrender waited
for their confirmation: the four-eyes steps are pinned here."""

from datetime import date

import pytest

from allowances.choices import AllocationStatus, ObjectionStatus
from allowances.models import Allocation, ComplianceCycle
from allowances.services import allocation as alloc
from allowances.services import surrender as svc
from tests.allowances.test_surrender import setup  # noqa: F401  (a fixture)
from tests.notified import notified, open_todos
from zhongwei_carbon.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service and its after-commit subscribers (the notices)."""
    def call(func, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(**kwargs)
    return call


# --- surrender (four eyes) ------------------------------------------------------------------


@pytest.fixture
def requested(setup, ent_a, run):  # noqa: F811
    return run(svc.surrender_request, actor=ent_a, account=setup["account"],
               cycle=setup["cycle"], cea=[(2024, 5000)])


def test_a_request_is_a_todo_for_every_bureau_approver(setup, personas, ent_a, run):  # noqa: F811
    with notified(personas) as got:
        request = run(svc.surrender_request, actor=ent_a, account=setup["account"],
                      cycle=setup["cycle"], cea=[(2024, 5000)])
    notes = got.assert_exactly("bureau_admin", "bureau_reviewer", todo=True,
                               topic=Topic.SURRENDER)
    assert all("沙坡头发电有限公司" in n.subject and "5,000" in n.subject for n in notes)
    assert {n.link for n in notes} == {f"/allowances/surrenders/{request.pk}/"}


def test_approval_asks_only_the_other_bureau_users_to_confirm(requested, personas,
                                                              bureau_admin, bureau_reviewer, run):
    with notified(personas) as got:
        run(svc.surrender_approve, actor=bureau_admin, request=requested)
    [note] = got.assert_exactly("bureau_reviewer", todo=True)  # never the approver
    assert "沙坡头发电有限公司" in note.subject
    assert bureau_admin.full_name in note.subject or bureau_admin.username in note.subject
    # the approval was the approvers' work: both their to-dos are done
    assert open_todos(bureau_admin, requested) == []
    assert [n.key for n in open_todos(bureau_reviewer, requested)] == [
        f"surrender:{requested.pk}:confirm"]


def test_confirmation_tells_the_enterprise_and_clears_the_reviewer(
        requested, personas, bureau_admin, bureau_reviewer, run):
    run(svc.surrender_approve, actor=bureau_admin, request=requested)
    with notified(personas) as got:
        run(svc.surrender_confirm, actor=bureau_reviewer, request=requested)
    [note] = got.assert_exactly("ent_a", todo=False, topic=Topic.SURRENDER)
    assert "5,000" in note.subject
    assert open_todos(bureau_reviewer) == [] and open_todos(bureau_admin) == []


@pytest.mark.parametrize("approved", [False, True], ids=["requested", "approved"])
def test_rejection_tells_the_enterprise_why_and_clears_the_bureau(
        approved, requested, personas, bureau_admin, bureau_reviewer, run):
    if approved:
        run(svc.surrender_approve, actor=bureau_admin, request=requested)
    with notified(personas) as got:
        run(svc.surrender_reject, actor=bureau_reviewer if not approved else bureau_admin,
            request=requested, reason="持有量不足")
    [note] = got.assert_exactly("ent_a", todo=False)
    assert "持有量不足" in note.body
    assert open_todos(bureau_reviewer) == [] and open_todos(bureau_admin) == []


def test_withdrawal_clears_the_bureau_and_tells_nobody(requested, personas, ent_a,
                                                      bureau_admin, bureau_reviewer, run):
    with notified(personas) as got:
        run(svc.surrender_withdraw, actor=ent_a, request=requested)
    got.assert_nobody()
    assert open_todos(bureau_reviewer) == [] and open_todos(bureau_admin) == []


# --- allocation -----------------------------------------------------------------------------

NOTICE = date(2025, 9, 22)  # a Monday: no holiday in the next 7 working days
LAST_DAY = date(2025, 10, 1)


@pytest.fixture
def imported(enterprise_a, enterprise_b):
    cycle = ComplianceCycle.objects.create(year=2025, name="2025年度履约周期")
    for e, t in ((enterprise_a, 2480000), (enterprise_b, 102912)):
        Allocation.objects.create(cycle=cycle, enterprise=e, method="intensity", notified=t)
    return cycle


@pytest.fixture
def allocation_a(imported, bureau_admin, enterprise_a, run):
    run(alloc.notify_all, actor=bureau_admin, cycle=imported, today=NOTICE)
    return Allocation.objects.get(enterprise=enterprise_a)


def test_a_notice_tells_each_enterprise_its_own_figure_and_window(imported, personas,
                                                                  bureau_admin, run):
    with notified(personas) as got:
        run(alloc.notify_all, actor=bureau_admin, cycle=imported, today=NOTICE)
    notes = got.assert_exactly("ent_a", "ent_b", todo=False, topic=Topic.ALLOCATION)
    by_user = {n.recipient.username: n for n in notes}
    assert LAST_DAY.isoformat() in by_user["ent_a"].subject
    assert "2,480,000" in by_user["ent_a"].body and "102,912" not in by_user["ent_a"].body
    assert "102,912" in by_user["ent_b"].body


def test_an_objection_is_a_todo_for_the_allocation_managers_resolved_by_the_decision(
        allocation_a, personas, ent_a, bureau_admin, run):
    with notified(personas) as got:
        objection = run(alloc.objection_file, actor=ent_a, allocation=allocation_a,
                        reasons="产量数据有误", today=NOTICE)
    [note] = got.assert_exactly("bureau_admin", todo=True)  # the reviewer cannot decide
    assert "沙坡头发电有限公司" in note.subject
    assert objection.decision_due.isoformat() in note.body
    assert len(open_todos(bureau_admin, allocation_a)) == 1
    with notified(personas) as got:
        run(alloc.objection_decide, actor=bureau_admin, objection=objection,
            decision=ObjectionStatus.DISMISSED, note="数据核实无误")
    [note] = got.assert_exactly("ent_a", todo=False)
    assert "数据核实无误" in note.body
    assert open_todos(bureau_admin) == []


def test_issuance_tells_the_enterprise(allocation_a, personas, ent_a, bureau_admin, run):
    with notified(personas) as got:
        run(alloc.issue, actor=bureau_admin, allocation=allocation_a, today=date(2025, 10, 2))
    [note] = got.assert_exactly("ent_a", todo=False, topic=Topic.ALLOCATION)
    assert note.link.startswith("/allowances/accounts/")
    assert Allocation.objects.get(pk=allocation_a.pk).status == AllocationStatus.ISSUED
