"""Who each workflow step notifies (issue 15): the people who must act next get a to-do
about the report or ledger, those who wait for the result an information notice, nobody
else (another area, enterprise or agency gets nothing), and the step that does the work
resolves the earlier step's to-dos (they leave the to-do view)."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reporting.choices import SourceKind
from reporting.models import AnnualReport, ReportingYear
from reporting.services import ledgers as ledger_svc
from reporting.services import reports as report_svc
from reporting.services import verification as svc
from tests import factories as f
from tests.notified import notified, open_todos
from zhongwei_carbon.models import Topic

pytestmark = pytest.mark.django_db

CERT = "本单位承诺所报数据真实、准确、完整。"


@pytest.fixture
def run(django_capture_on_commit_callbacks, personas):
    """``run(step)``: take a step, its notices sent (after commit); the ``Got`` of it."""

    def take(step):
        with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
            step()
        return got

    return take


def _by(got, personas):
    names = {u.pk: n for n, u in personas.items() if u is not None}
    return {names[n.recipient_id]: n for n in got.notes}


@pytest.fixture
def facility_a(enterprise_a):
    return f.FacilityFactory(enterprise=enterprise_a, name="1号机组")


@pytest.fixture
def draft(personas, enterprise_a, facility_a):
    ReportingYear.objects.create(year=2023, report_due=date(2024, 3, 31),
                                 report_city_due=date(2024, 5, 31))
    ent_a = personas["ent_a"]
    report = report_svc.report_start(actor=ent_a, enterprise=enterprise_a, year=2023)
    report_svc.line_save(actor=ent_a, version=report.current_version, data={
        "facility": facility_a, "source_kind": SourceKind.ELECTRICITY, "activity": D("18540")})
    return report


@pytest.fixture
def submitted(draft, personas, run):
    run(lambda: report_svc.report_submit(actor=personas["ent_a"], report=draft,
                                         certification=CERT))
    return draft


@pytest.fixture
def passed(personas, enterprise_a, run):
    """A report the county passed (made directly: no notices)."""
    f.verification_reporting_year(2024)
    return f.verification_report_passed(enterprise_a, personas["ent_a"])


def _assign(report, p, run):
    """Assign agency_a (qualified: tests/reporting/conftest.py)."""
    return run(lambda: svc.verification_assign(
        actor=p["bureau_admin"], report=report, agency=p["agency_a_staff"].memberships.get().agency,
        due=timezone.localdate() + timedelta(days=30)))


def _pdf():
    return SimpleUploadedFile("v.pdf", b"%PDF-1.4\n% signed\n", content_type="application/pdf")


def _file(report, p, run):
    return run(lambda: svc.verification_file(
        actor=p["agency_a_staff"], report=AnnualReport.objects.get(pk=report.pk),
        conclusion="confirmed", file=_pdf(), figures=[
            {"facility": report.current_version.lines.first().facility, "source_kind": "combustion",
             "verified": D("20000.00")},
            {"facility": None, "source_kind": "electricity", "verified": D("10573.36")}]))


@pytest.fixture
def verified(passed, personas, run):
    _assign(passed, personas, run)
    _file(passed, personas, run)
    return passed


@pytest.fixture
def final(verified, personas, run):
    run(lambda: svc.recheck(actor=personas["bureau_reviewer"], report=verified,
                            decision="accepted"))
    return verified


@pytest.fixture
def objected(final, personas, run):
    run(lambda: svc.objection_file(actor=personas["ent_a"], report=final, reasons="核查有误"))
    return final


# --- annual report ----------------------------------------------------------------------


def test_submitted_report_is_a_todo_for_the_area_officials_only(draft, personas, run):
    got = run(lambda: report_svc.report_submit(actor=personas["ent_a"], report=draft,
                                               certification=CERT))
    [note] = got.assert_exactly("official_a", todo=True, topic=Topic.REPORT)
    assert note.link == reverse("reporting:report_county_check", args=[draft.pk])
    assert "沙坡头发电有限公司" in note.subject and "2023" in note.subject


def test_county_pass_asks_the_bureau_to_assign_and_tells_the_enterprise(submitted, personas, run):
    p = personas
    got = run(lambda: report_svc.report_county_pass(actor=p["official_a"], report=submitted))
    got.assert_exactly("bureau_admin", "ent_a")
    notes = _by(got, p)
    assert notes["bureau_admin"].todo and notes["bureau_admin"].topic == Topic.VERIFICATION
    assert notes["bureau_admin"].link == reverse("reporting:verification_assign", args=[submitted.pk])
    assert not notes["ent_a"].todo
    assert open_todos(p["official_a"], submitted) == []  # the check is done


def test_county_return_is_a_todo_for_the_enterprise_and_resubmission_asks_again(
    submitted, personas, run
):
    p = personas
    got = run(lambda: report_svc.report_county_return(
        actor=p["official_a"], report=submitted, reason="缺少外购电力发票"))
    [note] = got.assert_exactly("ent_a", todo=True, topic=Topic.REPORT)
    assert note.body == "缺少外购电力发票"
    assert open_todos(p["official_a"], submitted) == []
    run(lambda: report_svc.report_revise(actor=p["ent_a"], report=submitted))
    assert open_todos(p["ent_a"], submitted) == []  # revising is the work asked for
    again = run(lambda: report_svc.report_submit(actor=p["ent_a"], report=submitted,
                                                 certification=CERT))
    again.assert_exactly("official_a", todo=True)  # a second submission: a new to-do
    assert len(open_todos(p["official_a"], submitted)) == 1


def test_assignment_is_a_todo_for_the_assigned_agency_only(passed, personas, run):
    got = _assign(passed, personas, run)
    [note] = got.assert_exactly("agency_a_staff", todo=True, topic=Topic.VERIFICATION)
    assert note.link == reverse("reporting:verification_detail", args=[passed.pk])


def test_assignment_resolves_the_bureaus_todo(submitted, personas, run):
    p = personas
    run(lambda: report_svc.report_county_pass(actor=p["official_a"], report=submitted))
    assert len(open_todos(p["bureau_admin"], submitted)) == 1
    _assign(submitted, p, run)
    assert open_todos(p["bureau_admin"], submitted) == []


def test_filed_verification_is_a_todo_for_the_reviewers(passed, personas, run):
    p = personas
    _assign(passed, p, run)
    got = _file(passed, p, run)
    got.assert_exactly("bureau_admin", "bureau_reviewer", todo=True, topic=Topic.VERIFICATION)
    assert {n.link for n in got.notes} == {reverse("reporting:recheck", args=[passed.pk])}
    assert open_todos(p["agency_a_staff"], passed) == []


def test_recheck_return_is_a_todo_for_the_agency(verified, personas, run):
    p = personas
    got = run(lambda: svc.recheck(actor=p["bureau_reviewer"], report=verified,
                                  decision="returned", opinion="请补充燃煤检测报告"))
    got.assert_exactly("agency_a_staff", todo=True, topic=Topic.VERIFICATION)
    assert open_todos(p["bureau_reviewer"], verified) == []
    assert open_todos(p["bureau_admin"], verified) == []
    refiled = _file(verified, p, run)  # the agency revises: its to-do is done
    refiled.assert_exactly("bureau_admin", "bureau_reviewer", todo=True)
    assert open_todos(p["agency_a_staff"], verified) == []


def test_final_result_informs_the_enterprise_only(verified, personas, run):
    p = personas
    got = run(lambda: svc.recheck(actor=p["bureau_reviewer"], report=verified,
                                  decision="accepted"))
    [note] = got.assert_exactly("ent_a", todo=False, topic=Topic.REPORT)
    assert "30,573.36" in note.subject
    assert open_todos(p["bureau_reviewer"], verified) == []


def test_objection_is_a_todo_for_the_deciding_bureau_admin(final, personas, run):
    p = personas
    got = run(lambda: svc.objection_file(actor=p["ent_a"], report=final, reasons="核查有误"))
    [note] = got.assert_exactly("bureau_admin", todo=True, topic=Topic.OBJECTION)
    objection = final.objections.get()
    assert note.link == reverse("reporting:objection_decide", args=[objection.pk])
    assert objection.decision_due.isoformat() in note.body


def test_rejected_objection_informs_the_enterprise_and_resolves_the_todo(objected, personas, run):
    p = personas
    objection = objected.objections.get()
    got = run(lambda: svc.objection_decide(actor=p["bureau_admin"], objection=objection,
                                           decision="rejected", note="核查结论无误"))
    [note] = got.assert_exactly("ent_a", todo=False, topic=Topic.OBJECTION)
    assert note.body == "核查结论无误"
    assert open_todos(p["bureau_admin"], objected) == []


def test_upheld_objection_goes_back_to_the_agency_and_informs_the_enterprise(
    objected, personas, run
):
    p = personas
    objection = objected.objections.get()
    got = run(lambda: svc.objection_decide(actor=p["bureau_admin"], objection=objection,
                                           decision="upheld", note="请核查机构复核"))
    got.assert_exactly("agency_a_staff", "ent_a")
    notes = _by(got, p)
    assert notes["agency_a_staff"].todo and not notes["ent_a"].todo
    assert open_todos(p["bureau_admin"], objected) == []
    assert len(open_todos(p["agency_a_staff"], objected)) == 1


# --- findings -------------------------------------------------------------------------------


def test_sent_finding_is_a_todo_for_the_enterprise_resolved_by_its_answer(passed, personas, run):
    p = personas
    _assign(passed, p, run)
    found = []
    run(lambda: found.append(svc.finding_add(actor=p["agency_a_staff"], report=passed,
                                             text="缺少燃煤化验记录"))).assert_nobody()
    [finding] = found  # recorded, not sent: hidden from the enterprise
    got = run(lambda: svc.finding_send(actor=p["agency_a_staff"], finding=finding))
    [note] = got.assert_exactly("ent_a", todo=True, topic=Topic.VERIFICATION)
    assert note.link == reverse("reporting:finding_answer", args=[finding.pk])
    answered = run(lambda: svc.finding_answer(actor=p["ent_a"], finding=finding,
                                              response="已补充化验记录"))
    answered.assert_exactly("agency_a_staff", todo=False)
    assert open_todos(p["ent_a"], finding) == []


# --- monthly ledgers -------------------------------------------------------------------------


@pytest.fixture
def ledger(facility_a, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return ledger_svc.ledger_save(
        actor=personas["ent_a"], facility=facility_a, year=2025, month=1,
        data={"running_hours": D("744")},
        lines=[{"fuel": f.ledger_fuel("raw_coal"), "consumption": D("12000.5")}],
    )


def test_submitted_ledger_is_a_todo_for_the_area_officials_only(ledger, personas, run):
    got = run(lambda: ledger_svc.ledger_submit(actor=personas["ent_a"], ledger=ledger))
    [note] = got.assert_exactly("official_a", todo=True, topic=Topic.LEDGER)
    assert note.link == reverse("reporting:ledger_county_check", args=[ledger.pk])
    assert "1号机组" in note.subject and "2025-01" in note.subject


def test_returned_ledger_is_a_todo_for_the_enterprise_and_passing_resolves(ledger, personas, run):
    p = personas
    run(lambda: ledger_svc.ledger_submit(actor=p["ent_a"], ledger=ledger))
    got = run(lambda: ledger_svc.ledger_county_return(actor=p["official_a"], ledger=ledger,
                                                      reason="缺少盖章台账"))
    [note] = got.assert_exactly("ent_a", todo=True, topic=Topic.LEDGER)
    assert note.link == reverse("reporting:ledger_edit", args=[ledger.pk])
    assert open_todos(p["official_a"], ledger) == []
    run(lambda: ledger_svc.ledger_submit(actor=p["ent_a"], ledger=ledger)).assert_exactly(
        "official_a", todo=True)
    assert open_todos(p["ent_a"], ledger) == []
    passed = run(lambda: ledger_svc.ledger_county_pass(actor=p["official_a"], ledger=ledger))
    passed.assert_nobody()  # the close is the bureau's, reminded by its deadline
    assert open_todos(p["official_a"], ledger) == []
