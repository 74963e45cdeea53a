"""The issue-4 browser walk, every step through the pages: the enterprise starts its 2023
report, downloads the Excel template, fills it (openpyxl) and uploads it, sees the totals;
the signatory submits; the county official passes the technical check; the bureau assigns an
agency; the agency files its verification; the bureau returns it, the agency revises, the
bureau accepts; the enterprise sees the final figure."""

import io
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reporting.choices import ReportStatus as S
from reporting.models import AnnualReport, Recheck, VerificationReport
from tests import factories as f
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# By hand (GB 32151 defaults; Ningxia 2023 grid factor 0.5703 tCO2/MWh):
#   raw coal 1000 t: 1000 × 20.908 GJ/t × 0.02637 tC/GJ × 0.94 × 44/12 = 1900.2988… → 1900.30
#   purchased electricity 18540 MWh × 0.5703 = 10573.362 → 10573.36
REPORTED = D("1900.30") + D("10573.36")  # 12473.66
# The agency corrects the coal line to 1950.00 in its second round.
FINAL = D("1950.00") + D("10573.36")  # 12523.36
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _as(page, username):
    page.context.clear_cookies()
    login(page, username)


def _go(page, path):
    response = page.goto(page.base + path)
    assert response.status == 200, path
    return response


def _post_form(page, selector="main form[method=post] button.btn-primary"):
    page.locator(selector).last.click()
    page.wait_for_load_state("networkidle")


def _confirm(page):
    """The confirmation step that follows a validated irreversible form (issue 9 point 8)."""
    page.locator("#confirm-step button[name=step][value=confirm]").click()
    page.wait_for_load_state("networkidle")


def _pdf(name="verification.pdf"):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _number(text: str) -> D:
    return D(text.strip().replace(",", ""))


@pytest.fixture
def flow(enterprise_a, ent_a, official_a, bureau_admin, bureau_reviewer, agency_a, agency_a_staff):
    facility = f.FacilityFactory(enterprise=enterprise_a, name="1号机组")
    f.verification_reporting_year(2023)  # deadlines and the objection window of the year
    f.qualify(agency_a)  # a verification qualification covering the sector (issue 9 point 5)
    return {"enterprise": enterprise_a, "facility": facility, "agency": agency_a}


def test_report_from_template_to_final_figure(page, flow):
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() before irreversible steps

    # 1. The enterprise starts its 2023 report from the list.
    _as(page, "ent_a")
    _go(page, "/reporting/reports/")
    shot(page, "reporting-list-enterprise")
    page.select_option("#id_enterprise", str(flow["enterprise"].pk))
    page.fill("#id_year", "2023")
    _post_form(page, "form[action$='/reporting/reports/start/'] button")
    report = AnnualReport.objects.get(enterprise=flow["enterprise"], year=2023)
    assert report.status == S.DRAFT and page.url.endswith(f"/reporting/reports/{report.pk}/")
    shot(page, "reporting-report-draft-empty")

    # 2. Download the template, fill it, upload it.
    with page.expect_download() as download:
        page.click(f"a[href$='/reporting/reports/{report.pk}/template/']")
    assert download.value.suggested_filename == f"report-2023-{report.pk}.xlsx"
    wb = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    ws = wb["排放源"]
    assert ws["A2"].value == "1号机组"  # pre-filled with the facility
    ws["B2"], ws["C2"], ws["E2"] = "combustion", "raw_coal", 1000
    ws.append(["1号机组", "electricity", None, None, 18540])
    buf = io.BytesIO()
    wb.save(buf)
    page.click(f"a[href$='/reporting/reports/{report.pk}/upload/']")
    page.wait_for_load_state("networkidle")
    shot(page, "reporting-report-upload")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "report-2023.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": buf.getvalue(),
            }
        ],
    )
    _post_form(page, "main form[enctype] button")
    assert page.url.endswith(f"/reporting/reports/{report.pk}/")
    version = report.versions.get()
    assert version.total_emissions == REPORTED and version.lines.count() == 2
    assert sorted(version.lines.values_list("emissions", flat=True)) == [
        D("1900.30"),
        D("10573.36"),
    ]
    assert _number(page.inner_text("#version-total")) == REPORTED  # the totals shown
    shot(page, "reporting-report-uploaded-totals")

    # 3. The signatory certifies and submits.
    page.click(f"a[href$='/reporting/reports/{report.pk}/submit/']")
    page.wait_for_load_state("networkidle")
    shot(page, "reporting-report-submit")
    if not page.input_value("#id_certification"):
        page.fill("#id_certification", "本企业承诺所报数据真实、准确、完整。")
    page.check("#id_confirm")
    _post_form(page)
    _confirm(page)
    report.refresh_from_db()
    version.refresh_from_db()
    assert report.status == S.SUBMITTED and version.submitted_at and version.is_frozen

    # 4. The county official passes the technical check.
    _as(page, "official_a")
    _go(page, f"/reporting/reports/{report.pk}/")
    page.click(f"a[href$='/reporting/reports/{report.pk}/county-check/']")
    page.wait_for_load_state("networkidle")
    page.check("input[name=decision][value=pass]")
    page.fill("textarea[name=reason], input[name=reason]", "及时、完整、符合要求。")
    shot(page, "reporting-report-county-check")
    _post_form(page)
    report.refresh_from_db()
    assert report.status == S.COUNTY_PASSED

    # 5. The bureau assigns the agency with a due date.
    _as(page, "bureau_admin")
    _go(page, "/reporting/verification/")
    shot(page, "reporting-verification-queue-bureau")
    _go(page, f"/reporting/reports/{report.pk}/verification/")
    page.click(f"a[href$='/reporting/reports/{report.pk}/verification/assign/']")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_agency", str(flow["agency"].pk))
    due = timezone.localdate() + timedelta(days=30)
    page.fill("#id_due", due.isoformat())
    shot(page, "reporting-verification-assign")
    _post_form(page)
    report.refresh_from_db()
    assert report.status == S.ASSIGNED and report.agency == flow["agency"]

    # 6. The agency verifies: figures as reported, signed PDF.
    _as(page, "agency_a_staff")
    _go(page, "/reporting/verification/")
    shot(page, "reporting-verification-queue-agency")
    _go(page, f"/reporting/reports/{report.pk}/verification/")
    page.click(f"a[href$='/reporting/reports/{report.pk}/verification/file/']")
    page.wait_for_load_state("networkidle")
    assert _number(page.input_value("#id_verified_0")) == D("1900.30")  # combustion first
    assert _number(page.input_value("#id_verified_1")) == D("10573.36")
    page.select_option("#id_conclusion", "confirmed")
    page.set_input_files("#id_file", files=[_pdf()])
    shot(page, "reporting-verification-file")
    _post_form(page)
    _confirm(page)
    report.refresh_from_db()
    assert report.status == S.VERIFIED
    assert VerificationReport.objects.get(report=report, round=1).verified_total == REPORTED

    # 7. The bureau re-checks and returns it with an opinion.
    _as(page, "bureau_reviewer")
    _go(page, f"/reporting/reports/{report.pk}/verification/")
    shot(page, "reporting-verification-detail-bureau")
    page.click(f"a[href$='/reporting/reports/{report.pk}/verification/recheck/']")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_decision", "returned")
    page.fill("#id_opinion", "原煤低位发热量应采用实测值,请复核。")
    shot(page, "reporting-recheck")
    _post_form(page)
    _confirm(page)
    report.refresh_from_db()
    assert report.status == S.RECHECK_RETURNED
    assert Recheck.objects.get(report=report).decision == "returned"

    # 8. The agency revises: coal corrected to 1950.00, round 2.
    _as(page, "agency_a_staff")
    _go(page, f"/reporting/reports/{report.pk}/verification/file/")
    page.fill("#id_verified_0", "1950.00")
    page.select_option("#id_conclusion", "corrected")
    page.set_input_files("#id_file", files=[_pdf("verification-r2.pdf")])
    shot(page, "reporting-verification-file-round2")
    _post_form(page)
    _confirm(page)
    report.refresh_from_db()
    assert report.status == S.VERIFIED
    assert VerificationReport.objects.get(report=report, round=2).verified_total == FINAL

    # 9. The bureau accepts: the figure becomes final.
    _as(page, "bureau_reviewer")
    _go(page, f"/reporting/reports/{report.pk}/verification/recheck/")
    page.select_option("#id_decision", "accepted")
    _post_form(page)
    _confirm(page)
    report.refresh_from_db()
    assert report.status == S.FINAL and report.final_emissions == FINAL
    assert Recheck.objects.filter(report=report).count() == 2

    # 10. The enterprise sees the final figure.
    _as(page, "ent_a")
    _go(page, f"/reporting/reports/{report.pk}/verification/")
    main = page.inner_text("main")
    assert "12,523.36" in main or "12523.36" in main
    shot(page, "reporting-verification-final-enterprise")


