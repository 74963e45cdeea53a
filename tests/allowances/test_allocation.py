"""Allocation notice import, check value, notice, objection and issue (issue 5 §2), with the
numbers worked by hand:

- enterprise_a, power benchmark, the 2025 plan counts power generated: one coal unit
  ≥ 400 MW, Qe 3,000,000 MWh generated (2,800,000 supplied), Ff 1, Qh 1,000,000 GJ →
  3,000,000 × 0.7910 + 1,000,000 × 0.1033 = 2,373,000 + 103,300 = 2,476,300 (DOMAIN.md's
  example). Verified 2025: 2,600,000 t → shortfall 123,700 ≤ 20 % cap 520,000 → no top-up:
  check 2,476,300. The region notified 2,480,000 → difference +3,700.
  Pre-allocation (activity-based): 2024 verified 2,900,000 MWh generated (2,700,000 supplied),
  900,000 GJ, with the 2025 benchmarks: 2,900,000 × 0.7910 + 900,000 × 0.1033 = 2,293,900 +
  92,970 = 2,386,870 → 70 % = 1,670,809 (= the notice); 70 % of the 2024 verified emissions
  (2,500,000 t) would have been 1,750,000.
- enterprise_b, intensity: 120,000 t clinker × 0.8576 = 102,912; verified 110,000 →
  shortfall 7,088 ≤ cap 22,000 → check 102,912 (= the notice).
- Notice on Friday 2025-09-26 with 1–8 Oct holidays and Sun 28 Sep / Sat 11 Oct worked:
  7 working days → Monday 2025-10-13 (the calendar example of zhongwei_carbon/workdays.py).
"""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from allowances.choices import AllocationStatus, EntryKind, ObjectionStatus, UnitType
from allowances.models import (
    Allocation,
    AllocationPlan,
    ComplianceCycle,
    Holding,
    IntensityBenchmark,
    LedgerEntry,
    LoadFactorBand,
    PenaltyCase,
    PowerBenchmark,
)
from allowances.services import allocation as svc
from allowances.services import ledger
from tests import factories as f
from tests.allowances.allocation_helpers import workbook
from tests.allowances.dated import on
from zhongwei_carbon.excel import UploadRejected
from zhongwei_carbon.models import CalendarDay, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield

NOTICE = date(2025, 9, 26)
LAST_DAY = date(2025, 10, 13)
AFTER = date(2025, 10, 14)


@pytest.fixture
def setup(enterprise_a, enterprise_b):
    cycle = ComplianceCycle.objects.create(year=2025, name="2025年度")
    AllocationPlan.objects.create(year=2025, power_basis="generated", source="test")
    PowerBenchmark.objects.create(year=2025, unit_class="coal_large", power_benchmark=D("0.7910"),
                                  heat_benchmark=D("0.1033"), source="test")
    LoadFactorBand.objects.create(year=2025, correction=D("1"), source="test")
    IntensityBenchmark.objects.create(year=2025, sector=enterprise_b.sector, product="熟料",
                                      unit="t", intensity=D("0.8576"), source="test")
    f.EmissionRecordFactory(enterprise=enterprise_a, year=2024, emissions_tco2e=D("2500000.00"))
    f.EmissionRecordFactory(enterprise=enterprise_a, year=2025, emissions_tco2e=D("2600000.00"))
    f.EmissionRecordFactory(enterprise=enterprise_b, year=2025, emissions_tco2e=D("110000.00"))
    for day in range(1, 9):
        CalendarDay.objects.create(date=date(2025, 10, day), kind="holiday", name="国庆")
    CalendarDay.objects.create(date=date(2025, 9, 28), kind="workday", name="调休")
    CalendarDay.objects.create(date=date(2025, 10, 11), kind="workday", name="调休")
    return cycle


PRE_A = 1670809
# unit sheet columns: code, name, class | 2025: generated, supplied, load factor, heat, product,
# output, verified | 2024: generated, supplied, load factor, heat, output
UNIT_A = ["1号机组", "coal_large", 3000000, 2800000, None, 1000000, None, None, None,
          2900000, 2700000, None, 900000, None]
UNIT_B = ["熟料线", None, None, None, None, None, "熟料", 120000, None,
          None, None, None, None, None]


