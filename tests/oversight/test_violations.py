"""Violation cases (issue 12): opened by the bureau admin from an inspection that concluded
"violation" (or on a recorded trigger); decided once with a fine inside the range computed from
the data rows (else a clear error and nothing saved), the decision document, the allocation cut
(Art. 22 refusal) or the agency's ban with an end date (Art. 23) that verification assignment
respects until that day; ``violation.decided`` published for credit; referred and closed."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from oversight.models import CaseEvidence, Inspection, ViolationCase
from oversight.services import violations as services
from reporting.services import verification as verification_services
from tests import factories as f
from verifiers.models import Agency
from zhongwei_carbon import events
from zhongwei_carbon.models import Event

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 decision"


def pdf(name="decision.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def concluded(admin, *, enterprise=None, agency=None, conclusion="violation") -> Inspection:
    target = enterprise or agency
    return Inspection.objects.create(
        trigger="complaint", trigger_note="举报", target_kind="enterprise" if enterprise
        else "agency", enterprise=enterprise, agency=agency, target_name=target.name,
        area=enterprise.area if enterprise else None, inspected_on=date(2026, 5, 1),
        status="closed" if conclusion != "rectify" else "rectifying", conclusion=conclusion,
        conclusion_note="违法", created_by=admin,
    )


@pytest.fixture
def inspection(bureau_admin, enterprise_a):
    return concluded(bureau_admin, enterprise=enterprise_a)


def open_case(admin, inspection, **kw):
    data = {"article": "21", "facts": "未按规定保存原始记录"} | kw
    return services.case_open(actor=admin, inspection=inspection, **data)


def decide(admin, case, **kw):
    data = {"fine": 100_000, "decision_number": "卫环罚〔2026〕1号",
            "decided_on": timezone.localdate(), "file": pdf()} | kw
    return services.case_decide(actor=admin, case=case, **data)


# --- opening ---------------------------------------------------------------------------------


def test_a_case_is_opened_from_a_violation_inspection_with_evidence(bureau_admin, inspection,
                                                                    enterprise_a):
    case = open_case(bureau_admin, inspection, files=[pdf("笔录.pdf")])
    assert (case.enterprise, case.area, case.status, case.year) == (
        enterprise_a, enterprise_a.area, "open", timezone.localdate().year)
    assert CaseEvidence.objects.get(case=case).original_name == "笔录.pdf"
    assert events.for_object(case).filter(verb="violation.opened").exists()
    assert events.for_object(inspection).filter(verb="inspection.case_opened").exists()


def test_only_a_violation_conclusion_opens_a_case(bureau_admin, enterprise_a):
    inspection = concluded(bureau_admin, enterprise=enterprise_a, conclusion="rectify")
    with pytest.raises(ValidationError) as exc:
        open_case(bureau_admin, inspection)
    assert "inspection" in exc.value.message_dict
    assert not ViolationCase.objects.exists()


def test_without_an_inspection_the_trigger_is_required(bureau_admin, enterprise_a):
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=bureau_admin, article="21", facts="x", enterprise=enterprise_a)
    assert "trigger_note" in exc.value.message_dict
    case = services.case_open(actor=bureau_admin, article="21", facts="x",
                              enterprise=enterprise_a, trigger_note="数据异常：台账偏差")
    assert case.inspection is None and case.trigger_note == "数据异常：台账偏差"


def test_the_article_must_fit_the_party(bureau_admin, enterprise_a, agency_a):
    with pytest.raises(ValidationError) as exc:
        services.case_open(actor=bureau_admin, article="23", facts="x", enterprise=enterprise_a,
                           trigger_note="t")
    assert "article" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.case_open(actor=bureau_admin, article="21", facts="x", agency=agency_a,
                           trigger_note="t")


def test_only_the_bureau_admin_opens_and_decides(bureau_reviewer, official_a, bureau_admin,
                                                inspection):
    for user in (bureau_reviewer, official_a):
        with pytest.raises(PermissionDenied):
            open_case(user, inspection)
    case = open_case(bureau_admin, inspection)
    with pytest.raises(PermissionDenied):
        decide(bureau_reviewer, case)
    case.refresh_from_db()
    assert case.status == "open"


# --- deciding --------------------------------------------------------------------------------


@pytest.mark.parametrize("fine", [49_999, 500_001, None])
def test_a_fine_outside_the_range_is_refused_in_chinese_and_nothing_is_saved(
        bureau_admin, inspection, fine):
    case = open_case(bureau_admin, inspection)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        decide(bureau_admin, case, fine=fine)
    message = exc.value.message_dict["fine"][0]
    assert "50,000" in message and "500,000" in message and "罚款" in message
    case.refresh_from_db()
    assert (case.status, case.fine, case.decision_file.name) == ("open", None, "")
    assert not events.for_object(case).filter(verb="violation.decided").exists()


@pytest.mark.parametrize("fine", [50_000, 500_000])
def test_the_boundaries_are_accepted_and_the_decision_is_published(
        bureau_admin, inspection, enterprise_a, fine, django_capture_on_commit_callbacks):
    case = open_case(bureau_admin, inspection)
    heard = []
    with mock.patch.dict(events._subscribers, {"violation.decided": [
            lambda **kw: heard.append(kw)]}), django_capture_on_commit_callbacks(execute=True):
        decide(bureau_admin, case, fine=fine)
    case.refresh_from_db()
    assert (case.status, case.fine, case.fine_low, case.fine_high) == (
        "decided", fine, 50_000, 500_000)
    assert case.decision_file.name.endswith(".pdf")
    assert heard == [{
        "case_id": case.pk, "article": "21", "amount": fine, "decided_on": timezone.localdate(),
        "subject_kind": "enterprise", "enterprise_id": enterprise_a.pk, "agency_id": None,
        "person_fines": 0, "allocation_cut_percent": None, "ban_until": None,
    }]
    event = Event.objects.get(verb="violation.decided")
    assert event.data["fine"] == fine and event.actor == bureau_admin


def test_a_decided_case_cannot_be_decided_again(bureau_admin, inspection):
    case = decide(bureau_admin, open_case(bureau_admin, inspection))
    with pytest.raises(ValidationError):
        decide(bureau_admin, case, fine=60_000)
    case.refresh_from_db()
    assert case.fine == 100_000


def test_the_decision_document_must_be_a_pdf_and_the_date_not_in_the_future(
        bureau_admin, inspection):
    case = open_case(bureau_admin, inspection)
    with pytest.raises(ValidationError) as exc:
        decide(bureau_admin, case, file=pdf("x.pdf", b"GIF89a"))
    assert "file" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        decide(bureau_admin, case, decided_on=timezone.localdate() + timedelta(days=1))
    assert "decided_on" in exc.value.message_dict
    case.refresh_from_db()
    assert case.status == "open"


def test_art_22_with_gains_and_persons_and_the_allocation_cut_on_refusal(bureau_admin,
                                                                        enterprise_a):
    inspection = concluded(bureau_admin, enterprise=enterprise_a)
    case = open_case(bureau_admin, inspection, article="22", illegal_gains=200_000,
                     refused_correction=True)
    with pytest.raises(ValidationError) as exc:
        services.person_add(actor=bureau_admin, case=case, name="张三", fine=49_999)
    assert "fine" in exc.value.message_dict
    services.person_add(actor=bureau_admin, case=case, name="张三", position="厂长", fine=80_000)
    with pytest.raises(ValidationError) as exc:  # 5–10 × 200,000
        decide(bureau_admin, case, fine=999_999, allocation_cut_percent=60)
    assert "1,000,000" in exc.value.message_dict["fine"][0]
    for cut in (None, 49, 101):
        with pytest.raises(ValidationError) as exc:
            decide(bureau_admin, case, fine=1_000_000, allocation_cut_percent=cut)
        assert "allocation_cut_percent" in exc.value.message_dict
    decide(bureau_admin, case, fine=2_000_000, allocation_cut_percent=50)
    case.refresh_from_db()
    assert (case.fine, case.allocation_cut_percent) == (2_000_000, 50)


def test_an_allocation_cut_without_refusal_is_refused(bureau_admin, enterprise_a):
    case = open_case(bureau_admin, concluded(bureau_admin, enterprise=enterprise_a),
                     article="22")
    with pytest.raises(ValidationError) as exc:
        decide(bureau_admin, case, fine=500_000, allocation_cut_percent=50)
    assert "allocation_cut_percent" in exc.value.message_dict


# --- Art. 23: the agency's ban and verification assignment --------------------------------------


@pytest.fixture
def agency_case(bureau_admin, agency_a):
    inspection = concluded(bureau_admin, agency=agency_a)
    return open_case(bureau_admin, inspection, article="23", serious=True)


def test_a_ban_is_at_most_five_years_and_after_the_decision(bureau_admin, agency_case):
    today = timezone.localdate()
    latest = today.replace(year=today.year + 5) if not (today.month == 2 and today.day == 29) \
        else today.replace(year=today.year + 5, day=28)
    for until in (None, today, latest + timedelta(days=1)):
        with pytest.raises(ValidationError) as exc:
            decide(bureau_admin, agency_case, fine=200_000, ban_until=until)
        assert "ban_until" in exc.value.message_dict
    assert Agency.objects.get(pk=agency_case.agency_id).suspended_until is None
    decide(bureau_admin, agency_case, fine=200_000, ban_until=latest)
    agency = Agency.objects.get(pk=agency_case.agency_id)
    assert agency.suspended_until == latest
    assert events.for_object(agency).filter(verb="agency.suspended").exists()


def test_assignment_refuses_a_banned_agency_until_the_end_date_and_accepts_it_after(
        bureau_admin, agency_case, agency_a, enterprise_a, ent_a):
    f.qualify(agency_a)
    f.verification_reporting_year(2024)
    report = f.verification_report_passed(enterprise_a, ent_a)
    until = timezone.localdate() + timedelta(days=30)
    decide(bureau_admin, agency_case, fine=300_000, ban_until=until)
    agency = Agency.objects.get(pk=agency_a.pk)
    due = until + timedelta(days=60)
    for today in (timezone.localdate(), until):
        with mock.patch.object(verification_services, "_today", return_value=today), \
                translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
            verification_services.verification_assign(actor=bureau_admin, report=report,
                                                      agency=agency, due=due)
        assert until.isoformat() in exc.value.message_dict["agency"][0]
    report.refresh_from_db()
    assert report.agency_id is None
    with mock.patch.object(verification_services, "_today",
                           return_value=until + timedelta(days=1)), \
            mock.patch("verifiers.selectors.timezone.localdate",
                       return_value=until + timedelta(days=1)):
        verification_services.verification_assign(actor=bureau_admin, report=report,
                                                   agency=agency, due=due)
    report.refresh_from_db()
    assert report.agency_id == agency_a.pk


def test_a_banned_agency_is_not_offered_for_assignment_until_after_the_end_date(agency_a):
    from verifiers.selectors import eligible_agencies

    f.qualify(agency_a)
    sector = f.sector("power")
    until = timezone.localdate() + timedelta(days=10)
    Agency.objects.filter(pk=agency_a.pk).update(suspended_until=until)
    assert agency_a not in eligible_agencies(sector, today=until)
    assert agency_a in eligible_agencies(sector, today=until + timedelta(days=1))


# --- referral and closing ---------------------------------------------------------------------


def test_refer_then_close_and_no_way_back(bureau_admin, inspection):
    case = open_case(bureau_admin, inspection)
    with pytest.raises(ValidationError):
        services.case_refer(actor=bureau_admin, case=case)
    decide(bureau_admin, case)
    services.case_refer(actor=bureau_admin, case=case, note="已报送自治区厅")
    services.case_close(actor=bureau_admin, case=case)
    case.refresh_from_db()
    assert case.status == "closed" and case.referred_at is not None
    with pytest.raises(ValidationError):
        services.case_refer(actor=bureau_admin, case=case)
    verbs = set(events.for_object(case).values_list("verb", flat=True))
    assert {"violation.opened", "violation.decided", "violation.referred",
            "violation.closed"} <= verbs


def test_departments_are_recorded_for_joint_enforcement(bureau_admin, inspection):
    case = open_case(bureau_admin, inspection)
    services.department_add(actor=bureau_admin, case=case, department="public_security",
                            name="中卫市公安局")
    with pytest.raises(ValidationError):
        services.department_add(actor=bureau_admin, case=case, department="army")
    assert [str(d) for d in case.departments.all()] == ["中卫市公安局"]


def test_the_party_is_notified_of_the_decision_once(bureau_admin, inspection, ent_a,
                                                   django_capture_on_commit_callbacks):
    from zhongwei_carbon.models import Notification

    case = open_case(bureau_admin, inspection)
    with django_capture_on_commit_callbacks(execute=True):
        decide(bureau_admin, case)
    note = Notification.objects.get(recipient=ent_a)
    assert note.link == case.get_absolute_url() and "卫环罚〔2026〕1号" in note.subject
