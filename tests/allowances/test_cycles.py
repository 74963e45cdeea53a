"""Compliance cycle and milestone pages and services: access per persona, one milestone per
kind (refused with nothing changed), the timeline marks in Beijing dates."""

from datetime import date

import pytest
from django.urls import reverse

from allowances.choices import CycleStatus, MilestoneKind
from allowances.models import ComplianceCycle, Milestone
from allowances.services import cycles as svc
from allowances.views.cycles import timeline
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
        (1, "past", -194),
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
