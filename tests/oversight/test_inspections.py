"""Inspections: the drawn inspectors record the checklist and findings with evidence, conclude;
rectification is answered by the inspected enterprise and accepted or returned; an overdue
rectification is reported once; inspections outside a plan record their trigger."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from oversight.models import Evidence, Finding, Inspection, Rectification
from oversight.services import inspections as services
from oversight.services import plans as plan_services
from oversight.services import rectification as rect_services
from tests.oversight.conftest import PLAN_START
from zhongwei_carbon import events
from zhongwei_carbon.models import CalendarDay, Event

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 evidence"


def pdf(name="scan.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def published(world, plan):
    admin = world["bureau_admin"]
    plan_services.plan_draw(actor=admin, plan=plan, seed=7)
    plan_services.plan_publish(actor=admin, plan=plan)
    return plan


def _inspection_of(world, user_key, kind="enterprise"):
    """A published inspection of ``kind`` that the persona ``user_key`` is drawn for."""
    user = world[user_key]
    return Inspection.objects.filter(
        plan__isnull=False, target_kind=kind, inspectors__inspector__user=user
    ).first()


@pytest.fixture
def ready(world, published):
    """An enterprise inspection with its drawn inspector, date and checklist recorded."""
    for key in ("bureau_reviewer", "official_a", "official_b"):
        inspection = _inspection_of(world, key)
        if inspection is not None and inspection.enterprise_id:
            break
    user = world[key]
    results = {c.pk: ("ok", "") for c in inspection.checks.all()}
    services.inspection_record(actor=user, inspection=inspection, inspected_on=PLAN_START,
                               results=results)
    inspection.refresh_from_db()
    return inspection, user


def _enterprise_user(world, inspection):
    from tests import factories as f
    from zhongwei_carbon.roles import Role

    return f.make_member(f"ent-{inspection.enterprise_id}", Role.ENTERPRISE_USER,
                         enterprise=inspection.enterprise)


def test_only_the_drawn_inspectors_may_record(world, published):
    inspection = Inspection.objects.filter(target_kind="enterprise").first()
    drawn = {i.inspector.user_id for i in inspection.inspectors.all()}
    outsider = next(world[k] for k in ("bureau_admin", "bureau_reviewer", "official_a",
                                       "official_b") if world[k].pk not in drawn)
    with pytest.raises(PermissionDenied):
        services.inspection_record(actor=outsider, inspection=inspection,
                                   inspected_on=PLAN_START)
    inspection.refresh_from_db()
    assert inspection.inspected_on is None


def test_an_inspection_date_outside_the_plan_or_in_the_future_is_refused(ready):
    inspection, user = ready
    for day in (PLAN_START - timedelta(days=1), timezone.localdate() + timedelta(days=1)):
        with pytest.raises(ValidationError) as exc:
            services.inspection_record(actor=user, inspection=inspection, inspected_on=day)
        assert "inspected_on" in exc.value.message_dict
    inspection.refresh_from_db()
    assert inspection.inspected_on == PLAN_START


def test_a_problem_needs_words(ready):
    inspection, user = ready
    check = inspection.checks.first()
    with pytest.raises(ValidationError):
        services.inspection_record(actor=user, inspection=inspection,
                                   results={check.pk: ("problem", "")})
    check.refresh_from_db()
    assert check.result == "ok"


def test_finding_with_evidence_files_stored_under_generated_names(ready):
    inspection, user = ready
    finding = services.finding_add(actor=user, inspection=inspection, text="电表超期未检定",
                                   check=inspection.checks.first(),
                                   files=[pdf("../../etc/passwd.pdf.exe")])
    evidence = Evidence.objects.get(finding=finding)
    assert evidence.file.name.endswith(".pdf") and "passwd" not in evidence.file.name
    assert evidence.original_name == "passwd.pdf"  # the stem, with the type it really is
    assert Event.objects.filter(verb="inspection.finding_added").exists()


def test_a_file_that_is_no_document_is_refused_and_nothing_is_kept(ready):
    inspection, user = ready
    with pytest.raises(ValidationError) as exc:
        services.finding_add(actor=user, inspection=inspection, text="x",
                             files=[pdf(), pdf("evil.pdf", b"MZ\x90\x00 not a pdf")])
    assert "files" in exc.value.message_dict
    assert not Finding.objects.exists() and not Evidence.objects.exists()


def test_conclusion_needs_a_complete_record(world, published):
    inspection = Inspection.objects.filter(
        target_kind="enterprise", inspectors__inspector__user__isnull=False).first()
    user = inspection.inspectors.filter(inspector__user__isnull=False).first().inspector.user
    with pytest.raises(ValidationError) as exc:
        services.inspection_conclude(actor=user, inspection=inspection,
                                     conclusion="no_problem", note="良好")
    assert "conclusion" in exc.value.message_dict
    inspection.refresh_from_db()
    assert inspection.status == "open" and inspection.conclusion == ""


def test_no_problem_closes_and_publishes_the_event(ready, django_capture_on_commit_callbacks):
    inspection, user = ready
    heard = []
    events.subscribe("inspection.concluded")(lambda **kw: heard.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        services.inspection_conclude(actor=user, inspection=inspection,
                                     conclusion="no_problem", note="台账完整，未发现问题")
    inspection.refresh_from_db()
    assert (inspection.status, inspection.conclusion) == ("closed", "no_problem")
    assert heard and heard[-1]["inspection_id"] == inspection.pk
    assert heard[-1]["conclusion"] == "no_problem"
    with pytest.raises(ValidationError):  # concluded once
        services.finding_add(actor=user, inspection=inspection, text="late")


def test_no_problem_is_refused_when_a_point_shows_one(ready):
    inspection, user = ready
    check = inspection.checks.first()
    services.inspection_record(actor=user, inspection=inspection,
                               results={check.pk: ("problem", "缺少化验记录")})
    with pytest.raises(ValidationError):
        services.inspection_conclude(actor=user, inspection=inspection,
                                     conclusion="no_problem", note="x")


def _rectify(inspection, user, days=5):
    services.finding_add(actor=user, inspection=inspection, text="燃料化验记录缺失",
                         files=[pdf()])
    return services.inspection_conclude(
        actor=user, inspection=inspection, conclusion="rectify", note="责令改正",
        requirements="补齐2025年燃料化验记录", working_days=days,
    )


def test_rectify_sets_a_working_day_deadline(ready):
    inspection, user = ready
    CalendarDay.objects.create(date=date(2026, 5, 1), kind="holiday")
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 4, 29)):
        _rectify(inspection, user, days=3)
    rectification = Rectification.objects.get(inspection=inspection)
    # Wed 29 Apr: Thu 30 (1), Fri 1 May holiday, Mon 4 (2), Tue 5 (3)
    assert rectification.deadline == date(2026, 5, 5)
    inspection.refresh_from_db()
    assert inspection.status == "rectifying"


def test_rectification_answered_returned_answered_accepted(
    world, ready, django_capture_on_commit_callbacks
):
    from zhongwei_carbon.models import Notification

    inspection, user = ready
    _rectify(inspection, user)
    rectification = inspection.rectification
    ent = _enterprise_user(world, inspection)
    with pytest.raises(ValidationError) as exc:  # evidence is required
        rect_services.rectification_answer(actor=ent, rectification=rectification, text="已补齐")
    assert "files" in exc.value.message_dict
    rect_services.rectification_answer(actor=ent, rectification=rectification, text="已补齐",
                                       files=[pdf()])
    with pytest.raises(ValidationError):  # a return needs a reason
        rect_services.rectification_review(actor=user, rectification=rectification, accept=False)
    with django_capture_on_commit_callbacks(execute=True):
        rect_services.rectification_review(actor=user, rectification=rectification,
                                           accept=False, note="缺少第三季度")
    rectification.refresh_from_db()
    assert rectification.status == "pending"
    # the enterprise learns which inspection, why, and by when (never only "returned")
    notice = Notification.objects.filter(recipient=ent).order_by("-pk").first()
    assert inspection.target_name in notice.subject and "缺少第三季度" in notice.subject
    assert rectification.deadline.isoformat() in notice.subject
    rect_services.rectification_answer(actor=ent, rectification=rectification, text="补第三季度",
                                       files=[pdf()])
    rect_services.rectification_review(actor=user, rectification=rectification, accept=True)
    rectification.refresh_from_db()
    inspection.refresh_from_db()
    assert rectification.status == "accepted" and inspection.status == "closed"
    assert [a.decision for a in rectification.answers.order_by("pk")] == ["returned", "accepted"]


def test_another_enterprise_cannot_answer(world, ready):
    inspection, user = ready
    _rectify(inspection, user)
    other = next(e for e in world["enterprises"] if e.pk != inspection.enterprise_id)
    from tests import factories as f
    from zhongwei_carbon.roles import Role

    stranger = f.make_member("stranger", Role.ENTERPRISE_USER, enterprise=other)
    with pytest.raises(PermissionDenied):
        rect_services.rectification_answer(actor=stranger, rectification=inspection.rectification,
                                           text="x", files=[pdf()])
    assert not inspection.rectification.answers.exists()


def test_overdue_is_reported_once(world, ready, django_capture_on_commit_callbacks):
    inspection, user = ready
    _rectify(inspection, user)
    rectification = inspection.rectification
    heard = []
    events.subscribe("rectification.overdue")(lambda **kw: heard.append(kw))
    on_deadline = rectification.deadline
    assert rect_services.rectifications_report_overdue(today=on_deadline) == []
    later = on_deadline + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert rect_services.rectifications_report_overdue(today=later) == [rectification.pk]
        assert rect_services.rectifications_report_overdue(today=later) == []
    assert [h["rectification_id"] for h in heard] == [rectification.pk]
    assert Event.objects.filter(verb="rectification.overdue").count() == 1


def test_an_answered_rectification_is_not_overdue(world, ready):
    inspection, user = ready
    _rectify(inspection, user)
    rect_services.rectification_answer(actor=_enterprise_user(world, inspection),
                                       rectification=inspection.rectification, text="已补齐",
                                       files=[pdf()])
    later = inspection.rectification.deadline + timedelta(days=10)
    assert rect_services.rectifications_report_overdue(today=later) == []


def test_open_an_inspection_outside_a_plan(world):
    admin, inspectors = world["bureau_admin"], world["inspectors"]
    inspection = services.inspection_open(
        actor=admin, trigger="data_anomaly", trigger_note="报告与台账偏差12%",
        inspectors=[inspectors["reviewer"], inspectors["expert_x"]],
        enterprise=world["enterprise_a"],
    )
    assert inspection.plan is None and inspection.area == world["enterprise_a"].area
    assert inspection.checks.count() == 5


@pytest.mark.parametrize("overrides, field", [
    ({"trigger": "plan"}, "trigger"),
    ({"trigger_note": " "}, "trigger_note"),
    ({"enterprise": None}, "enterprise"),
    ({"inspectors": "one"}, "inspectors"),
])
def test_opening_outside_a_plan_refuses_bad_input(world, overrides, field):
    inspectors = world["inspectors"]
    data = dict(trigger="complaint", trigger_note="举报", enterprise=world["enterprise_a"],
                inspectors=[inspectors["reviewer"], inspectors["expert_x"]])
    data.update(overrides)
    if data["inspectors"] == "one":
        data["inspectors"] = [inspectors["reviewer"]]
    with pytest.raises(ValidationError) as exc:
        services.inspection_open(actor=world["bureau_admin"], **data)
    assert field in exc.value.message_dict
    assert not Inspection.objects.exists()


def test_a_declared_conflict_blocks_an_inspector_outside_a_plan(world):
    from oversight.services import inspectors as inspector_services

    admin, inspectors = world["bureau_admin"], world["inspectors"]
    inspector_services.conflict_declare(actor=admin, inspector=inspectors["expert_x"],
                                        enterprise=world["enterprise_a"], reason="亲属任职")
    with pytest.raises(ValidationError) as exc:
        services.inspection_open(actor=admin, trigger="complaint", trigger_note="举报",
                                 enterprise=world["enterprise_a"],
                                 inspectors=[inspectors["reviewer"], inspectors["expert_x"]])
    assert "专家甲" in exc.value.message_dict["inspectors"][0]


def test_who_is_notified(world, plan, django_capture_on_commit_callbacks):
    """Publication tells each drawn inspector with an account; a conclusion tells the
    inspected enterprise; an answer tells the inspectors."""
    from zhongwei_carbon.models import Notification

    admin = world["bureau_admin"]
    plan_services.plan_draw(actor=admin, plan=plan, seed=7)
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.plan_publish(actor=admin, plan=plan)
    drawn_users = set(Inspection.objects.filter(plan=plan).exclude(
        inspectors__inspector__user=None).values_list("inspectors__inspector__user", flat=True))
    notified = set(Notification.objects.filter(key__endswith=":drawn").values_list(
        "recipient", flat=True))
    assert notified == drawn_users - {None}
    inspection = Inspection.objects.filter(target_kind="enterprise").exclude(
        inspectors__inspector__user=None).first()
    user = inspection.inspectors.exclude(inspector__user=None).first().inspector.user
    ent = _enterprise_user(world, inspection)
    services.inspection_record(actor=user, inspection=inspection, inspected_on=PLAN_START,
                               results={c.pk: ("ok", "") for c in inspection.checks.all()})
    with django_capture_on_commit_callbacks(execute=True):
        _rectify(inspection, user)
    assert Notification.objects.get(recipient=ent).subject.startswith("现场检查后责令整改")
    with django_capture_on_commit_callbacks(execute=True):
        rect_services.rectification_answer(actor=ent, rectification=inspection.rectification,
                                           text="已整改", files=[pdf()])
    assert Notification.objects.filter(recipient=user, key__contains=":answered:").exists()


def test_the_overdue_task_reports_once(world, ready):
    from oversight.tasks import report_overdue_rectifications

    inspection, user = ready
    _rectify(inspection, user, days=1)
    Rectification.objects.filter(pk=inspection.rectification.pk).update(
        deadline=timezone.localdate() - timedelta(days=1))
    assert report_overdue_rectifications.delay().get() == 1
    assert report_overdue_rectifications.delay().get() == 0
