"""A credit year: opened with the rule set in force, provisional grades frozen and notified,
final grades published once the window has closed and every objection is decided."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from credit.choices import EventKind, Grade, GradingStatus, ObjectionStatus
from credit.models import CreditObjection, CreditYear, SubjectGrade
from credit.services import grading
from tests import factories as f
from tests.conftest import client_for
from tests.credit import helpers as h
from zhongwei_carbon import workdays
from zhongwei_carbon.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the portal's default language is Chinese)."""
    with translation.override("en"):
        yield


def test_a_year_cannot_be_opened_without_a_published_rule_set(bureau_admin):
    h.rule_set(2026, "2026-draft", published=False)
    with pytest.raises(ValidationError, match="No published rule set"):
        grading.open_year(actor=bureau_admin, year=2025)
    assert not CreditYear.objects.exists()


def test_a_year_is_opened_with_the_set_in_force_once(bureau_admin, bureau_reviewer):
    rs = h.rule_set(2024)
    with pytest.raises(PermissionDenied):
        grading.open_year(actor=bureau_reviewer, year=2025)
    cy = grading.open_year(actor=bureau_admin, year=2025)
    assert cy.rule_set == rs and cy.status == GradingStatus.OPEN
    with pytest.raises(ValidationError, match="already open"):
        grading.open_year(actor=bureau_admin, year=2025)


def test_freezing_grades_every_subject_and_notifies_it(bureau_admin, enterprise_a, ent_a,
                                                        agency_a, agency_a_staff):
    h.rule_set(2024)
    h.event(enterprise_a)
    h.event(enterprise_a, kind=EventKind.VIOLATION_ART22, on=date(2025, 6, 1))
    h.event(agency_a, kind=EventKind.VIOLATION_ART23)
    cy = grading.open_year(actor=bureau_admin, year=2025)
    today = date(2026, 3, 2)
    assert grading.freeze(actor=bureau_admin, credit_year=cy, today=today) == 2
    cy.refresh_from_db()
    assert cy.status == GradingStatus.PROVISIONAL
    assert cy.objections_until == workdays.deadline(today, 10) == date(2026, 3, 16)
    ent = SubjectGrade.objects.get(enterprise=enterprise_a)
    assert (ent.score, ent.grade, ent.notified_grade) == (D("60"), Grade.RED, Grade.RED)
    assert ent.veto_kind == EventKind.VIOLATION_ART22
    assert [line["points"] for line in ent.card["lines"]] == ["-10.0", "-30.0"]
    assert SubjectGrade.objects.get(agency=agency_a).grade == Grade.YELLOW  # 100 − 40
    note = Notification.objects.get(recipient=ent_a)
    assert "2026-03-16" in note.body and "2025" in note.subject
    assert Notification.objects.filter(recipient=agency_a_staff).count() == 1
    assert ent.history.count() == 1


def test_freezing_takes_the_same_queries_for_more_subjects(bureau_admin):
    h.rule_set(2024)
    counts = []
    for year, n in ((2025, 2), (2026, 8)):
        for ent in f.EnterpriseFactory.create_batch(n):
            h.event(ent, year=year)
        cy = grading.open_year(actor=bureau_admin, year=year)
        with CaptureQueriesContext(connection) as ctx:
            grading.freeze(actor=bureau_admin, credit_year=cy, today=date(year + 1, 3, 2))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_a_year_is_frozen_once(bureau_admin, enterprise_a):
    h.rule_set(2024)
    h.event(enterprise_a)
    cy = grading.open_year(actor=bureau_admin, year=2025)
    grading.freeze(actor=bureau_admin, credit_year=cy)
    with pytest.raises(ValidationError, match="already frozen"):
        grading.freeze(actor=bureau_admin, credit_year=cy)
    assert SubjectGrade.objects.count() == 1


def _provisional(bureau_admin, enterprise_a, today=date(2026, 3, 2)):
    h.rule_set(2024)
    ev = h.event(enterprise_a)
    cy = grading.open_year(actor=bureau_admin, year=2025)
    grading.freeze(actor=bureau_admin, credit_year=cy, today=today)
    cy.refresh_from_db()
    return cy, ev


def test_publishing_waits_for_the_window_and_the_objections(bureau_admin, enterprise_a, ent_a):
    cy, ev = _provisional(bureau_admin, enterprise_a)
    after = cy.objections_until + timedelta(days=1)
    with pytest.raises(ValidationError, match="open until"):
        grading.publish(actor=bureau_admin, credit_year=cy, document_number="X", today=
                        cy.objections_until)
    objection = CreditObjection.objects.create(
        grade=SubjectGrade.objects.get(), event=ev, reasons="r", filed_by=ent_a,
        decision_due=after)
    with pytest.raises(ValidationError, match="not decided"):
        grading.publish(actor=bureau_admin, credit_year=cy, document_number="X", today=after)
    CreditObjection.objects.filter(pk=objection.pk).update(status=ObjectionStatus.DISMISSED)
    with pytest.raises(ValidationError) as exc:
        grading.publish(actor=bureau_admin, credit_year=cy, document_number=" ", today=after)
    assert "document_number" in exc.value.message_dict
    cy.refresh_from_db()
    assert cy.status == GradingStatus.PROVISIONAL
    grading.publish(actor=bureau_admin, credit_year=cy, document_number="中环发〔2026〕9号",
                    today=after)
    cy.refresh_from_db()
    assert cy.status == GradingStatus.FINAL and cy.document_number == "中环发〔2026〕9号"
    assert Notification.objects.filter(recipient=ent_a, key__startswith="credit-final:2025:").exists()
    with pytest.raises(ValidationError, match="already published"):
        grading.publish(actor=bureau_admin, credit_year=cy, document_number="Y", today=after)


