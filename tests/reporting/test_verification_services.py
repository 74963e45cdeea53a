"""Verification services: assignment, conflict of interest, findings, filing, re-check,
objections across the 2025 National Day holiday, and every forbidden transition."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import EmissionRecord
from reporting.models import AnnualReport, Finding, Objection, Recheck, VerificationReport
from reporting.services import verification as svc
from reporting.workflow import TransitionError
from tests import factories as f
from zhongwei_carbon import events
from zhongwei_carbon.models import CalendarDay

pytestmark = pytest.mark.django_db

NOTICE = date(2025, 9, 26)  # Friday before the National Day holiday


def pdf(name="report.pdf", body=b"%PDF-1.4\n% signed\n"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def today(monkeypatch):
    """Set "today" (Asia/Shanghai) as the services see it."""
    state = {"day": NOTICE}
    monkeypatch.setattr(svc, "_today", lambda: state["day"])

    def set_day(day):
        state["day"] = day

    return set_day


@pytest.fixture
def holidays(db):
    for d in range(1, 9):
        CalendarDay.objects.create(date=date(2025, 10, d), kind="holiday", name="国庆节")
    CalendarDay.objects.create(date=date(2025, 9, 28), kind="workday", name="调休")
    CalendarDay.objects.create(date=date(2025, 10, 11), kind="workday", name="调休")


@pytest.fixture
def report(enterprise_a, ent_a, today):
    f.verification_reporting_year(2024)
    return f.verification_report_passed(enterprise_a, ent_a)


def figures(electricity="10573.36", combustion="20000.00", facility=None):
    return [
        {"facility": facility, "source_kind": "combustion", "reported": Decimal("20000.00"),
         "verified": Decimal(combustion)},
        {"facility": None, "source_kind": "electricity", "reported": Decimal("10573.36"),
         "verified": Decimal(electricity)},
    ]


def assigned(report, bureau_admin, agency):
    return svc.verification_assign(actor=bureau_admin, report=report, agency=agency, due=date(2025, 10, 31))


def filed(report, staff, **kw):
    return svc.verification_file(
        actor=staff, report=report, conclusion=kw.get("conclusion", "corrected"),
        figures=kw.get("figures", figures(combustion="20100.50")), file=pdf(), note="",
    )


def fresh(report):
    return AnnualReport.objects.get(pk=report.pk)


# --- assignment and conflict of interest ----------------------------------------------------


def test_assign_sets_agency_due_and_status(report, bureau_admin, agency_a):
    assigned(report, bureau_admin, agency_a)
    r = fresh(report)
    assert (r.status, r.agency, r.verification_due) == ("assigned", agency_a, date(2025, 10, 31))
    assert r.assigned_by == bureau_admin


def test_assign_refused_when_agency_prepared_the_report(report, bureau_admin, agency_a, agency_a_staff, enterprise_a):
    svc.declaration_add(actor=agency_a_staff, agency=agency_a, enterprise=enterprise_a, year=2024)
    with pytest.raises(ValidationError) as exc:
        assigned(report, bureau_admin, agency_a)
    assert "agency" in exc.value.error_dict
    r = fresh(report)
    assert (r.status, r.agency_id) == ("county_passed", None)


def test_declaration_for_another_year_does_not_block(report, bureau_admin, agency_a, agency_a_staff, enterprise_a):
    svc.declaration_add(actor=agency_a_staff, agency=agency_a, enterprise=enterprise_a, year=2023)
    assigned(report, bureau_admin, agency_a)
    assert fresh(report).status == "assigned"


def test_declaration_only_by_own_staff_and_once(agency_a, agency_b_staff, agency_a_staff, enterprise_a):
    with pytest.raises(PermissionDenied):
        svc.declaration_add(actor=agency_b_staff, agency=agency_a, enterprise=enterprise_a, year=2024)
    svc.declaration_add(actor=agency_a_staff, agency=agency_a, enterprise=enterprise_a, year=2024)
    with pytest.raises(ValidationError):
        svc.declaration_add(actor=agency_a_staff, agency=agency_a, enterprise=enterprise_a, year=2024)


def test_inactive_agency_refused(report, bureau_admin, agency_a):
    agency_a.status = "suspended"
    agency_a.save()
    with pytest.raises(ValidationError):
        assigned(report, bureau_admin, agency_a)
    assert fresh(report).status == "county_passed"


def test_assign_only_by_bureau_admin(report, bureau_reviewer, official_a, agency_a):
    for actor in (bureau_reviewer, official_a):
        with pytest.raises(PermissionDenied):
            assigned(report, actor, agency_a)
    assert fresh(report).status == "county_passed"


# --- findings -------------------------------------------------------------------------------


def test_finding_hidden_until_sent_then_answered(report, bureau_admin, agency_a, agency_a_staff, agency_b_staff, ent_a):
    assigned(report, bureau_admin, agency_a)
    finding = svc.finding_add(actor=agency_a_staff, report=report, text="燃煤低位发热量无检测报告")
    assert finding.round == 1 and finding.sent_at is None
    with pytest.raises(PermissionDenied):
        svc.finding_answer(actor=ent_a, finding=finding, response="x")
    with pytest.raises(PermissionDenied):
        svc.finding_send(actor=agency_b_staff, finding=finding)
    svc.finding_send(actor=agency_a_staff, finding=finding)
    with pytest.raises(ValidationError):
        svc.finding_send(actor=agency_a_staff, finding=finding)
    with pytest.raises(ValidationError):
        svc.finding_answer(actor=ent_a, finding=finding, response="  ")
    svc.finding_answer(actor=ent_a, finding=finding, response="已补充检测报告")
    finding = Finding.objects.get(pk=finding.pk)
    assert (finding.status, finding.response, finding.responded_by) == ("answered", "已补充检测报告", ent_a)


def test_finding_refused_outside_verification(report, agency_a_staff):
    with pytest.raises((PermissionDenied, ValidationError)):
        svc.finding_add(actor=agency_a_staff, report=report, text="x")
    assert not Finding.objects.exists()


# --- filing, re-check, rounds, registry -------------------------------------------------------


def test_file_sums_figures_and_counts_round(report, bureau_admin, agency_a, agency_a_staff):
    assigned(report, bureau_admin, agency_a)
    v = filed(report, agency_a_staff)
    # 20,100.50 + 10,573.36
    assert v.verified_total == Decimal("30673.86")
    assert v.round == 1 and len(v.sha256) == 64
    assert [x.verified for x in v.figures.order_by("source_kind")] == [Decimal("20100.50"), Decimal("10573.36")]
    r = fresh(report)
    assert (r.status, r.verification_round) == ("verified", 1)


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"file": SimpleUploadedFile("r.pdf", b"PK\x03\x04 not a pdf")}, "file"),
        ({"file": None}, "file"),
        ({"figures": []}, "figures"),
        ({"figures": figures(electricity="-1")}, "figures"),
        ({"conclusion": "confirmed"}, "conclusion"),  # figures differ from the reported ones
    ],
)
def test_file_bad_input_changes_nothing(report, bureau_admin, agency_a, agency_a_staff, kwargs, field):
    assigned(report, bureau_admin, agency_a)
    args = {"conclusion": "corrected", "figures": figures(combustion="20100.50"), "file": pdf(), "note": ""}
    args.update(kwargs)
    with pytest.raises(ValidationError) as exc:
        svc.verification_file(actor=agency_a_staff, report=report, **args)
    assert field in exc.value.error_dict
    r = fresh(report)
    assert (r.status, r.verification_round, VerificationReport.objects.count()) == ("assigned", 0, 0)


def test_file_too_large(report, bureau_admin, agency_a, agency_a_staff, settings):
    settings.UPLOAD_MAX_BYTES = 100
    assigned(report, bureau_admin, agency_a)
    with pytest.raises(ValidationError):
        svc.verification_file(actor=agency_a_staff, report=report, conclusion="corrected",
                              figures=figures(), file=pdf(body=b"%PDF-" + b"x" * 200))
    assert fresh(report).status == "assigned"


def test_unassigned_agency_cannot_file(report, bureau_admin, agency_a, agency_b_staff):
    assigned(report, bureau_admin, agency_a)
    with pytest.raises(PermissionDenied):
        filed(report, agency_b_staff)
    assert fresh(report).status == "assigned"


def test_return_revise_accept_two_rounds_and_registry(
    report, bureau_admin, bureau_reviewer, agency_a, agency_a_staff, enterprise_a, holidays, monkeypatch
):
    EmissionRecord.objects.create(enterprise=enterprise_a, year=2024, emissions_tco2e=Decimal("30573.36"),
                                  energy_tce=Decimal("12000.00"), source="self_reported")
    assigned(report, bureau_admin, agency_a)
    filed(report, agency_a_staff)
    with pytest.raises(ValidationError) as exc:
        svc.recheck(actor=bureau_reviewer, report=report, decision="returned", opinion=" ")
    assert "opinion" in exc.value.error_dict
    svc.recheck(actor=bureau_reviewer, report=report, decision="returned", opinion="外购电力排放因子应采用2024年值")
    assert fresh(report).status == "recheck_returned"
    filed(report, agency_a_staff, figures=figures(combustion="20100.50", electricity="10600.00"))
    with pytest.raises(PermissionDenied):
        svc.recheck(actor=agency_a_staff, report=report, decision="accepted")
    with pytest.raises(TransitionError):  # nothing to revise while waiting for re-check
        filed(report, agency_a_staff)
    svc.recheck(actor=bureau_reviewer, report=report, decision="accepted")
    r = fresh(report)
    assert r.status == "final" and r.verification_round == 2
    assert list(VerificationReport.objects.filter(report=r).order_by("round").values_list("round", "verified_total")) == [
        (1, Decimal("30673.86")), (2, Decimal("30700.50"))  # 20,100.50 + 10,600.00
    ]
    assert list(Recheck.objects.filter(report=r).values_list("round", "decision")) == [
        (1, "returned"), (2, "accepted")
    ]
    assert r.final_emissions == Decimal("30700.50")
    assert r.notice_date == NOTICE and r.final_at is not None
    assert r.objection_deadline == date(2025, 10, 13)  # 7 working days across the holiday
    record = EmissionRecord.objects.get(enterprise=enterprise_a, year=2024)
    assert (record.source, record.emissions_tco2e, record.energy_tce) == (
        "verified", Decimal("30700.50"), Decimal("12000.00")
    )


@pytest.fixture
def final(report, bureau_admin, agency_a, agency_a_staff, holidays):
    assigned(report, bureau_admin, agency_a)
    filed(report, agency_a_staff)
    svc.recheck(actor=bureau_admin, report=report, decision="accepted")
    return fresh(report)


def test_accept_publishes_report_final(
    report, bureau_admin, agency_a, agency_a_staff, django_capture_on_commit_callbacks, monkeypatch
):
    seen = []
    monkeypatch.setitem(events._subscribers, "report.final", [])
    events.subscribe("report.final")(lambda **kw: seen.append(kw))
    assigned(report, bureau_admin, agency_a)
    filed(report, agency_a_staff)
    with django_capture_on_commit_callbacks(execute=True):
        svc.recheck(actor=bureau_admin, report=report, decision="accepted")
    assert seen[-1]["report_id"] == report.pk and seen[-1]["final_emissions"] == Decimal("30673.86")


# --- objections across the National Day holiday ------------------------------------------------


def test_objection_on_last_day_ok_decision_due_10_working_days(final, ent_a, today):
    today(date(2025, 10, 13))
    objection = svc.objection_file(actor=ent_a, report=final, reasons="核查未采用实测热值")
    assert objection.decision_due == date(2025, 10, 27)
    assert fresh(final).status == "objected"


def test_objection_the_next_day_refused(final, ent_a, today):
    today(date(2025, 10, 14))
    with pytest.raises(ValidationError):
        svc.objection_file(actor=ent_a, report=final, reasons="太晚了")
    assert fresh(final).status == "final" and not Objection.objects.exists()


def test_objection_needs_reasons_and_own_enterprise(final, ent_a, ent_b):
    with pytest.raises(ValidationError):
        svc.objection_file(actor=ent_a, report=final, reasons="")
    with pytest.raises(PermissionDenied):
        svc.objection_file(actor=ent_b, report=final, reasons="x")
    assert fresh(final).status == "final"


def test_objection_reject_keeps_result(final, ent_a, bureau_admin, bureau_reviewer):
    objection = svc.objection_file(actor=ent_a, report=final, reasons="理由")
    with pytest.raises(PermissionDenied):
        svc.objection_decide(actor=bureau_reviewer, objection=objection, decision="rejected", note="n")
    with pytest.raises(ValidationError):
        svc.objection_decide(actor=bureau_admin, objection=objection, decision="rejected", note="")
    svc.objection_decide(actor=bureau_admin, objection=objection, decision="rejected", note="核查结论正确")
    r = fresh(final)
    assert (r.status, r.final_emissions) == ("final", Decimal("30673.86"))
    with pytest.raises(ValidationError):
        svc.objection_decide(actor=bureau_admin, objection=objection, decision="upheld", note="again")


def test_objection_upheld_goes_back_to_agency(final, ent_a, bureau_admin, agency_a_staff):
    objection = svc.objection_file(actor=ent_a, report=final, reasons="理由")
    svc.objection_decide(actor=bureau_admin, objection=objection, decision="upheld", note="请核查机构修改")
    assert fresh(final).status == "recheck_returned"
    v = filed(final, agency_a_staff)
    assert v.round == 2


# --- forbidden transitions ---------------------------------------------------------------------


def test_forbidden_transitions(report, bureau_admin, agency_a, agency_a_staff, ent_a):
    with pytest.raises(TransitionError):  # not assigned yet
        filed(report, agency_a_staff)
    with pytest.raises(TransitionError):
        svc.recheck(actor=bureau_admin, report=report, decision="accepted")
    with pytest.raises(TransitionError):
        svc.objection_file(actor=ent_a, report=report, reasons="x")
    assigned(report, bureau_admin, agency_a)
    with pytest.raises(TransitionError):  # assigned twice
        assigned(report, bureau_admin, agency_a)
    with pytest.raises(TransitionError):  # nothing filed to re-check
        svc.recheck(actor=bureau_admin, report=report, decision="returned", opinion="x")
    r = fresh(report)
    assert (r.status, r.verification_round, Recheck.objects.count()) == ("assigned", 0, 0)
    assert not EmissionRecord.objects.filter(enterprise=report.enterprise).exists()