def notice(a, b, *, final_a=2480000, pre_a=PRE_A, unit_a=UNIT_A):
    return workbook(
        [
            [a.uscc, a.name, "power_benchmark", pre_a, final_a, "宁环发〔2025〕1号", "2025-09-26"],
            [b.uscc, b.name, "强度法", None, 102912, "宁环发〔2025〕1号", None],
        ],
        [[a.uscc, *unit_a], [b.uscc, *UNIT_B]],
    )


def imported(admin, cycle, a, b, **kw):
    outcome = svc.allocation_import(actor=admin, cycle=cycle, data=notice(a, b, **kw), filename="n.xlsx")
    assert outcome.ok, outcome.errors
    return outcome


def test_import_computes_the_check_values_by_hand(setup, bureau_admin, enterprise_a, enterprise_b):
    outcome = imported(bureau_admin, setup, enterprise_a, enterprise_b)
    assert (outcome.created, outcome.updated, outcome.differing) == (2, 0, 1)
    # no published 2025 list in this test: both are named for the bureau to check
    assert outcome.not_listed == sorted([enterprise_a.name, enterprise_b.name])
    a = Allocation.objects.get(enterprise=enterprise_a)
    assert (a.pre_allocation, a.pre_allocation_check) == (PRE_A, 1670809)
    assert (a.notified, a.computed, a.difference) == (2480000, 2476300, 3700)
    assert a.differs and not a.pre_differs and a.status == AllocationStatus.IMPORTED
    b = Allocation.objects.get(enterprise=enterprise_b)
    assert (b.method, b.notified, b.computed, b.differs) == ("intensity", 102912, 102912, False)
    assert b.pre_allocation_check is None  # no 2024 output in the unit data
    assert not b.check_problem  # and the notice carries no pre-allocation to compare with


def test_the_cap_tops_up_the_check_value(setup, bureau_admin, enterprise_a, enterprise_b):
    # Verified 2025 raised to 3,200,000: cap 640,000; shortfall 3,200,000 − 2,476,300 = 723,700
    # → top-up 83,700 → check 2,560,000
    enterprise_a.emission_records.filter(year=2025).update(emissions_tco2e=D("3200000.00"))
    imported(bureau_admin, setup, enterprise_a, enterprise_b)
    assert Allocation.objects.get(enterprise=enterprise_a).computed == 2560000


def test_a_missing_parameter_is_explained_not_guessed(setup, bureau_admin, enterprise_a, enterprise_b):
    PowerBenchmark.objects.all().delete()
    imported(bureau_admin, setup, enterprise_a, enterprise_b)
    a = Allocation.objects.get(enterprise=enterprise_a)
    assert a.computed is None and "2025" in a.check_problem


@pytest.mark.parametrize(
    "row, unit, expected",
    [
        (["91640500MA0000000X", "x", "power_benchmark", 1, 2, "", ""], None, "check character"),
        (["A", "x", "power_benchmark", 1.5, None, "", ""], None, "whole tonnes"),
        (["A", "x", "power_benchmark", "=1+1", None, "", ""], None, "Formulas"),
        (["A", "x", "power_benchmark", -5, None, "", ""], None, "negative"),
        (["A", "x", "auction", 1, None, "", ""], None, "allowed values"),
        (["A", "x", "power_benchmark", None, None, "", ""], None, "Give the pre-allocation"),
        (["A", "x", "power_benchmark", 1, None, "", "31/02/2025"], None, "Not a date"),
        (["A", "x", "power_benchmark", 1, None, "", ""],
         ["A", "u1", None, 10, None, None, None, None, None], "unit class"),
        (["A", "x", "power_benchmark", 1, None, "", ""],
         ["B", "u1", "gas", 10, None, None, None, None, None], "not on sheet"),
    ],
)
def test_bad_rows_are_refused_and_nothing_is_saved(
    setup, bureau_admin, enterprise_a, enterprise_b, row, unit, expected
):
    codes = {"A": enterprise_a.uscc, "B": enterprise_b.uscc}
    row = [codes.get(v, v) if i == 0 else v for i, v in enumerate(row)]
    units = [[codes.get(v, v) if i == 0 else v for i, v in enumerate(unit)]] if unit else []
    outcome = svc.allocation_import(
        actor=bureau_admin, cycle=setup, data=workbook([row], units), filename="bad.xlsx"
    )
    assert not outcome.ok
    assert any(expected in e.message for e in outcome.errors), outcome.errors
    assert not Allocation.objects.exists()


