"""Inspection plans: create, draw, re-draw with a reason, publish; a published draw frozen by
the database whatever the code path; the re-run of a stored draw."""

from __future__ import annotations

from datetime import timedelta

import pgtrigger
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import InternalError

from oversight import rules
from oversight.models import (
    DrawnAssignment,
    DrawnTarget,
    Inspection,
    InspectionPlan,
    PlanArea,
    PlanDraw,
)
from oversight.selectors import plans as selectors
from oversight.services import inspectors as inspector_services
from oversight.services import plans as services
from tests.oversight.conftest import PLAN_START, make_plan
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db


def test_create_plan_and_its_pools(world, plan):
    assert plan.status == "draft"
    assert set(plan.inspectors.all()) == set(world["inspectors"].values())
    assert Event.objects.filter(verb="plan.created", target_id=str(plan.pk)).exists()
    pool = selectors.enterprise_pool(plan)
    assert set(pool) == set(world["enterprises"])


@pytest.mark.parametrize("overrides, field", [
    ({"listed_year": None}, "listed_year"),
    ({"enterprise_share": 10}, "enterprise_count"),  # both a count and a share
    ({"agency_count": None}, "agency_count"),  # neither for agencies
    ({"year": 1999}, "year"),
    ({"inspectors_per_target": 1}, "inspectors_per_target"),
    ({"end_date": PLAN_START - timedelta(days=1)}, None),  # before the start
])
def test_bad_plan_is_refused_and_nothing_is_created(world, overrides, field):
    with pytest.raises(ValidationError) as exc:
        make_plan(world, **overrides)
    if field:
        assert field in exc.value.message_dict
    assert not InspectionPlan.objects.exists()


def test_only_the_bureau_admin_plans(world):
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=world["bureau_reviewer"], year=2026, title="t")
    assert not InspectionPlan.objects.exists()


def test_a_plan_for_agencies_only_forgets_the_enterprise_fields(world):
    plan = make_plan(world, targets="agencies", listed_year=None, enterprise_count=None)
    draw = services.plan_draw(actor=world["bureau_admin"], plan=plan, seed=1)
    assert [t.kind for t in draw.targets.all()] == ["agency"]


def test_draw_targets_inspectors_and_exclusions(world, plan):
    draw = services.plan_draw(actor=world["bureau_admin"], plan=plan, seed=42)
    plan.refresh_from_db()
    assert plan.status == "drawn" and draw.number == 1 and draw.seed == 42
    assert draw.algorithm_version == rules.ALGORITHM_VERSION
    targets = list(selectors.drawn_targets(draw))
    assert [t.kind for t in targets] == ["enterprise"] * 4 + ["agency"]
    for target in targets:
        inspectors = [a.inspector for a in target.assignments.all()]
        assert len(inspectors) == 2
        if target.kind == "enterprise":  # never the county official of the target's area
            assert target.area_id not in {i.area_id for i in inspectors}
            assert target.name == target.enterprise.name
    own_area = [row for row in selectors.exclusion_rows(draw) if row.reason == rules.OWN_AREA]
    assert len(own_area) == 4 and all(row.inspector and row.target for row in own_area)
    assert Event.objects.filter(verb="plan.drawn", target_id=str(plan.pk)).count() == 1
    assert selectors.rerun(draw).matches


def test_a_redraw_needs_a_reason_and_keeps_the_first(world, plan):
    admin = world["bureau_admin"]
    first = services.plan_draw(actor=admin, plan=plan, seed=1)
    with pytest.raises(ValidationError) as exc:
        services.plan_draw(actor=admin, plan=plan, seed=2)
    assert "reason" in exc.value.message_dict
    assert PlanDraw.objects.filter(plan=plan).count() == 1
    second = services.plan_draw(actor=admin, plan=plan, seed=2, reason="专家乙回避")
    assert (second.number, second.reason) == (2, "专家乙回避")
    assert list(plan.draws.order_by("number")) == [first, second]
    assert selectors.latest_draw(plan) == second
    assert Event.objects.filter(verb="plan.redrawn").get().message.endswith("专家乙回避")


def test_asking_too_much_is_a_clear_error_and_draws_nothing(world):
    plan = make_plan(world, enterprise_count=7)
    with pytest.raises(ValidationError) as exc:
        services.plan_draw(actor=world["bureau_admin"], plan=plan)
    assert "6" in exc.value.messages[0] and "7" in exc.value.messages[0]
    assert not PlanDraw.objects.exists() and not DrawnTarget.objects.exists()
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_too_few_inspectors_names_the_target(world):
    plan = make_plan(world, inspectors=[world["inspectors"]["official_a"],
                                        world["inspectors"]["expert_x"]],
                     targets="enterprises", agency_count=None, enterprise_count=6)
    with pytest.raises(ValidationError) as exc:
        services.plan_draw(actor=world["bureau_admin"], plan=plan, seed=3)
    assert any(e.name in exc.value.messages[0] for e in world["enterprises"])


def test_declared_conflicts_and_recent_inspections_are_excluded(world):
    admin, inspectors = world["bureau_admin"], world["inspectors"]
    enterprise_a = world["enterprise_a"]
    inspector_services.conflict_declare(
        actor=admin, inspector=inspectors["expert_x"], enterprise=enterprise_a, reason="曾任顾问"
    )
    recent = Inspection.objects.create(
        trigger="complaint", trigger_note="投诉", target_kind="enterprise",
        enterprise=world["enterprise_b"], target_name="b", created_by=admin,
        inspected_on=PLAN_START - timedelta(days=80),
    )
    plan = make_plan(world, enterprise_count=5, recent_months=6)
    draw = services.plan_draw(actor=admin, plan=plan, seed=5)
    ids = {t.enterprise_id for t in draw.targets.all()}
    assert recent.enterprise_id not in ids and enterprise_a.pk in ids
    target_a = draw.targets.get(enterprise=enterprise_a)
    assert inspectors["expert_x"].pk not in {a.inspector_id for a in target_a.assignments.all()}
    reasons = {(r.reason, r.target) for r in selectors.exclusion_rows(draw)}
    assert (rules.CONFLICT, enterprise_a.name) in reasons
    assert (rules.RECENTLY_INSPECTED, world["enterprise_b"].name) in reasons


