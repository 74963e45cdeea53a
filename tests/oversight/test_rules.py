"""The draw of the double-random inspections (oversight/rules.py): pure, reproducible,
exclusions applied before drawing and listed."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight import rules as r

E, A = "enterprise", "agency"


def snapshot(**overrides) -> r.Snapshot:
    """20 enterprises in areas 1–3, 5 agencies, 8 inspectors (1–3 bureau, 4–8 county)."""
    fields = dict(
        enterprises=tuple(r.PoolTarget(E, i, 1 + i % 3) for i in range(1, 21)),
        agencies=tuple(r.PoolTarget(A, i) for i in range(1, 6)),
        inspectors=tuple(r.PoolInspector(i, None if i <= 3 else 1 + i % 3) for i in range(1, 9)),
        enterprise_quantity=r.Quantity(share=Decimal("20")),
        agency_quantity=r.Quantity(count=2),
        inspectors_per_target=2,
        conflicts=frozenset({(1, E, 7), (2, A, 3)}),
        recent_months=12,
        last_inspected=((E, 4, date(2025, 9, 1)), (E, 5, date(2024, 1, 1))),
        reference_date=date(2026, 4, 1),
    )
    fields.update(overrides)
    return r.Snapshot(**fields)


def test_the_pinned_draw_never_changes():
    """Version 1 on this snapshot and seed gives exactly this (a published draw must re-run
    the same on any later Python or machine)."""
    result = r.draw(snapshot(), 20260401)
    assert [(t.kind, t.id, t.inspectors) for t in result.targets] == [
        (E, 1, (1, 3)), (E, 13, (8, 5)), (E, 9, (2, 7)), (E, 17, (4, 6)),
        (A, 1, (7, 6)), (A, 2, (1, 5)),
    ]


def test_same_snapshot_and_seed_give_the_same_draw_also_after_a_json_round_trip():
    snap = snapshot()
    again = r.Snapshot.from_json(snap.to_json())
    assert again == snap
    assert r.draw(again, 99) == r.draw(snap, 99)
    assert r.draw(snap, 99) != r.draw(snap, 100)


def test_quantities():
    assert r.quantity_to_draw(r.Quantity(count=3), 10) == 3
    assert r.quantity_to_draw(r.Quantity(share=Decimal("10")), 41) == 5  # 4.1 rounded up
    assert r.quantity_to_draw(r.Quantity(share=Decimal("10")), 40) == 4
    assert r.quantity_to_draw(r.Quantity(share=Decimal("0.5")), 3) == 1  # never nobody
    assert r.quantity_to_draw(r.Quantity(share=Decimal("10")), 0) == 0
    assert r.quantity_to_draw(r.NOTHING, 10) == 0
    with pytest.raises(TypeError):
        r.quantity_to_draw(r.Quantity(share=10.0), 10)
    with pytest.raises(ValueError):
        r.quantity_to_draw(r.Quantity(share=Decimal("101")), 10)


def test_recent_cutoff_counts_calendar_months():
    assert r.recent_cutoff(date(2026, 4, 1), 12) == date(2025, 4, 1)
    assert r.recent_cutoff(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert r.recent_cutoff(date(2026, 1, 15), 2) == date(2025, 11, 15)


def test_recently_inspected_targets_leave_the_pool_and_are_listed():
    result = r.draw(snapshot(enterprise_quantity=r.Quantity(count=19)), 1)
    drawn = {t.id for t in result.targets if t.kind == E}
    assert 4 not in drawn and 5 in drawn  # 4: 2025-09-01 within 12 months; 5: 2024, not
    recent = [e for e in result.exclusions if e.reason == r.RECENTLY_INSPECTED]
    assert recent == [r.Exclusion(r.RECENTLY_INSPECTED, E, 4, None, date(2025, 9, 1))]


def test_the_cutoff_day_itself_is_recent_the_day_before_is_not():
    last = ((E, 1, date(2025, 4, 1)), (E, 2, date(2025, 3, 31)))
    result = r.draw(snapshot(last_inspected=last, enterprise_quantity=r.Quantity(count=19)), 1)
    assert {e.target_id for e in result.exclusions if e.reason == r.RECENTLY_INSPECTED} == {1}


def test_no_months_no_recent_exclusion():
    result = r.draw(snapshot(recent_months=0, enterprise_quantity=r.Quantity(count=20)), 1)
    assert not [e for e in result.exclusions if e.reason == r.RECENTLY_INSPECTED]
    assert len([t for t in result.targets if t.kind == E]) == 20


def test_an_inspector_never_inspects_an_enterprise_of_his_own_area():
    snap = snapshot(enterprise_quantity=r.Quantity(count=19), conflicts=frozenset())
    result = r.draw(snap, 7)
    areas = {i.id: i.area_id for i in snap.inspectors}
    target_area = {t.id: t.area_id for t in snap.enterprises}
    for t in result.targets:
        if t.kind == E:
            assert all(areas[i] != target_area[t.id] for i in t.inspectors)
    own = {(e.target_id, e.inspector_id) for e in result.exclusions if e.reason == r.OWN_AREA}
    expected = {
        (t.id, i.id) for t in result.targets if t.kind == E
        for i in snap.inspectors if i.area_id == target_area[t.id]
    }
    assert own == expected and own
    # agencies have no area: nobody is excluded from them for it
    assert not [e for e in result.exclusions if e.reason == r.OWN_AREA and e.target_kind == A]


def test_own_area_allowed_when_the_plan_says_so():
    snap = snapshot(exclude_own_area=False, enterprise_quantity=r.Quantity(count=19))
    result = r.draw(snap, 7)
    assert not [e for e in result.exclusions if e.reason == r.OWN_AREA]


def test_declared_conflicts_are_excluded_and_listed():
    snap = snapshot(
        enterprise_quantity=r.Quantity(count=19), agency_quantity=r.Quantity(count=5)
    )
    result = r.draw(snap, 3)
    by_target = {(t.kind, t.id): t.inspectors for t in result.targets}
    assert 1 not in by_target[(E, 7)] and 2 not in by_target[(A, 3)]
    conflicts = {(e.inspector_id, e.target_kind, e.target_id)
                 for e in result.exclusions if e.reason == r.CONFLICT}
    assert conflicts == {(1, E, 7), (2, A, 3)}
    ignored = r.draw(snapshot(exclude_conflicts=False, enterprise_quantity=r.Quantity(count=19),
                              agency_quantity=r.Quantity(count=5)), 3)
    assert not [e for e in ignored.exclusions if e.reason == r.CONFLICT]


def test_too_few_targets_is_refused():
    with pytest.raises(r.DrawRefused) as exc:
        r.draw(snapshot(enterprise_quantity=r.Quantity(count=20)), 1)  # one is recent
    assert exc.value.code == "too_few_targets"
    assert exc.value.params == {"kind": E, "wanted": 20, "eligible": 19}


def test_too_few_inspectors_is_refused():
    inspectors = (r.PoolInspector(1, None), r.PoolInspector(2, 2))
    snap = snapshot(inspectors=inspectors, enterprises=(r.PoolTarget(E, 5, 2),),
                    enterprise_quantity=r.Quantity(count=1), agency_quantity=r.NOTHING)
    with pytest.raises(r.DrawRefused) as exc:
        r.draw(snap, 1)
    assert exc.value.code == "too_few_inspectors"
    assert exc.value.params["target"] == 5 and exc.value.params["eligible"] == 1


def test_the_work_is_spread_evenly():
    snap = r.Snapshot(
        enterprises=tuple(r.PoolTarget(E, i, 9) for i in range(1, 7)),
        inspectors=tuple(r.PoolInspector(i) for i in range(1, 5)),
        enterprise_quantity=r.Quantity(count=6), inspectors_per_target=2,
    )
    for seed in range(20):
        result = r.draw(snap, seed)
        loads = Counter(i for t in result.targets for i in t.inspectors)
        assert sorted(loads.values()) == [3, 3, 3, 3]


def test_unknown_algorithm_version_is_refused():
    with pytest.raises(r.DrawRefused) as exc:
        r.draw(snapshot(), 1, version=99)
    assert exc.value.code == "unknown_algorithm"


def test_differences_name_what_changed():
    result = r.draw(snapshot(), 5)
    assert r.differences(result, result) == []
    swapped = r.DrawResult(
        (r.Drawn(result.targets[0].kind, result.targets[0].id,
                 tuple(reversed(result.targets[0].inspectors))), *result.targets[1:]),
        result.exclusions,
    )
    assert r.differences(swapped, result) == ["inspectors"]
    assert r.differences(r.DrawResult(result.targets[1:], result.exclusions), result) == [
        "targets"
    ]
    assert r.differences(r.DrawResult(result.targets, ()), result) == ["exclusions"]


def test_plan_workflow_table():
    assert r.plan_next_status("draft", r.DRAW) == "drawn"
    assert r.plan_next_status("drawn", r.DRAW) == "drawn"
    assert r.plan_next_status("drawn", r.EDIT) == "draft"
    assert r.plan_next_status("drawn", r.PUBLISH) == "published"
    assert r.plan_next_status("draft", r.PUBLISH) is None
    for action in (r.EDIT, r.DRAW, r.PUBLISH):
        assert r.plan_next_status("published", action) is None
    assert not r.redraw_needs_reason(0) and r.redraw_needs_reason(1)


def test_rectification_rules():
    assert r.status_after_conclusion("rectify") == "rectifying"
    assert r.status_after_conclusion("no_problem") == "closed"
    assert r.status_after_conclusion("violation") == "closed"
    d = date(2026, 5, 8)
    assert not r.rectification_overdue(deadline=d, answered=False, today=d)
    assert r.rectification_overdue(deadline=d, answered=False, today=date(2026, 5, 9))
    assert not r.rectification_overdue(deadline=d, answered=True, today=date(2026, 5, 9))


@settings(max_examples=60, deadline=None)
@given(
    n_ent=st.integers(0, 12), n_ins=st.integers(2, 8), per=st.integers(2, 3),
    seed=st.integers(0, 2**63 - 1), own=st.booleans(), recent=st.integers(0, 12),
    conflicts=st.sets(st.tuples(st.integers(1, 8), st.integers(1, 12)), max_size=10),
)
def test_a_draw_never_breaks_its_exclusions(n_ent, n_ins, per, seed, own, recent, conflicts):
    snap = r.Snapshot(
        enterprises=tuple(r.PoolTarget(E, i, i % 3) for i in range(1, n_ent + 1)),
        inspectors=tuple(r.PoolInspector(i, i % 4 or None) for i in range(1, n_ins + 1)),
        enterprise_quantity=r.Quantity(share=Decimal("50")), inspectors_per_target=per,
        exclude_own_area=own, conflicts=frozenset((i, E, t) for i, t in conflicts),
        recent_months=recent, last_inspected=tuple((E, i, date(2026, 1, 1))
                                                   for i in range(1, n_ent + 1, 4)),
        reference_date=date(2026, 6, 1),
    )
    try:
        result = r.draw(snap, seed)
    except r.DrawRefused:
        return
    excluded_targets = {e.target_id for e in result.exclusions if e.reason == r.RECENTLY_INSPECTED}
    excluded_pairs = {(e.target_id, e.inspector_id) for e in result.exclusions if e.inspector_id}
    assert len(result.targets) == r.quantity_to_draw(snap.enterprise_quantity, n_ent)
    for t in result.targets:
        assert t.id not in excluded_targets
        assert len(set(t.inspectors)) == per
        assert not {(t.id, i) for i in t.inspectors} & excluded_pairs
    assert r.draw(snap, seed) == result