def test_unknown_enterprise_wrong_headers_and_non_excel(setup, bureau_admin, enterprise_a):
    unknown = f.EnterpriseFactory.build().uscc
    outcome = svc.allocation_import(
        actor=bureau_admin, cycle=setup,
        data=workbook([[unknown, "", "intensity", 1, None, "", ""]]), filename="x.xlsx",
    )
    assert [e.message for e in outcome.errors] == ["No enterprise with this code in the registry."]
    outcome = svc.allocation_import(
        actor=bureau_admin, cycle=setup, data=workbook([], headers=["代码"]), filename="x.xlsx"
    )
    assert "use the import template" in outcome.errors[0].message
    with pytest.raises(UploadRejected):
        svc.allocation_import(actor=bureau_admin, cycle=setup, data=b"%PDF-1.4", filename="x.xlsx")
    assert not Allocation.objects.exists()


def test_only_the_bureau_admin_imports(setup, bureau_reviewer, ent_a, enterprise_a, enterprise_b):
    for user in (bureau_reviewer, ent_a):
        with pytest.raises(PermissionDenied):
            svc.allocation_import(actor=user, cycle=setup, data=notice(enterprise_a, enterprise_b),
                                  filename="n.xlsx")


def test_reimport_unchanged_and_changed(setup, bureau_admin, enterprise_a, enterprise_b):
    imported(bureau_admin, setup, enterprise_a, enterprise_b)
    svc.notify_all(actor=bureau_admin, cycle=setup, today=NOTICE)
    again = imported(bureau_admin, setup, enterprise_a, enterprise_b)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Allocation.objects.get(enterprise=enterprise_a).status == AllocationStatus.NOTIFIED
    changed = imported(bureau_admin, setup, enterprise_a, enterprise_b, final_a=2476300)
    assert (changed.updated, changed.unchanged) == (1, 1)
    a = Allocation.objects.get(enterprise=enterprise_a)
    assert (a.status, a.objection_deadline, a.differs) == (AllocationStatus.IMPORTED, None, False)


def test_notice_starts_seven_working_days_and_notifies(
    setup, bureau_admin, ent_a, enterprise_a, enterprise_b, django_capture_on_commit_callbacks
):
    imported(bureau_admin, setup, enterprise_a, enterprise_b)
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.notify_all(actor=bureau_admin, cycle=setup, today=NOTICE) == 2
    a = Allocation.objects.get(enterprise=enterprise_a)
    assert (a.status, a.objection_deadline) == (AllocationStatus.NOTIFIED, LAST_DAY)
    assert Notification.objects.filter(recipient=ent_a, link__contains=f"/allocations/{a.pk}/").count() == 1
    assert svc.notify_all(actor=bureau_admin, cycle=setup, today=NOTICE) == 0  # nothing imported left


def notified(setup, admin, a, b):
    imported(admin, setup, a, b)
    svc.notify_all(actor=admin, cycle=setup, today=NOTICE)
    return Allocation.objects.get(enterprise=a)


def test_objection_on_the_last_day_then_never_twice(setup, bureau_admin, ent_a, enterprise_a, enterprise_b):
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    objection = svc.objection_file(actor=ent_a, allocation=a, reasons="供电量有误", today=LAST_DAY)
    # decision due 10 working days after 13 Oct 2025 (no more holidays) → Mon 27 Oct
    assert objection.decision_due == date(2025, 10, 27)
    a.refresh_from_db()
    assert a.status == AllocationStatus.OBJECTED
    assert svc.issue_blocker(a, AFTER) == "An objection is pending."
    svc.objection_decide(actor=bureau_admin, objection=objection, decision="dismissed", note="核实无误")
    a.refresh_from_db()
    assert a.status == AllocationStatus.NOTIFIED
    with pytest.raises(ValidationError, match="already been filed"):
        svc.objection_file(actor=ent_a, allocation=a, reasons="再次", today=LAST_DAY)


def test_objection_after_the_period_or_by_others_is_refused(
    setup, bureau_admin, ent_a, ent_b, official_a, enterprise_a, enterprise_b
):
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    with pytest.raises(ValidationError, match="ended on 2025-10-13"):
        svc.objection_file(actor=ent_a, allocation=a, reasons="晚了", today=AFTER)
    for user in (ent_b, official_a, bureau_admin):
        with pytest.raises(PermissionDenied):
            svc.objection_file(actor=user, allocation=a, reasons="x", today=NOTICE)
    with pytest.raises(ValidationError):
        svc.objection_file(actor=ent_a, allocation=a, reasons="  ", today=NOTICE)
    assert not a.objections.exists()


