"""Compliance cycle and milestone pages and services: access per persona, one milestone per
kind (refused with nothing changed), the timeline marks in Beijing dates."""

from datetime import date

import pytest
from django.urls import reverse

from allowances.choices import CycleStatus, MilestoneKind
from allowances.models import ComplianceCycle, Milestone
from allowances.selectors.cycles import timeline
from allowances.services import cycles as svc
from tests.conftest import client_for
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(bureau_admin):
    cycle = svc.cycle_create(actor=bureau_admin, data={"year": 2025, "name": "2025年度履约周期"})
    svc.milestone_create(
        actor=bureau_admin,
        cycle=cycle,
        data={"kind": MilestoneKind.SURRENDER_DEADLINE, "due_date": date(2026, 12, 31)},
    )
    return cycle


def test_services_write_events(cycle, bureau_admin):
    assert cycle.status == CycleStatus.PLANNING
    verbs = list(Event.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["allowances.cycle_created", "allowances.milestone_created"]
    svc.cycle_update(actor=bureau_admin, cycle=cycle, data={"status": CycleStatus.ALLOCATION})
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.ALLOCATION
    assert Event.objects.filter(verb="allowances.cycle_updated").count() == 1


def test_pages_for_personas(cycle, personas):
    list_url = reverse("allowances:cycle_list")
    detail_url = reverse("allowances:cycle_detail", kwargs={"year": 2025})
    for name in ("bureau_admin", "official_a", "ent_b", "agency_a_staff"):
        client = client_for(personas[name])
        assert client.get(list_url).status_code == 200
        assert client.get(detail_url).status_code == 200
    assert client_for(personas["bureau_admin"]).get(
        reverse("allowances:cycle_detail", kwargs={"year": 1999})
    ).status_code == 404
    create = reverse("allowances:cycle_create")
    assert client_for(personas["bureau_reviewer"]).get(create).status_code == 403
    assert client_for(personas["official_a"]).post(create, {"year": 2026}).status_code == 403
    anon = client_for(personas["anonymous"]).get(list_url)
    assert anon.status_code == 302 and "/accounts/login/" in anon["Location"]
    assert ComplianceCycle.objects.count() == 1


def test_create_cycle_and_milestone_through_pages(bureau_admin, client_as):
    client = client_as(bureau_admin)
    r = client.post(
        reverse("allowances:cycle_create"),
        {"year": 2026, "name": "2026年度履约周期", "status": "planning", "note": ""},
    )
    assert r.status_code == 302
    cycle = ComplianceCycle.objects.get(year=2026)
    r = client.post(
        reverse("allowances:milestone_create", kwargs={"year": 2026}),
        {"kind": "pre_allocation", "due_date": "2027-04-20", "note": ""},
    )
    assert r.status_code == 302
    assert list(cycle.milestones.values_list("kind", "due_date")) == [
        ("pre_allocation", date(2027, 4, 20))
    ]


def test_duplicate_milestone_kind_refused_nothing_changed(cycle, bureau_admin, client_as):
    client = client_as(bureau_admin)
    before_events = Event.objects.count()
    r = client.post(
        reverse("allowances:milestone_create", kwargs={"year": 2025}),
        {"kind": "surrender_deadline", "due_date": "2026-11-30", "note": ""},
    )
    assert r.status_code == 200
    assert "kind" in r.context["form"].errors
    assert list(Milestone.objects.values_list("kind", "due_date")) == [
        ("surrender_deadline", date(2026, 12, 31))
    ]
    assert Event.objects.count() == before_events


def test_edit_milestone_to_a_taken_kind_refused(cycle, bureau_admin, client_as):
    other = svc.milestone_create(
        actor=bureau_admin, cycle=cycle, data={"kind": "issuance", "due_date": date(2026, 8, 20)}
    )
    client = client_as(bureau_admin)
    url = reverse("allowances:milestone_edit", kwargs={"pk": other.pk})
    r = client.post(url, {"kind": "surrender_deadline", "due_date": "2026-08-20", "note": ""})
    assert r.status_code == 200 and "kind" in r.context["form"].errors
    other.refresh_from_db()
    assert other.kind == "issuance"
    # dates out of order are fine: issuance after the surrender deadline
    r = client.post(url, {"kind": "issuance", "due_date": "2027-01-15", "note": "late"})
    assert r.status_code == 302
    other.refresh_from_db()
    assert other.due_date == date(2027, 1, 15)


def test_milestone_edit_wrong_role(cycle, personas):
    m = cycle.milestones.get()
    url = reverse("allowances:milestone_edit", kwargs={"pk": m.pk})
    assert client_for(personas["official_a"]).get(url).status_code == 403
    assert client_for(personas["bureau_admin"]).get(
        reverse("allowances:milestone_edit", kwargs={"pk": m.pk + 999})
    ).status_code == 404


def test_timeline_marks():
    cycle = ComplianceCycle(year=2025, name="x")
    ms = [
        Milestone(pk=1, cycle=cycle, kind="pre_allocation", due_date=date(2026, 4, 20)),
        Milestone(pk=2, cycle=cycle, kind="lists", due_date=date(2026, 10, 31)),
        Milestone(pk=3, cycle=cycle, kind="surrender_deadline", due_date=date(2026, 12, 31)),
    ]
    rows = timeline(ms, date(2026, 10, 31))
    assert [(r["milestone"].pk, r["mark"], r["days"]) for r in rows] == [
        (1, "overdue", -194),  # nothing known to be done: overdue while the cycle is open
        (2, "next", 0),
        (3, "upcoming", 61),
    ]


def test_detail_marks_overdue_in_beijing_date(cycle, bureau_admin, client_as, settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    svc.milestone_create(
        actor=bureau_admin, cycle=cycle, data={"kind": "pre_allocation", "due_date": date(2020, 1, 1)}
    )
    r = client_as(bureau_admin).get(reverse("allowances:cycle_detail", kwargs={"year": 2025}))
    assert b'data-mark="overdue"' in r.content


# --- issue 9 §13: a milestone whose work is done is not overdue --------------------------------


from allowances import rules  # noqa: E402
from allowances.models import Allocation  # noqa: E402
from allowances.selectors import cycles as cycle_sel  # noqa: E402
from allowances.services import ledger  # noqa: E402
from registry.models import KeyEmitterList  # noqa: E402
from tests import factories as f  # noqa: E402

KINDS = ["pre_allocation", "verification_due", "final_allocation", "issuance", "lists",
         "surrender_deadline"]


def progress(**changes):
    done = dict(allocations=2, pre_allocated=2, final_notified=2, final_issued=2, due=2,
                verified=2, complied=2, lists_published=True)
    return rules.CycleProgress(**{**done, **changes})


def test_milestone_done_per_kind():
    assert all(rules.milestone_done(k, progress()) for k in KINDS)
    undone = {
        "pre_allocation": progress(pre_allocated=1),
        "verification_due": progress(verified=1),
        "final_allocation": progress(final_notified=1),
        "issuance": progress(final_issued=1),
        "lists": progress(lists_published=False),
        "surrender_deadline": progress(complied=1),
    }
    for kind, p in undone.items():
        assert [k for k in KINDS if not rules.milestone_done(k, p)] == [kind]
    # nothing to do yet is not "done"
    nothing = progress(allocations=0, pre_allocated=0, final_notified=0, final_issued=0, due=0,
                       verified=0, complied=0, lists_published=False)
    assert not any(rules.milestone_done(k, nothing) for k in KINDS)


def test_milestone_mark():
    day = date(2026, 6, 30)
    mark = rules.milestone_mark
    assert mark(due=day, done=True, today=date(2026, 7, 1), cycle_open=True, first_ahead=False) == "done"
    assert mark(due=day, done=False, today=date(2026, 7, 1), cycle_open=True, first_ahead=False) == "overdue"
    assert mark(due=day, done=False, today=date(2026, 7, 1), cycle_open=False, first_ahead=False) == "past"
    assert mark(due=day, done=False, today=day, cycle_open=True, first_ahead=True) == "next"  # on the day
    assert mark(due=day, done=True, today=date(2026, 1, 1), cycle_open=True, first_ahead=False) == "done"


@pytest.fixture
def worked_cycle(cycle, enterprise_a, bureau_admin):
    """The 2025 cycle with every milestone in the past (2020) and its work done for
    enterprise_a: allocation notified and issued, verified, surrendered in full, the 2026
    list (basis year 2025) published."""
    Milestone.objects.filter(cycle=cycle).delete()
    for i, kind in enumerate(KINDS):
        Milestone.objects.create(cycle=cycle, kind=kind, due_date=date(2020, 1, 1 + i))
    Allocation.objects.create(cycle=cycle, enterprise=enterprise_a, method="intensity",
                              pre_allocation=700, notified=1000, status="issued")
    account = ledger.account_for(enterprise_a)
    ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2025,
                    quantity=700, kind="pre_allocation")
    ledger.allocate(actor=bureau_admin, account=account, cycle=cycle, vintage=2025, quantity=300)
    f.obliged(enterprise_a, 2025, "999.20")
    ledger.surrender(actor=bureau_admin, account=account, cycle=cycle, obligation=1000,
                     cea=[(2025, 1000)])
    KeyEmitterList.objects.create(year=2026, basis_year=2025, drafted_by=bureau_admin,
                                  status="published")
    return cycle


def marks(client):
    import re

    html = client.get(reverse("allowances:cycle_detail", kwargs={"year": 2025})).content.decode()
    return dict(re.findall(r'data-kind="(\w+)">.*?data-mark="(\w+)"', html, re.S))


def test_done_milestones_are_not_overdue(worked_cycle, bureau_admin, client_as):
    page = client_as(bureau_admin).get(reverse("allowances:cycle_detail", kwargs={"year": 2025}))
    assert b'data-mark="overdue"' not in page.content  # all six dates passed, all work done
    assert marks(client_as(bureau_admin)) == {k: "done" for k in KINDS}


def test_undone_work_makes_its_milestone_overdue(worked_cycle, enterprise_b, bureau_admin,
                                                 client_as):
    # a second enterprise allocated (notified, not issued), not verified, nothing surrendered
    Allocation.objects.create(cycle=worked_cycle, enterprise=enterprise_b, method="intensity",
                              pre_allocation=70, notified=100, status="notified")
    assert marks(client_as(bureau_admin)) == {
        "pre_allocation": "overdue",
        "verification_due": "overdue",
        "final_allocation": "done",
        "issuance": "overdue",
        "lists": "done",
        "surrender_deadline": "overdue",
    }
    p = cycle_sel.progress(worked_cycle)
    assert (p.allocations, p.pre_allocated, p.final_issued, p.due, p.verified, p.complied) == (
        2, 1, 1, 2, 1, 1)
    # an overdue milestone says how much of its work is left, in enterprises
    html = client_as(bureau_admin).get(
        reverse("allowances:cycle_detail", kwargs={"year": worked_cycle.year})).content.decode()
    assert html.count('data-count="1/2"') == 4  # pre-allocation, verification, issuance, surrender
    assert 'data-count="2/2"' in html  # final allocation notified to both
    # a closed cycle shows the undone ones as past, not overdue
    svc.cycle_update(actor=bureau_admin, cycle=worked_cycle, data={"status": "closed"})
    assert set(marks(client_as(bureau_admin)).values()) == {"done", "past"}
