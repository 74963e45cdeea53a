"""The oversight demo data: a published 2026 plan whose draw re-runs, with results on the
public page, a complaint inspection answered by ent1 and a decided violation case from the
plan's "violation" inspection; a second run changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oversight import demo_seed
from oversight.models import Inspection, InspectionPlan, Inspector, ViolationCase
from oversight.selectors import plans as selectors
from tests import factories as f
from tests.conftest import client_for
from tests.oversight.conftest import publish_list
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(bureau_admin, area_a, area_b, agency_a, agency_b):
    enterprises = [f.EnterpriseFactory(area=area_a if i % 2 else area_b) for i in range(8)]
    publish_list(2025, enterprises, bureau_admin)
    f.make_member("reviewer", Role.BUREAU_REVIEWER)
    f.make_member("shapotou", Role.AREA_OFFICIAL, area=area_a)
    f.make_member("zhongning", Role.AREA_OFFICIAL, area=area_b)
    f.make_member("ent1", Role.ENTERPRISE_USER, enterprise=enterprises[0])
    for e in enterprises:
        f.make_member(f"ent_{e.pk}", Role.ENTERPRISE_USER, enterprise=e)
    return enterprises


def _state():
    return (Event.objects.count(), Inspection.objects.count(), Inspector.objects.count(),
            ViolationCase.objects.count(),
            list(Inspection.objects.order_by("pk").values_list("status", "conclusion")))


def test_demo_plan_published_with_results_and_a_second_run_changes_nothing(
    demo_world, bureau_admin
):
    demo_seed.seed(actor=bureau_admin)
    plan = InspectionPlan.objects.get(year=2026)
    assert plan.status == "published"
    inspections = Inspection.objects.filter(plan=plan)
    assert inspections.count() == 7  # six key emitters and one agency
    conclusions = set(inspections.exclude(conclusion="").values_list("conclusion", flat=True))
    assert {"no_problem", "rectify", "violation"} <= conclusions
    assert inspections.filter(status="open").exists()  # later results
    assert selectors.rerun(selectors.latest_draw(plan)).matches
    complaint = Inspection.objects.get(trigger="complaint")
    assert complaint.rectification.status == "answered"

    case = ViolationCase.objects.get()
    assert case.inspection.conclusion == "violation" and case.inspection.plan == plan
    assert (case.status, case.article) == ("decided", "21" if case.enterprise_id else "23")
    assert case.fine_low <= case.fine <= case.fine_high and case.decision_file
    assert case.departments.filter(department="market_regulation").exists()

    html = client_for(None).get(
        reverse("inspections_public:plan_detail", kwargs={"pk": plan.pk})).content.decode()
    assert "未发现问题" in html and "尚未办结" in html

    before = _state()
    demo_seed.seed(actor=bureau_admin)
    assert _state() == before