def test_upheld_objection_sends_the_allocation_back_to_import(setup, bureau_admin, ent_a, enterprise_a, enterprise_b):
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    objection = svc.objection_file(actor=ent_a, allocation=a, reasons="x", today=NOTICE)
    outcome = svc.allocation_import(actor=bureau_admin, cycle=setup,
                                    data=notice(enterprise_a, enterprise_b, final_a=2476300),
                                    filename="n.xlsx")
    assert [e.message for e in outcome.errors] == [
        "An objection to this enterprise's allocation is pending: decide it before importing a "
        "new figure."
    ]
    assert Allocation.objects.get(pk=a.pk).notified == 2480000  # nothing changed
    with pytest.raises(ValidationError):
        svc.objection_decide(actor=bureau_admin, objection=objection, decision="upheld", note="")
    svc.objection_decide(actor=bureau_admin, objection=objection, decision="upheld", note="区厅更正")
    a.refresh_from_db()
    assert a.status == AllocationStatus.CORRECTING
    assert svc.issue_blocker(a, AFTER).startswith("The objection was upheld")
    # the same notice again changes nothing: no new notice, nothing to issue
    imported(bureau_admin, setup, enterprise_a, enterprise_b)
    assert svc.notify_all(actor=bureau_admin, cycle=setup, today=AFTER) == 0
    # the corrected notice: imported, notified again, and the enterprise may object again
    imported(bureau_admin, setup, enterprise_a, enterprise_b, final_a=2476300)
    assert svc.notify_all(actor=bureau_admin, cycle=setup, today=AFTER) == 1
    a.refresh_from_db()
    assert (a.status, a.notice_number, a.notified) == (AllocationStatus.NOTIFIED, 2, 2476300)
    again = svc.objection_file(actor=ent_a, allocation=a, reasons="仍有异议", today=AFTER)
    assert again.notice_number == 2
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD
    with pytest.raises(ValidationError, match="already been decided"):
        svc.objection_decide(actor=bureau_admin, objection=objection, decision="dismissed", note="x")


def _cea(enterprise, year=2025):
    holding = Holding.objects.filter(account__enterprise=enterprise, unit_type=UnitType.CEA,
                                     vintage=year).first()
    return holding.quantity if holding else 0


def test_issue_waits_for_the_period_then_posts(setup, bureau_admin, enterprise_a, enterprise_b):
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    with pytest.raises(ValidationError, match="2025-10-13"):
        svc.issue(actor=bureau_admin, allocation=a, today=LAST_DAY)
    assert _cea(enterprise_a) == 0
    svc.issue(actor=bureau_admin, allocation=a, today=AFTER)
    assert _cea(enterprise_a) == 2480000
    a.refresh_from_db()
    assert a.status == AllocationStatus.ISSUED
    with pytest.raises(ValidationError, match="Already issued"):
        svc.issue(actor=bureau_admin, allocation=a, today=AFTER)


def test_pre_allocation_then_final_posts_the_difference(setup, bureau_admin, enterprise_a, enterprise_b):
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    Allocation.objects.filter(pk=a.pk).update(notified=None)
    svc.issue(actor=bureau_admin, allocation=a, today=AFTER)
    assert _cea(enterprise_a) == PRE_A
    imported(bureau_admin, setup, enterprise_a, enterprise_b)  # the final notice: changed row
    svc.notify_all(actor=bureau_admin, cycle=setup, today=AFTER)
    a.refresh_from_db()
    svc.issue(actor=bureau_admin, allocation=a, today=date(2025, 12, 1))
    kinds = list(LedgerEntry.objects.filter(holding__account__enterprise=enterprise_a)
                 .order_by("id").values_list("kind", "quantity"))
    assert kinds == [(EntryKind.PRE_ALLOCATION, PRE_A), (EntryKind.FINAL_ALLOCATION, 2480000 - PRE_A)]
    assert _cea(enterprise_a) == 2480000 == svc.issued_so_far(a)