# --- pages ---

def test_the_bureau_opens_freezes_and_publishes_in_the_browser(bureau_admin, enterprise_a,
                                                                ent_a):
    h.rule_set(2024)
    h.event(enterprise_a)
    admin = client_for(bureau_admin)
    response = admin.post(reverse("credit:year_open"), {"year": 2025})
    assert response.status_code == 302
    url = reverse("credit:year_freeze", args=[2025])
    page = admin.post(url, {"freeze": "on"})
    assert page.status_code == 200 and b'value="confirm"' in page.content  # confirmation
    assert not SubjectGrade.objects.exists()
    admin.post(url, {"freeze": "on", "step": "confirm"})
    cy = CreditYear.objects.get()
    assert cy.status == GradingStatus.PROVISIONAL and SubjectGrade.objects.count() == 1
    detail = admin.get(reverse("credit:year_detail", args=[2025])).content.decode()
    assert cy.objections_until.isoformat() in detail
    # publishing before the window closes: the form again with the reason, nothing changed
    publish = reverse("credit:year_publish", args=[2025])
    page = admin.post(publish, {"document_number": "中环发〔2026〕9号"})
    assert page.status_code == 200
    cy.refresh_from_db()
    assert cy.status == GradingStatus.PROVISIONAL
    CreditYear.objects.filter(pk=cy.pk).update(objections_until=date(2026, 1, 5))
    page = admin.post(publish, {"document_number": "中环发〔2026〕9号"})
    assert "中环发〔2026〕9号" in page.content.decode()
    admin.post(publish, {"document_number": "中环发〔2026〕9号", "step": "confirm"})
    cy.refresh_from_db()
    assert cy.status == GradingStatus.FINAL


def test_the_year_page_names_what_is_left_to_do(bureau_admin, enterprise_a, ent_a):
    cy, grades = h.frozen_year(subjects=[enterprise_a])
    ev = h.event(enterprise_a)
    CreditObjection.objects.create(grade=grades[enterprise_a], event=ev, reasons="r",
                                   filed_by=ent_a, decision_due=date(2026, 1, 10))
    page = client_for(bureau_admin).get(reverse("credit:year_detail", args=[2025]))
    assert enterprise_a.name in page.content.decode()


def test_grades_are_read_within_the_area(enterprise_a, enterprise_b, official_a, official_b,
                                         ent_b):
    cy, grades = h.frozen_year(subjects=[enterprise_a, enterprise_b])
    page = client_for(official_a).get(reverse("credit:year_grades", args=[2025]))
    body = page.content.decode()
    assert enterprise_a.name in body and enterprise_b.name not in body
    url = reverse("credit:grade_detail", args=[grades[enterprise_a].pk])
    assert client_for(official_a).get(url).status_code == 200
    assert client_for(official_b).get(url).status_code == 404
    assert client_for(ent_b).get(url).status_code == 404  # another enterprise's grade


def test_the_subjects_own_page(enterprise_a, ent_a):
    h.rule_set(2024)
    ev = h.event(enterprise_a, summary="2025年报逾期")
    cy, grades = h.frozen_year(subjects=[enterprise_a])
    body = client_for(ent_a).get(reverse("credit:my_credit")).content.decode()
    assert reverse("credit:grade_detail", args=[grades[enterprise_a].pk]) in body
    # the events of the provisional card, each with its objection button in the window
    assert reverse("credit:objection_new", args=[grades[enterprise_a].pk, ev.pk]) in body
    card = client_for(ent_a).get(reverse("credit:grade_detail",
                                         args=[grades[enterprise_a].pk])).content.decode()
    assert reverse("credit:objection_new", args=[grades[enterprise_a].pk, ev.pk]) in card
    cy.objections_until = date(2026, 1, 1)
    cy.save()
    body = client_for(ent_a).get(reverse("credit:my_credit")).content.decode()
    assert reverse("credit:objection_new", args=[grades[enterprise_a].pk, ev.pk]) not in body


def test_the_menu_leads_each_role_to_the_latest_frozen_grades(enterprise_a, official_a,
                                                              bureau_admin):
    h.rule_set(2024)
    empty = client_for(official_a).get(reverse("credit:grade_index"))
    assert empty.status_code == 200
    h.frozen_year(2025, subjects=[enterprise_a])
    CreditYear.objects.create(year=2026, rule_set=CreditYear.objects.get().rule_set)  # open
    response = client_for(official_a).get(reverse("credit:grade_index"))
    assert response.url == reverse("credit:year_grades", args=[2025])
    home = client_for(bureau_admin).get(reverse("credit:year_list")).content.decode()
    assert reverse("credit:objection_list") in home and reverse("credit:repair_list") in home


def test_the_grades_are_frozen_with_the_set_in_force_at_freezing(bureau_admin, enterprise_a):
    h.rule_set(2024)
    h.event(enterprise_a)
    cy = grading.open_year(actor=bureau_admin, year=2025)
    newer = h.rule_set(2025, "2025-2")  # "2025-1" is the default draft of the migration
    grading.freeze(actor=bureau_admin, credit_year=cy, today=date(2026, 3, 2))
    cy.refresh_from_db()
    assert cy.rule_set == newer
    assert SubjectGrade.objects.get().card["version"] == "2025-2"
