"""A credit year's workflow: open (with the rule set in force), freeze the provisional grades
and notify the subjects, publish the final grades once the objection window has closed and
every objection is decided. Each step locks the year's row: two admins cannot freeze or
publish the same year twice."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from credit import deadlines
from credit.choices import GradingStatus, ObjectionStatus, SubjectKind
from credit.models import CreditObjection, CreditYear, SubjectGrade
from credit.selectors import scoring
from zhongwei_carbon import events, notifications, roles, workdays
from zhongwei_carbon.models import Topic
from zhongwei_carbon.roles import Perm, Role


def _check_perm(actor, action) -> None:
    if not roles.has_perm(actor, action):
        raise PermissionDenied


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def card_json(card) -> dict:
    """A score card as stored on the grade (JSON: decimals and dates as strings)."""
    return dataclasses.asdict(card)


def _grade_fields(card) -> dict:
    return {"score": card.score, "grade": card.grade, "veto_kind": ",".join(card.vetoes),
            "card": card_json(card)}


def _lock(credit_year: CreditYear) -> CreditYear:
    return (CreditYear.objects.select_for_update(no_key=True, of=("self",))
            .select_related("rule_set").get(pk=credit_year.pk))


# --- open ---------------------------------------------------------------------------------

def open_year_check(*, actor, year: int) -> object:
    """The rule set the year will be scored with; refuses a year already open or without a
    published rule set in force."""
    _check_perm(actor, Perm.MANAGE_CREDIT_YEAR)
    if not year or year < 2013 or year > 2100:
        raise ValidationError({"year": _("Enter a year between 2013 and 2100.")})
    if CreditYear.objects.filter(year=year).exists():
        raise ValidationError({"year": _("The credit evaluation of %(year)s is already open.")
                               % {"year": year}})
    rule_set = scoring.rule_set_in_force(year)
    if rule_set is None:
        raise ValidationError({"year": _(
            "No published rule set is in force for %(year)s: publish one that takes effect "
            "in or before that year first.") % {"year": year}})
    return rule_set


@transaction.atomic
def open_year(*, actor, year: int) -> CreditYear:
    rule_set = open_year_check(actor=actor, year=year)
    credit_year = CreditYear(year=year, rule_set=rule_set)
    credit_year.full_clean()
    credit_year.save()
    events.record(actor=actor, verb="credit.year_opened", target=credit_year,
                  message=_("Credit evaluation of %(year)s opened with the rule set %(version)s.")
                  % {"year": year, "version": rule_set.version},
                  data={"rule_set": rule_set.pk})
    return credit_year


# --- freeze -------------------------------------------------------------------------------

def freeze_check(*, actor, credit_year: CreditYear, today: date | None = None) -> dict:
    """What freezing will do (nothing written): how many subjects and the window's end."""
    _check_perm(actor, Perm.MANAGE_CREDIT_YEAR)
    if credit_year.status != GradingStatus.OPEN:
        raise ValidationError(_("The provisional grades of %(year)s are already frozen.")
                              % {"year": credit_year.year})
    today = _today(today)
    keys = scoring.subjects_of_year(credit_year.year)
    # the set in force when the grades are frozen (one published since the year was opened,
    # taking effect in or before it, replaces the one recorded at the opening)
    rule_set = scoring.rule_set_in_force(credit_year.year) or credit_year.rule_set
    return {
        "subjects": len(keys), "keys": keys, "rule_set": rule_set,
        "objections_until": workdays.deadline(today, deadlines.OBJECTION_WINDOW_WORKING_DAYS),
    }


def subject_users(keys) -> dict:
    """The active enterprise users and agency staff of each subject key (one query)."""
    from accounts.models import Membership

    ents = [k.pk for k in keys if k.kind == SubjectKind.ENTERPRISE]
    agencies = [k.pk for k in keys if k.kind == SubjectKind.AGENCY]
    out = defaultdict(list)
    if not ents and not agencies:
        return out
    rows = (Membership.objects.filter(is_active=True, user__is_active=True,
                                      role__in=[Role.ENTERPRISE_USER, Role.AGENCY_STAFF])
            .filter(Q(enterprise_id__in=ents) | Q(agency_id__in=agencies))
            .select_related("user"))
    for m in rows:
        if m.role == Role.ENTERPRISE_USER and m.enterprise_id:
            out[scoring.SubjectKey(SubjectKind.ENTERPRISE, m.enterprise_id)].append(m.user)
        elif m.role == Role.AGENCY_STAFF and m.agency_id:
            out[scoring.SubjectKey(SubjectKind.AGENCY, m.agency_id)].append(m.user)
    return out