def test_issue_takes_the_next_year_cut_of_an_earlier_case(setup, bureau_admin, enterprise_a, enterprise_b):
    earlier = ComplianceCycle.objects.create(year=2024, name="2024")
    case = PenaltyCase.objects.create(
        cycle=earlier, enterprise=enterprise_a, tonnes_short=3500, price=D("88.34"),
        fine_min=D("1545950.00"), fine_max=D("3091900.00"), obligation=3500,
        correction_deadline=date(2025, 1, 31), opened_by=bureau_admin, status="decided", fine_decided=D("1545950.00"),
    )
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    svc.issue(actor=bureau_admin, allocation=a, today=AFTER)
    assert _cea(enterprise_a) == 2480000 - 3500
    cut = LedgerEntry.objects.get(kind=EntryKind.NEXT_YEAR_CUT)
    assert (cut.quantity, cut.cycle, cut.holding.vintage) == (-3500, setup, 2025)
    case.refresh_from_db()
    assert (case.cut_posted, case.cut_applied) == (3500, True)


def test_a_small_allocation_takes_part_of_the_cut_and_the_next_the_rest(
    setup, bureau_admin, enterprise_a, enterprise_b
):
    earlier = ComplianceCycle.objects.create(year=2024, name="2024")
    case = PenaltyCase.objects.create(
        cycle=earlier, enterprise=enterprise_a, tonnes_short=3500, price=D("80"),
        fine_min=D("1400000"), fine_max=D("2800000"), obligation=3500,
        correction_deadline=date(2025, 1, 31), opened_by=bureau_admin,
        status="decided", fine_decided=D("1400000"),
    )
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    Allocation.objects.filter(pk=a.pk).update(notified=None, pre_allocation=2000)
    svc.issue(actor=bureau_admin, allocation=a, today=AFTER)  # +2,000, cut 2,000 of 3,500
    case.refresh_from_db()
    assert (_cea(enterprise_a), case.cut_posted, case.cut_applied) == (0, 2000, False)
    Allocation.objects.filter(pk=a.pk).update(notified=5000, status=AllocationStatus.NOTIFIED,
                                              objection_deadline=LAST_DAY)
    a.refresh_from_db()
    svc.issue(actor=bureau_admin, allocation=a, today=AFTER)  # +3,000, the last 1,500 of the cut
    case.refresh_from_db()
    assert (_cea(enterprise_a), case.cut_posted, case.cut_applied) == (1500, 3500, True)
    assert case.status == "closed"  # decided and cut in full


def test_an_open_case_is_not_cut_until_decided(setup, bureau_admin, enterprise_a, enterprise_b):
    earlier = ComplianceCycle.objects.create(year=2024, name="2024")
    case = PenaltyCase.objects.create(
        cycle=earlier, enterprise=enterprise_a, tonnes_short=3500, price=D("80"),
        fine_min=D("1400000"), fine_max=D("2800000"), obligation=3500,
        correction_deadline=date(2025, 1, 31), opened_by=bureau_admin,
    )
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    svc.issue(actor=bureau_admin, allocation=a, today=AFTER)
    case.refresh_from_db()
    assert (_cea(enterprise_a), case.cut_posted) == (2480000, 0)
    assert not LedgerEntry.objects.filter(kind=EntryKind.NEXT_YEAR_CUT).exists()


CORRECT_BY = date(2025, 1, 31)


def _corrected_case(admin, enterprise, *, surrendered_before, correction_deadline=CORRECT_BY):
    """A decided 2024 case: 30,000 t short at the surrender deadline; ``surrendered_before``
    t surrendered for 2024 on 20 Jan 2025, before the correction deadline (issue 9's example)."""
    earlier = ComplianceCycle.objects.create(year=2024, name="2024")
    if surrendered_before:
        account = ledger.account_for(enterprise)
        ledger.allocate(actor=admin, account=account, cycle=earlier, vintage=2024,
                        quantity=surrendered_before)
        with on(date(2025, 1, 20)):
            ledger.surrender(actor=admin, account=account, cycle=earlier, obligation=30000,
                             cea=[(2024, surrendered_before)])
    return PenaltyCase.objects.create(
        cycle=earlier, enterprise=enterprise, tonnes_short=30000, obligation=30000,
        price=D("80"), fine_min=D("12000000"), fine_max=D("24000000"),
        correction_deadline=correction_deadline, opened_by=admin, status="decided",
        fine_decided=D("12000000"),
    )


