"""The credit demo: 2024 published with grades of every colour for key emitters and red and
yellow agencies, ent1's objection upheld, a repair waiting, 2025 open with a manual event
waiting for a second admin; a second run adds nothing."""

import pytest

from credit import demo_seed
from credit.choices import EventStatus, GradingStatus, ObjectionStatus, RepairStatus, RuleSetStatus
from credit.models import (
    CreditEvent,
    CreditObjection,
    CreditYear,
    RepairApplication,
    RuleSet,
    SubjectGrade,
)
from tests import factories as f
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_seed(bureau_admin, area_a, agency_a, agency_b):
    enterprises = [f.EnterpriseFactory(area=area_a) for _ in range(8)]
    f.listed(2024, *enterprises)
    f.listed(2025, *enterprises)
    ent1 = f.make_member("ent1", Role.ENTERPRISE_USER, enterprise=enterprises[3])

    demo_seed.seed(actor=bureau_admin)

    assert set(RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED)
               .values_list("version", "effective_year")) == {("2024-1", 2024), ("2025-1", 2025)}
    final = CreditYear.objects.get(year=2024)
    assert final.status == GradingStatus.FINAL and final.document_number
    assert CreditYear.objects.get(year=2025).status == GradingStatus.OPEN
    grades = SubjectGrade.objects.filter(credit_year=final)
    assert set(grades.filter(subject_kind="enterprise").values_list("grade", flat=True)) == {
        "green", "blue", "yellow", "red"}
    assert set(grades.filter(subject_kind="agency").values_list("grade", flat=True)) >= {
        "red", "yellow"}
    objection = CreditObjection.objects.get()
    assert objection.filed_by == ent1 and objection.status == ObjectionStatus.UPHELD
    assert objection.event.status == EventStatus.VOIDED
    own = grades.get(enterprise=enterprises[3])
    assert own.grade == "blue" and objection.event_id not in {
        line["event_id"] for line in own.card["lines"] if line["points"]}
    repair = RepairApplication.objects.get()
    assert repair.filed_by == ent1 and repair.status == RepairStatus.PENDING
    pending = CreditEvent.objects.get(status=EventStatus.PENDING)
    assert pending.year == 2025 and pending.recorded_by == bureau_admin

    counts = (CreditEvent.objects.count(), SubjectGrade.objects.count())
    demo_seed.seed(actor=bureau_admin)
    assert (CreditEvent.objects.count(), SubjectGrade.objects.count()) == counts
