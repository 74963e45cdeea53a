"""Issue 14, use of grades: an inspection plan may weight its draw toward subjects graded red or
yellow (双随机 with supervision differentiated by credit). The weights come from credit through
``zhongwei_carbon.draw_weights`` and are stored in the draw's snapshot, so the draw re-runs
from its seed; without the option the draw is the same as before for the same seed."""

from collections import Counter
from datetime import date

import pytest

from credit.choices import Grade
from oversight import rules
from oversight.models import InspectionPlan
from oversight.selectors import plans as plan_sel
from oversight.services import plans as svc
from tests.credit.grades import credit_year, grade

E = rules.ENTERPRISE


def _snapshot(weights=(), n=3, size=10):
    return rules.Snapshot(
        enterprises=tuple(rules.PoolTarget(E, i, 1) for i in range(1, size + 1)),
        inspectors=tuple(rules.PoolInspector(100 + i) for i in range(4)),
        enterprise_quantity=rules.Quantity(count=n),
        weights=tuple(weights),
    )


def _ids(result):
    return [t.id for t in result.targets]


def test_a_weighted_draw_is_reproducible_from_its_stored_snapshot_and_seed():
    snap = _snapshot(weights=[(E, 3, 3), (E, 7, 2)])
    assert rules.algorithm_for(snap) == rules.WEIGHTED_ALGORITHM_VERSION
    first = rules.draw(snap, 12345, rules.WEIGHTED_ALGORITHM_VERSION)
    again = rules.draw(rules.Snapshot.from_json(snap.to_json()), 12345, 2)
    assert first == again and len(set(_ids(first))) == 3


def test_without_weights_the_draw_is_unchanged():
    snap = _snapshot()
    assert rules.algorithm_for(snap) == rules.ALGORITHM_VERSION
    assert "weights" not in snap.to_json()  # stored snapshots read as before
    assert rules.draw(snap, 99) == rules.draw(rules.Snapshot.from_json(snap.to_json()), 99, 1)
    # version 1 never silently ignores weights
    with pytest.raises(rules.DrawRefused):
        rules.draw(_snapshot(weights=[(E, 1, 3)]), 99, 1)


def test_red_and_yellow_subjects_are_drawn_more_often_over_many_seeds():
    # pool of 10, 1 drawn: a red (×3) and a yellow (×2) among 8 others weigh 3/13 and 2/13
    # against 1/13 each; over 2,000 fixed seeds the counts are far apart (not flaky: the seeds
    # are fixed, so the counts are the same every run)
    snap = _snapshot(weights=[(E, 4, 3), (E, 9, 2)], n=1)
    plain = _snapshot(n=1)
    weighted, uniform = Counter(), Counter()
    for seed in range(2000):
        weighted.update(_ids(rules.draw(snap, seed, 2)))
        uniform.update(_ids(rules.draw(plain, seed, 1)))
    others = [weighted[i] for i in range(1, 11) if i not in (4, 9)]
    assert weighted[4] > 2.5 * max(others)  # expected 3×
    assert weighted[9] > 1.5 * max(others)  # expected 2×
    assert weighted[4] > weighted[9]
    assert max(uniform.values()) < 1.5 * min(uniform.values())  # the unweighted draw is even


def test_a_weight_below_one_is_refused():
    with pytest.raises(ValueError):
        rules.draw(_snapshot(weights=[(E, 2, 0)]), 1, 2)


# --- the plan ------------------------------------------------------------------------------


@pytest.fixture
def plan(db, bureau_admin, enterprise_a, enterprise_b):
    from oversight.models import Inspector
    from tests import factories as f

    f.listed(2025, enterprise_a, enterprise_b)
    inspectors = [Inspector.objects.create(kind="expert", name=f"专家{i}") for i in range(3)]
    p = svc.plan_create(
        actor=bureau_admin, year=2026, title="2026年度双随机抽查", targets="enterprises",
        legal_basis="《碳排放权交易管理暂行条例》第十六条", start_date=date(2026, 5, 1),
        end_date=date(2026, 9, 30), listed_year=2025, enterprise_count=1,
        inspectors_per_target=2, inspectors=inspectors,
    )
    return p


@pytest.mark.django_db
def test_plan_without_the_option_draws_as_before(plan, bureau_admin, enterprise_a):
    grade(credit_year(2025), enterprise_a, Grade.RED)
    draw = svc.plan_draw(actor=bureau_admin, plan=plan, seed=4242)
    assert draw.algorithm_version == rules.ALGORITHM_VERSION
    assert "weights" not in draw.snapshot and "weighting" not in draw.inputs


@pytest.mark.django_db
def test_plan_weighted_by_credit_stores_the_weights_and_reruns(plan, bureau_admin, enterprise_a):
    grade(credit_year(2025), enterprise_a, Grade.RED)
    svc.plan_update(actor=bureau_admin, plan=plan, weight_by_credit=True)
    plan = InspectionPlan.objects.get(pk=plan.pk)
    draw = svc.plan_draw(actor=bureau_admin, plan=plan, seed=4242)
    assert draw.algorithm_version == rules.WEIGHTED_ALGORITHM_VERSION
    assert draw.snapshot["weights"] == [[E, enterprise_a.pk, 3]]
    assert "3" in draw.inputs["weighting"]  # the basis in words, kept with the draw
    assert plan_sel.rerun(draw).matches


@pytest.mark.django_db
def test_plan_weighted_without_grades_draws_by_version_one(plan, bureau_admin):
    svc.plan_update(actor=bureau_admin, plan=plan, weight_by_credit=True)
    draw = svc.plan_draw(actor=bureau_admin, plan=InspectionPlan.objects.get(pk=plan.pk), seed=7)
    assert draw.algorithm_version == rules.ALGORITHM_VERSION and "weights" not in draw.snapshot


@pytest.mark.django_db
def test_the_plan_form_offers_the_option_only_when_an_app_gives_weights(monkeypatch):
    from oversight.forms import PlanForm
    from zhongwei_carbon import draw_weights

    assert "weight_by_credit" in PlanForm().fields  # credit registers its weights
    monkeypatch.setattr(draw_weights, "_providers", [])
    assert "weight_by_credit" not in PlanForm().fields