def test_issue_takes_only_what_is_still_short_at_the_correction_deadline(
    setup, bureau_admin, enterprise_a, enterprise_b
):
    # 10,000 of 30,000 surrendered before the correction deadline → cut 20,000
    case = _corrected_case(bureau_admin, enterprise_a, surrendered_before=10000)
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    svc.issue(actor=bureau_admin, allocation=a, today=AFTER)
    case.refresh_from_db()
    assert (case.next_year_cut, case.cut_posted, case.cut_applied) == (20000, 20000, True)
    assert LedgerEntry.objects.get(kind=EntryKind.NEXT_YEAR_CUT).quantity == -20000
    assert _cea(enterprise_a) == 2480000 - 20000


def test_issue_before_the_correction_deadline_takes_no_cut(
    setup, bureau_admin, enterprise_a, enterprise_b
):
    case = _corrected_case(bureau_admin, enterprise_a, surrendered_before=0,
                           correction_deadline=AFTER)
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    svc.issue(actor=bureau_admin, allocation=a, today=AFTER)  # the deadline day: not yet known
    case.refresh_from_db()
    assert (case.next_year_cut, case.cut_posted) == (None, 0)
    assert _cea(enterprise_a) == 2480000
    assert not LedgerEntry.objects.filter(kind=EntryKind.NEXT_YEAR_CUT).exists()


def test_issue_takes_no_cut_of_a_case_corrected_in_full(
    setup, bureau_admin, enterprise_a, enterprise_b
):
    case = _corrected_case(bureau_admin, enterprise_a, surrendered_before=30000)
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    svc.issue(actor=bureau_admin, allocation=a, today=AFTER)
    case.refresh_from_db()
    assert (case.next_year_cut, case.cut_applied, case.status) == (0, True, "closed")
    assert _cea(enterprise_a) == 2480000
    assert not LedgerEntry.objects.filter(kind=EntryKind.NEXT_YEAR_CUT).exists()


def test_a_blank_figure_or_a_missing_unit_sheet_keeps_what_is_stored(
    setup, bureau_admin, enterprise_a, enterprise_b
):
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    svc.issue(actor=bureau_admin, allocation=a, today=AFTER)
    only_pre = workbook([[enterprise_a.uscc, "", "power_benchmark", PRE_A, None, "", ""]])
    outcome = svc.allocation_import(actor=bureau_admin, cycle=setup, data=only_pre, filename="x.xlsx")
    assert (outcome.ok, outcome.unchanged, outcome.updated) == (True, 1, 0)
    a.refresh_from_db()
    assert (a.status, a.notified, a.computed) == (AllocationStatus.ISSUED, 2480000, 2476300)
    assert a.inputs["units"][0]["generated_mwh"] == "3000000"


def test_a_notice_date_in_the_future_is_refused(setup, bureau_admin, enterprise_a):
    row = [enterprise_a.uscc, "", "power_benchmark", 1, None, "", "2999-01-01"]
    outcome = svc.allocation_import(actor=bureau_admin, cycle=setup, data=workbook([row]),
                                    filename="x.xlsx")
    assert [e.message for e in outcome.errors] == ["The notice date is in the future."]


def test_issue_all_issues_only_what_is_ready(setup, bureau_admin, ent_a, enterprise_a, enterprise_b):
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    svc.objection_file(actor=ent_a, allocation=a, reasons="x", today=NOTICE)
    assert svc.issue_all(actor=bureau_admin, cycle=setup, today=AFTER) == (1, 0, 1)
    assert (_cea(enterprise_a), _cea(enterprise_b)) == (0, 102912)


def test_a_final_below_what_was_issued_takes_units_back(setup, bureau_admin, enterprise_a, enterprise_b):
    a = notified(setup, bureau_admin, enterprise_a, enterprise_b)
    svc.issue(actor=bureau_admin, allocation=a, today=AFTER)
    imported(bureau_admin, setup, enterprise_a, enterprise_b, final_a=2476300)
    svc.notify_all(actor=bureau_admin, cycle=setup, today=AFTER)
    a.refresh_from_db()
    svc.issue(actor=bureau_admin, allocation=a, today=date(2025, 12, 1))
    assert _cea(enterprise_a) == 2476300
    assert LedgerEntry.objects.filter(kind=EntryKind.FINAL_ALLOCATION, quantity=-3700).exists()


