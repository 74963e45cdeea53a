"""Two admins at once: a year is frozen once and published once (the year's row is locked),
an event is objected to once (PostgreSQL, each thread on its own connection)."""

from datetime import date

import pytest

from credit.choices import GradingStatus
from credit.models import CreditObjection, CreditYear, SubjectGrade
from credit.services import grading
from credit.services import objections as objection_svc
from tests import factories as f
from tests.allowances.test_concurrency import run_at_once
from tests.credit import helpers as h
from zhongwei_carbon.models import Event, Notification
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 6


@pytest.fixture
def admins():
    return [f.make_member(f"credit_admin{i}", Role.BUREAU_ADMIN) for i in range(THREADS)]


def test_a_year_is_frozen_once_and_published_once(admins):
    h.rule_set(2024)
    ents = f.EnterpriseFactory.create_batch(5)
    for ent in ents:
        h.event(ent)
    user = f.make_member("credit_ent", Role.ENTERPRISE_USER, enterprise=ents[0])
    cy = grading.open_year(actor=admins[0], year=2025)
    outcomes = run_at_once([
        (lambda a=a: grading.freeze(actor=a, credit_year=cy, today=date(2026, 3, 2)))
        for a in admins])
    assert outcomes == {"ok": 1, "refused": THREADS - 1}
    assert SubjectGrade.objects.count() == 5
    assert Notification.objects.filter(recipient=user).count() == 1
    outcomes = run_at_once([
        (lambda a=a: grading.publish(actor=a, credit_year=cy, document_number="中环发〔2026〕9号",
                                     today=date(2026, 4, 1)))
        for a in admins])
    assert outcomes == {"ok": 1, "refused": THREADS - 1}
    assert CreditYear.objects.get().status == GradingStatus.FINAL
    assert Event.objects.filter(verb="credit.year_published").count() == 1


def test_an_event_is_objected_to_once():
    h.rule_set(2024)
    ent = f.EnterpriseFactory()
    ev = h.event(ent)
    users = [f.make_member(f"credit_ent{i}", Role.ENTERPRISE_USER, enterprise=ent)
             for i in range(THREADS)]
    cy, grades = h.frozen_year(subjects=[ent], until=date(2026, 3, 16))
    outcomes = run_at_once([
        (lambda u=u: objection_svc.file_objection(actor=u, grade=grades[ent], event=ev,
                                                  reasons="有误", today=date(2026, 3, 2)))
        for u in users])
    assert outcomes == {"ok": 1, "refused": THREADS - 1}
    assert CreditObjection.objects.count() == 1
