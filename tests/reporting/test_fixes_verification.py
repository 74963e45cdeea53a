"""Review fixes on verification: reported figures come from the report, not the caller."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting.models import AnnualReport, VerificationReport
from reporting.services import verification as svc
from tests import factories as f

pytestmark = pytest.mark.django_db


def pdf():
    return SimpleUploadedFile("r.pdf", b"%PDF-1.4\n% signed\n", content_type="application/pdf")


@pytest.fixture
def assigned(enterprise_a, ent_a, bureau_admin, agency_a, monkeypatch):
    monkeypatch.setattr(svc, "_today", lambda: date(2025, 9, 26))
    f.verification_reporting_year(2024)
    facility = f.FacilityFactory(enterprise=enterprise_a, name="1号机组")
    report = f.verification_report_passed(enterprise_a, ent_a, facility=facility)
    svc.verification_assign(actor=bureau_admin, report=report, agency=agency_a, due=date(2025, 10, 31))
    return report, facility


def test_forged_reported_figure_cannot_pass_confirmed(assigned, agency_a_staff):
    report, facility = assigned
    # reported: combustion 20,000.00 t on the facility, electricity 10,573.36 t
    forged = [
        {"facility": facility, "source_kind": "combustion", "reported": Decimal("19000.00"),
         "verified": Decimal("19000.00")},
        {"facility": None, "source_kind": "electricity", "reported": Decimal("10573.36"),
         "verified": Decimal("10573.36")},
    ]
    with pytest.raises(ValidationError) as exc:
        svc.verification_file(actor=agency_a_staff, report=report, conclusion="confirmed",
                              figures=forged, file=pdf())
    assert "conclusion" in exc.value.error_dict
    assert VerificationReport.objects.count() == 0
    assert AnnualReport.objects.get(pk=report.pk).status == "assigned"


def test_confirmed_must_cover_every_reported_source(assigned, agency_a_staff):
    report, facility = assigned
    only_combustion = [{"facility": facility, "source_kind": "combustion",
                        "verified": Decimal("20000.00")}]
    with pytest.raises(ValidationError) as exc:
        svc.verification_file(actor=agency_a_staff, report=report, conclusion="confirmed",
                              figures=only_combustion, file=pdf())
    assert "conclusion" in exc.value.error_dict


def test_reported_stored_from_the_report(assigned, agency_a_staff):
    report, facility = assigned
    figures = [
        {"facility": facility, "source_kind": "combustion", "reported": Decimal("1"),
         "verified": Decimal("20000.00")},
        {"facility": None, "source_kind": "electricity", "verified": Decimal("10573.36")},
    ]
    v = svc.verification_file(actor=agency_a_staff, report=report, conclusion="confirmed",
                              figures=figures, file=pdf())
    assert sorted(x.reported for x in v.figures.all()) == [Decimal("10573.36"), Decimal("20000.00")]
    assert v.verified_total == Decimal("30573.36")


# --- declarations after assignment; findings only in the right report status ------------------


def test_declaration_refused_once_agency_is_assigned(assigned, agency_a, agency_a_staff, enterprise_a,
                                                     agency_b, agency_b_staff):
    from reporting.models import AgencyDeclaration

    with pytest.raises(ValidationError) as exc:
        svc.declaration_add(actor=agency_a_staff, agency=agency_a, enterprise=enterprise_a, year=2024)
    assert "enterprise" in exc.value.error_dict
    assert not AgencyDeclaration.objects.exists()
    # another agency, or another year, is still fine
    svc.declaration_add(actor=agency_b_staff, agency=agency_b, enterprise=enterprise_a, year=2024)
    svc.declaration_add(actor=agency_a_staff, agency=agency_a, enterprise=enterprise_a, year=2023)
    assert AgencyDeclaration.objects.count() == 2


def _set_status(report, status):
    AnnualReport.objects.filter(pk=report.pk).update(status=status)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [("assigned", True), ("verified", True), ("recheck_returned", True), ("final", False),
     ("objected", False), ("county_passed", False)],
)
def test_finding_send_only_while_under_verification(assigned, agency_a_staff, status, allowed):
    report, _facility = assigned
    finding = svc.finding_add(actor=agency_a_staff, report=report, text="缺少化验报告")
    _set_status(report, status)
    if allowed:
        assert svc.finding_send(actor=agency_a_staff, finding=finding).sent_at is not None
    else:
        with pytest.raises(ValidationError):
            svc.finding_send(actor=agency_a_staff, finding=finding)
        finding.refresh_from_db()
        assert finding.sent_at is None


def test_finding_answer_refused_when_final(assigned, agency_a_staff, ent_a):
    report, _facility = assigned
    finding = svc.finding_add(actor=agency_a_staff, report=report, text="缺少化验报告")
    svc.finding_send(actor=agency_a_staff, finding=finding)
    _set_status(report, "final")
    with pytest.raises(ValidationError):
        svc.finding_answer(actor=ent_a, finding=finding, response="已补充")
    finding.refresh_from_db()
    assert (finding.status, finding.response) == ("open", "")
    _set_status(report, "verified")
    assert svc.finding_answer(actor=ent_a, finding=finding, response="已补充").status == "answered"