def test_editing_a_drawn_plan_sends_it_back_to_draft(world, plan):
    admin = world["bureau_admin"]
    services.plan_draw(actor=admin, plan=plan, seed=1)
    services.plan_update(actor=admin, plan=plan, title="新标题")
    plan.refresh_from_db()
    assert plan.status == "draft"
    with pytest.raises(ValidationError):
        services.plan_publish(actor=admin, plan=plan)


def test_publish_opens_one_inspection_per_drawn_target(world, plan):
    admin = world["bureau_admin"]
    draw = services.plan_draw(actor=admin, plan=plan, seed=7)
    services.plan_publish(actor=admin, plan=plan)
    plan.refresh_from_db()
    assert plan.status == "published" and plan.published_by == admin
    inspections = Inspection.objects.filter(plan=plan)
    assert inspections.count() == 5
    for inspection in inspections:
        target = inspection.drawn_target
        assert target.draw == draw
        assert {i.inspector_id for i in inspection.inspectors.all()} == {
            a.inspector_id for a in target.assignments.all()}
        assert inspection.checks.count() == (5 if inspection.target_kind == "enterprise" else 6)
        assert inspection.status == "open" and inspection.trigger == "plan"


def test_a_published_plan_cannot_be_drawn_edited_or_published_again(world, plan):
    admin = world["bureau_admin"]
    services.plan_draw(actor=admin, plan=plan, seed=7)
    services.plan_publish(actor=admin, plan=plan)
    for step in (
        lambda: services.plan_draw(actor=admin, plan=plan, reason="x"),
        lambda: services.plan_update(actor=admin, plan=plan, title="x"),
        lambda: services.plan_publish(actor=admin, plan=plan),
    ):
        with pytest.raises(ValidationError):
            step()
    assert PlanDraw.objects.filter(plan=plan).count() == 1


@pytest.fixture
def published(world, plan):
    admin = world["bureau_admin"]
    services.plan_draw(actor=admin, plan=plan, seed=7)
    services.plan_publish(actor=admin, plan=plan)
    return plan


def _sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _refused(action):
    with pytest.raises(InternalError, match="published and frozen|Cannot update or delete"), transaction.atomic():
        action()


def test_the_database_refuses_changes_to_a_published_plan(published, world):
    plans = InspectionPlan.objects.filter(pk=published.pk)
    _refused(lambda: plans.update(title="改"))
    _refused(lambda: plans.update(status="draft"))
    _refused(lambda: _sql("DELETE FROM oversight_inspectionplan WHERE id = %s", published.pk))
    _refused(lambda: PlanArea.objects.create(plan=published, area=world["enterprise_a"].area))
    assert plans.get().title != "改"


def test_the_database_refuses_changes_to_a_published_draw(published, world):
    draw = PlanDraw.objects.get(plan=published)
    _refused(lambda: PlanDraw.objects.filter(pk=draw.pk).update(seed=1))
    _refused(lambda: _sql("DELETE FROM oversight_plandraw WHERE id = %s", draw.pk))
    _refused(lambda: PlanDraw.objects.create(
        plan=published, number=2, seed=1, algorithm_version=1, snapshot={},
        drawn_by=world["bureau_admin"]))
    targets = DrawnTarget.objects.filter(draw=draw)
    _refused(lambda: targets.update(name="改"))
    _refused(lambda: DrawnTarget.objects.create(
        draw=draw, position=99, kind="agency", agency=world["agency_b"], name="x", uscc="x"))
    assignments = DrawnAssignment.objects.filter(target__draw=draw)
    _refused(lambda: assignments.update(inspector=world["inspectors"]["expert_x"]))
    _refused(lambda: assignments.filter(pk=assignments.first().pk).delete())
    assert selectors.rerun(draw).matches


def test_a_draw_is_never_changed_even_before_publication(world, plan):
    draw = services.plan_draw(actor=world["bureau_admin"], plan=plan, seed=7)
    _refused(lambda: PlanDraw.objects.filter(pk=draw.pk).update(seed=8))
    _refused(lambda: DrawnTarget.objects.filter(draw=draw).update(name="改"))


def test_rerun_notices_a_draw_that_does_not_match(world, plan):
    draw = services.plan_draw(actor=world["bureau_admin"], plan=plan, seed=7)
    with pgtrigger.ignore("oversight.PlanDraw:draw_never_changed"):
        PlanDraw.objects.filter(pk=draw.pk).update(seed=8)
    draw.refresh_from_db()
    result = selectors.rerun(draw)
    assert not result.matches and "targets" in result.differences or "inspectors" in (
        result.differences)


def test_rerun_of_an_unknown_algorithm_says_so(world, plan):
    draw = services.plan_draw(actor=world["bureau_admin"], plan=plan, seed=7)
    with pgtrigger.ignore("oversight.PlanDraw:draw_never_changed"):
        PlanDraw.objects.filter(pk=draw.pk).update(algorithm_version=99)
    draw.refresh_from_db()
    result = selectors.rerun(draw)
    assert not result.matches and result.error == "unknown_algorithm"
