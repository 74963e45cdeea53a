"""Review fixes in verification: a verifier's figures and the bureau's opinions stay hidden
from the enterprise until the bureau accepts their round (also after an upheld objection),
one objection per result, and figures only for the report's own facilities."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reporting.models import AnnualReport, Objection, VerificationReport
from reporting.selectors import verification as sel
from reporting.services import verification as svc
from tests import factories as f
from zhongwei_carbon import events

pytestmark = pytest.mark.django_db


def pdf():
    return SimpleUploadedFile("signed.pdf", b"%PDF-1.7\nsigned", content_type="application/pdf")


def figures(combustion: str, facility=None):
    return [
        {"facility": facility, "source_kind": "combustion", "reported": Decimal("20000.00"),
         "verified": Decimal(combustion)},
        {"facility": None, "source_kind": "electricity", "reported": Decimal("10573.36"),
         "verified": Decimal("10573.36")},
    ]


def fresh(report):
    return AnnualReport.objects.get(pk=report.pk)


@pytest.fixture
def assigned(enterprise_a, ent_a, bureau_admin, agency_a):
    f.verification_reporting_year(2024)
    report = f.verification_report_passed(enterprise_a, ent_a)
    svc.verification_assign(actor=bureau_admin, report=report, agency=agency_a,
                            due=timezone.localdate() + timedelta(days=30))
    return fresh(report)


def file_round(report, staff, combustion):
    return svc.verification_file(actor=staff, report=report, conclusion="corrected",
                                 figures=figures(combustion), file=pdf())


def test_activity_log_does_not_show_the_verified_total_before_acceptance(
    assigned, agency_a_staff, client_as, ent_a
):
    file_round(assigned, agency_a_staff, "20111.11")  # verified total 30,684.47
    messages = [e.message for e in events.for_object(assigned)]
    assert not any("30684.47" in m for m in messages)
    page = client_as(ent_a).get(reverse("reporting:verification_detail", kwargs={"pk": assigned.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "30684.47" not in html and "30,684.47" not in html


def test_round_after_upheld_objection_hidden_from_enterprise_until_accepted(
    assigned, agency_a_staff, bureau_admin, ent_a, official_a
):
    file_round(assigned, agency_a_staff, "20100.50")
    svc.recheck(actor=bureau_admin, report=assigned, decision="accepted")
    objection = svc.objection_file(actor=ent_a, report=fresh(assigned), reasons="理由")
    svc.objection_decide(actor=bureau_admin, objection=objection, decision="upheld", note="修改")
    file_round(fresh(assigned), agency_a_staff, "19000.00")
    svc.recheck(actor=bureau_admin, report=fresh(assigned), decision="returned",
                opinion="内部复查意见")
    report = fresh(assigned)
    assert report.status == "recheck_returned" and report.final_at is not None
    # the enterprise: round 1 (accepted) only, and only the accepted re-check
    assert [v.round for v in sel.verifications_visible(ent_a, report)] == [1]
    assert [(r.round, r.decision) for r in sel.rechecks_visible(ent_a, report)] == [(1, "accepted")]
    # the agency, the bureau and the county see every round
    for user in (agency_a_staff, bureau_admin, official_a):
        assert [v.round for v in sel.verifications_visible(user, report)] == [1, 2]
        assert len(sel.rechecks_visible(user, report)) == 2
    file_round(report, agency_a_staff, "19500.00")
    svc.recheck(actor=bureau_admin, report=fresh(assigned), decision="accepted")
    assert [v.round for v in sel.verifications_visible(ent_a, fresh(assigned))] == [1, 2, 3]


def test_second_objection_to_the_same_result_refused(assigned, agency_a_staff, bureau_admin, ent_a):
    file_round(assigned, agency_a_staff, "20100.50")
    svc.recheck(actor=bureau_admin, report=assigned, decision="accepted")
    first = svc.objection_file(actor=ent_a, report=fresh(assigned), reasons="理由")
    svc.objection_decide(actor=bureau_admin, objection=first, decision="rejected", note="维持")
    assert fresh(assigned).status == "final"
    with pytest.raises(ValidationError):
        svc.objection_file(actor=ent_a, report=fresh(assigned), reasons="再次异议")
    assert fresh(assigned).status == "final"
    assert Objection.objects.filter(report=assigned).count() == 1


def test_figure_for_another_enterprises_facility_refused(assigned, agency_a_staff, enterprise_b):
    other = f.FacilityFactory(enterprise=enterprise_b, name="他厂机组")
    with pytest.raises(ValidationError) as exc:
        svc.verification_file(actor=agency_a_staff, report=assigned, conclusion="corrected",
                              figures=figures("20100.50", facility=other), file=pdf())
    assert "figures" in exc.value.error_dict
    report = fresh(assigned)
    assert (report.status, report.verification_round) == ("assigned", 0)
    assert not VerificationReport.objects.exists()