def test_an_enterprise_on_the_published_list_is_not_flagged(setup, bureau_admin, enterprise_a,
                                                            enterprise_b):
    from registry.models import KeyEmitterList, KeyEmitterListEntry

    key_list = KeyEmitterList.objects.create(year=2025, basis_year=2024, drafted_by=bureau_admin)
    KeyEmitterListEntry.objects.create(
        key_list=key_list, enterprise=enterprise_a, change="added", reason="emissions",
        emissions_tco2e=D("2500000"), enterprise_name=enterprise_a.name, uscc=enterprise_a.uscc,
        area=enterprise_a.area, sector=enterprise_a.sector,
    )
    KeyEmitterList.objects.filter(pk=key_list.pk).update(status="published")
    outcome = imported(bureau_admin, setup, enterprise_a, enterprise_b)
    assert outcome.not_listed == [enterprise_b.name]


# --- the pre-allocation check is activity-based (issue 9 §1, DOMAIN.md) ----------------------


def _gas_notice(a, *, pre, unit):
    return workbook([[a.uscc, a.name, "power_benchmark", pre, None, "宁环发〔2025〕1号", None]],
                    [[a.uscc, *unit]])


def test_domain_gas_example_through_the_import(setup, bureau_admin, enterprise_a):
    # DOMAIN.md: gas unit, 2024 output 1,000,000 MWh × 0.3288 (2025 benchmark) = 328,800 →
    # pre-allocation 230,160. The 2024 verified emissions (2,500,000 t) play no part: 70 % of
    # them (1,750,000) is what the portal computed before.
    PowerBenchmark.objects.create(year=2025, unit_class="gas", power_benchmark=D("0.3288"),
                                  heat_benchmark=D("0.0533"), source="test")
    gas = ["燃机", "gas", None, None, None, None, None, None, None,
           1000000, 950000, None, None, None]
    outcome = svc.allocation_import(actor=bureau_admin, cycle=setup, filename="n.xlsx",
                                    data=_gas_notice(enterprise_a, pre=230160, unit=gas))
    assert outcome.ok and outcome.differing == 0
    a = Allocation.objects.get()
    assert (a.pre_allocation, a.pre_allocation_check, a.pre_differs) == (230160, 230160, False)
    assert a.check_problem == ""
    # a notice of 70 % of last year's emissions now differs from the check value
    outcome = svc.allocation_import(actor=bureau_admin, cycle=setup, filename="n.xlsx",
                                    data=_gas_notice(enterprise_a, pre=1750000, unit=gas))
    a.refresh_from_db()
    assert (outcome.differing, a.pre_allocation_check, a.pre_differs) == (1, 230160, True)


def test_the_plan_decides_whether_generated_or_supplied_power_is_qe(
    setup, bureau_admin, enterprise_a, enterprise_b
):
    from allowances.services import parameters

    imported(bureau_admin, setup, enterprise_a, enterprise_b)
    a = Allocation.objects.get(enterprise=enterprise_a)
    assert (a.pre_allocation_check, a.computed) == (1670809, 2476300)  # generated
    plan = AllocationPlan.objects.get(year=2025)
    parameters.plan_update(actor=bureau_admin, plan=plan, data={"power_basis": "supplied"})
    assert svc.recheck_all(actor=bureau_admin, cycle=setup) == 1  # enterprise_a, both figures
    a.refresh_from_db()
    # 2024 supplied: 2,700,000 × 0.7910 + 900,000 × 0.1033 = 2,228,670 → 70 % = 1,560,069;
    # 2025 supplied: 2,800,000 × 0.7910 + 103,300 = 2,318,100 (shortfall 281,900 ≤ cap)
    assert (a.pre_allocation_check, a.computed) == (1560069, 2318100)
    assert a.pre_differs and a.differs


def test_missing_prior_year_data_is_a_problem_not_a_guess(setup, bureau_admin, enterprise_a,
                                                          enterprise_b):
    no_prior = [*UNIT_A[:9], None, None, None, None, None]
    imported(bureau_admin, setup, enterprise_a, enterprise_b, unit_a=no_prior)
    a = Allocation.objects.get(enterprise=enterprise_a)
    assert (a.pre_allocation_check, a.computed) == (None, 2476300)
    assert a.check_problem == (
        "No prior-year activity data for unit 1号机组: the pre-allocation check needs its "
        "power generated of 2024."
    )
    assert a.pre_allocation == PRE_A and not a.pre_differs