@transaction.atomic
def freeze(*, actor, credit_year: CreditYear, today: date | None = None) -> int:
    """Compute every subject's card with the year's rule set, store it as the provisional
    grade (the grade notified), open the objection window and notify each subject's users.
    Returns the number of grades."""
    credit_year = _lock(credit_year)
    summary = freeze_check(actor=actor, credit_year=credit_year, today=today)
    year = credit_year.year
    keys = summary["keys"]
    credit_year.rule_set = summary["rule_set"]
    cards = scoring.cards_of_year(year, keys, rule_set=credit_year.rule_set)
    grades = []
    for key in keys:
        card = cards[key]
        grades.append(SubjectGrade(
            credit_year=credit_year, subject_kind=key.kind,
            enterprise_id=key.pk if key.kind == SubjectKind.ENTERPRISE else None,
            agency_id=key.pk if key.kind == SubjectKind.AGENCY else None,
            notified_grade=card.grade, **_grade_fields(card),
        ))
    bulk_create_with_history(grades, SubjectGrade, batch_size=500, default_user=actor)
    credit_year.status = GradingStatus.PROVISIONAL
    credit_year.frozen_at = timezone.now()
    credit_year.frozen_by = actor
    credit_year.objections_until = summary["objections_until"]
    credit_year.full_clean()
    credit_year.save()
    events.record(actor=actor, verb="credit.year_frozen", target=credit_year,
                  message=_("Provisional grades of %(year)s frozen for %(n)s subjects; "
                            "objections until %(date)s.")
                  % {"year": year, "n": len(grades),
                     "date": credit_year.objections_until.isoformat()},
                  data={"subjects": len(grades), "rule_set": credit_year.rule_set.version})
    _notify_subjects(credit_year, credit_year.grades.all(), final=False)
    return len(grades)


def _notify_subjects(credit_year, grades, *, final: bool) -> None:
    """Each subject's users hear of its grade (they wait for it: a notice, not a to-do),
    with a link to the grade's score card."""
    grades = list(grades)
    users = subject_users([scoring.key_of(g) for g in grades])
    for grade in grades:
        recipients = users.get(scoring.key_of(grade), [])
        if not recipients:
            continue
        grade_label = str(dict(SubjectGrade._meta.get_field("grade").choices)[grade.grade])
        if final:
            subject = _("Final credit grade %(year)s: %(grade)s") % {
                "year": credit_year.year, "grade": grade_label}
            body = _("The bureau published the final credit grades of %(year)s "
                     "(document %(doc)s). Your grade: %(grade)s, score %(score)s.") % {
                "year": credit_year.year, "doc": credit_year.document_number,
                "grade": grade_label, "score": grade.score}
        else:
            subject = _("Provisional credit grade %(year)s: %(grade)s") % {
                "year": credit_year.year, "grade": grade_label}
            body = _("Your provisional credit grade of %(year)s is %(grade)s (score %(score)s). "
                     "You may object to any of its events until %(date)s.") % {
                "year": credit_year.year, "grade": grade_label, "score": grade.score,
                "date": credit_year.objections_until.isoformat()}
        kind = "final" if final else "provisional"
        notifications.notify(recipients=recipients, key=f"credit-{kind}:{credit_year.year}:{grade.pk}",
                             subject=subject, body=body, topic=Topic.CREDIT, obj=grade,
                             link=reverse("credit:grade_detail", kwargs={"pk": grade.pk}))


# --- publish ------------------------------------------------------------------------------

def publish_blocker(credit_year: CreditYear, today: date) -> str | None:
    """Why the final grades cannot be published yet, or ``None``."""
    if credit_year.status == GradingStatus.OPEN:
        return _("Freeze the provisional grades first.")
    if credit_year.status == GradingStatus.FINAL:
        return _("The final grades of %(year)s are already published.") % {
            "year": credit_year.year}
    if today <= credit_year.objections_until:
        return _("The objection window is open until %(date)s: publish after it closes.") % {
            "date": credit_year.objections_until.isoformat()}
    pending = CreditObjection.objects.filter(grade__credit_year=credit_year,
                                             status=ObjectionStatus.PENDING).count()
    if pending:
        return _("%(n)s objection(s) are not decided yet: decide them before publishing.") % {
            "n": pending}
    return None


def publish_check(*, actor, credit_year: CreditYear, document_number: str,
                  today: date | None = None) -> dict:
    _check_perm(actor, Perm.MANAGE_CREDIT_YEAR)
    blocker = publish_blocker(credit_year, _today(today))
    if blocker:
        raise ValidationError(blocker)
    if not (document_number or "").strip():
        raise ValidationError({"document_number": _(
            "Enter the number of the document that publishes the grades.")})
    return {"grades": credit_year.grades.count()}


@transaction.atomic
def publish(*, actor, credit_year: CreditYear, document_number: str,
            today: date | None = None) -> CreditYear:
    """Publish the final grades (the grades as they stand after the objections) and notify
    every subject."""
    credit_year = _lock(credit_year)
    publish_check(actor=actor, credit_year=credit_year, document_number=document_number,
                  today=today)
    credit_year.status = GradingStatus.FINAL
    credit_year.published_at = timezone.now()
    credit_year.published_by = actor
    credit_year.document_number = document_number.strip()
    credit_year.full_clean()
    credit_year.save()
    events.record(actor=actor, verb="credit.year_published", target=credit_year,
                  message=_("Final grades of %(year)s published (%(doc)s).")
                  % {"year": credit_year.year, "doc": credit_year.document_number})
    _notify_subjects(credit_year, credit_year.grades.all(), final=True)
    return credit_year


# --- recompute one grade (an objection upheld) --------------------------------------------

def recompute(grade: SubjectGrade) -> SubjectGrade:
    """The grade's card again from the events in force, with the year's rule set (the caller
    holds the lock); the change is kept in the grade's history."""
    credit_year = grade.credit_year
    card = scoring.card_of(grade.subject, credit_year.year, rule_set=credit_year.rule_set)
    for name, value in _grade_fields(card).items():
        setattr(grade, name, value)
    grade.full_clean()
    grade.save()
    return grade