def test_verification_filing_confirms_only_after_validation(page, enterprise_a, ent_a,
                                                            bureau_admin, agency_a, agency_a_staff):
    """Issue 9, point 8: a non-PDF is refused with its reason and no question asked, nothing
    filed; a PDF leads to the confirmation step showing the round; confirming files it. The
    submit button reads 提交核查报告."""
    from reporting.services import verification as svc

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    f.verification_reporting_year(2024)
    report = f.verification_report_passed(enterprise_a, ent_a)  # reported 30,573.36 t
    f.qualify(agency_a)
    svc.verification_assign(actor=bureau_admin, report=report, agency=agency_a,
                            due=timezone.localdate() + timedelta(days=30))
    _as(page, "agency_a_staff")
    url = f"/reporting/reports/{report.pk}/verification/file/"
    _go(page, url)
    button = page.locator("main form[method=post] button[type=submit]").first
    assert button.inner_text().strip() == "提交核查报告"

    # a text file named .pdf: refused by its signature, no confirmation, nothing filed
    page.select_option("#id_conclusion", "confirmed")
    page.set_input_files("#id_file", files=[{"name": "report.pdf", "mimeType": "application/pdf",
                                             "buffer": b"not a pdf at all"}])
    button.click()
    page.wait_for_load_state("networkidle")
    assert dialogs == []
    assert page.locator("#confirm-step").count() == 0
    assert "PDF" in page.inner_text("main form")
    assert page.locator("#id_file.is-invalid").count() == 1
    report.refresh_from_db()
    assert (report.status, report.verification_round) == (S.ASSIGNED, 0)
    assert not VerificationReport.objects.filter(report=report).exists()

    # a real PDF: the confirmation step shows what will be filed; still nothing filed
    page.select_option("#id_conclusion", "confirmed")
    page.set_input_files("#id_file", files=[_pdf("signed-2024.pdf")])
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert dialogs == []
    step = page.inner_text("#confirm-step")
    assert "signed-2024.pdf" in step and "30,573.36" in step
    assert not VerificationReport.objects.filter(report=report).exists()
    shot(page, "reporting-verification-file-confirm")

    _confirm(page)
    assert dialogs == []
    report.refresh_from_db()
    assert (report.status, report.verification_round) == (S.VERIFIED, 1)
    filed = VerificationReport.objects.get(report=report, round=1)
    assert filed.verified_total == D("30573.36") and filed.file.read().startswith(b"%PDF-")
    assert page.url.endswith(f"/reporting/reports/{report.pk}/verification/")