def test_inputs_stored_before_the_prior_year_columns_stay_readable(setup, bureau_admin,
                                                                   enterprise_a):
    # what the import stored before issue 9: supplied power only, no prior-year data
    a = Allocation.objects.create(
        cycle=setup, enterprise=enterprise_a, method="power_benchmark", pre_allocation=1750000,
        notified=2480000, inputs={"units": [{"name": "1号机组", "unit_class": "coal_large",
                                             "supplied_mwh": "3000000", "heat_gj": "1000000"}]},
    )
    svc.recheck_all(actor=bureau_admin, cycle=setup)
    a.refresh_from_db()
    assert (a.pre_allocation_check, a.computed) == (None, None)
    assert a.check_problem == (
        "No prior-year activity data for unit 1号机组: the pre-allocation check needs its "
        "power generated of 2024. Unit 1号机组 has no power generated figure for 2025."
    )
    AllocationPlan.objects.update(power_basis="supplied")  # an earlier plan: supplied counts
    svc.recheck_all(actor=bureau_admin, cycle=setup)
    a.refresh_from_db()
    assert (a.pre_allocation_check, a.computed) == (None, 2476300)


def test_no_plan_settings_for_the_year_is_a_problem(setup, bureau_admin, enterprise_a,
                                                    enterprise_b):
    AllocationPlan.objects.all().delete()
    imported(bureau_admin, setup, enterprise_a, enterprise_b)
    a = Allocation.objects.get(enterprise=enterprise_a)
    assert (a.pre_allocation_check, a.computed) == (None, None)
    assert a.check_problem.startswith("No allocation plan settings for 2025")
    b = Allocation.objects.get(enterprise=enterprise_b)  # intensity: no Qe to choose
    assert (b.computed, b.check_problem) == (102912, "")


def test_a_pre_allocation_notice_then_the_final_one_complete_each_other(
    setup, bureau_admin, enterprise_a, enterprise_b
):
    # April: the pre-allocation notice with last year's data only
    prior_only = [*UNIT_A[:2], None, None, None, None, None, None, None, *UNIT_A[9:]]
    april = workbook([[enterprise_a.uscc, "", "power_benchmark", PRE_A, None, "", ""]],
                     [[enterprise_a.uscc, *prior_only]])
    assert svc.allocation_import(actor=bureau_admin, cycle=setup, data=april, filename="a.xlsx").ok
    a = Allocation.objects.get()
    assert (a.pre_allocation_check, a.computed, a.check_problem) == (1670809, None, "")
    # July: the final notice with this year's data only; last year's stay
    this_year = [*UNIT_A[:9], None, None, None, None, None]
    july = workbook([[enterprise_a.uscc, "", "power_benchmark", None, 2480000, "", ""]],
                    [[enterprise_a.uscc, *this_year]])
    assert svc.allocation_import(actor=bureau_admin, cycle=setup, data=july, filename="j.xlsx").ok
    a.refresh_from_db()
    assert (a.pre_allocation_check, a.computed) == (1670809, 2476300)
    assert a.inputs["units"][0]["prior_generated_mwh"] == "2900000"


def test_intensity_pre_allocation_uses_the_prior_output(setup, bureau_admin, enterprise_b):
    # 2024 output 110,000 t clinker × 0.8576 (2025) = 94,336 → 70 % = 66,035.2 → 66,035
    unit = ["熟料线", None, None, None, None, None, "熟料", None, None,
            None, None, None, None, 110000]
    data = workbook([[enterprise_b.uscc, "", "intensity", 66035, None, "", ""]],
                    [[enterprise_b.uscc, *unit]])
    assert svc.allocation_import(actor=bureau_admin, cycle=setup, data=data, filename="b.xlsx").ok
    b = Allocation.objects.get()
    assert (b.pre_allocation_check, b.pre_differs, b.check_problem) == (66035, False, "")


def test_bad_prior_year_cells_are_named_and_nothing_is_saved(setup, bureau_admin, enterprise_a,
                                                             enterprise_b):
    bad = [*UNIT_A[:9], "二百万", None, "72", None, None]
    outcome = svc.allocation_import(actor=bureau_admin, cycle=setup, filename="x.xlsx",
                                    data=notice(enterprise_a, enterprise_b, unit_a=bad))
    assert [(e.sheet, e.row, e.header) for e in outcome.errors] == [
        ("机组", 2, "上年度发电量（MWh）"), ("机组", 2, "上年度负荷系数"),
    ]
    assert not Allocation.objects.exists()
