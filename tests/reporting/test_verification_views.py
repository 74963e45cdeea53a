"""Verification pages: who sees what, the flows through the forms, bad input, the queue,
and the public disclosure."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from registry.models import EmissionRecord
from reporting.models import AgencyDeclaration, AnnualReport, Finding, Objection
from reporting.services import verification as svc
from tests import factories as f
from tests.two_step import post_and_confirm

pytestmark = pytest.mark.django_db


def url(name, obj):
    return reverse(f"reporting:{name}", kwargs={"pk": obj.pk})


def pdf(body=b"%PDF-1.7\nsigned"):
    return SimpleUploadedFile("signed.pdf", body, content_type="application/pdf")


@pytest.fixture
def report(enterprise_a, ent_a):
    f.verification_reporting_year(2024)
    return f.verification_report_passed(enterprise_a, ent_a)


@pytest.fixture
def assigned(report, bureau_admin, agency_a):
    svc.verification_assign(actor=bureau_admin, report=report, agency=agency_a,
                            due=timezone.localdate() + timedelta(days=30))
    return AnnualReport.objects.get(pk=report.pk)


def fresh(report):
    return AnnualReport.objects.get(pk=report.pk)


def file_post(client, report, **overrides):
    data = {"verified_0": "20000.00", "verified_1": "10600.00", "conclusion": "corrected",
            "note": "", "file": pdf()}
    data.update(overrides)
    return post_and_confirm(client, url("verification_file", report), data)


# --- scoping and visibility -------------------------------------------------------------


def test_detail_scoping(client_as, assigned, agency_b_staff, ent_b, official_b, official_a, agency_a_staff):
    for user in (agency_b_staff, ent_b, official_b):
        assert client_as(user).get(url("verification_detail", assigned)).status_code == 404
    response = client_as(official_a).get(url("verification_detail", assigned))
    assert response.status_code == 200
    flags = ("can_assign", "can_verify", "can_recheck", "can_answer", "can_object", "can_decide")
    assert not any(response.context[k] for k in flags)  # read-only
    assert client_as(agency_a_staff).get(url("verification_detail", assigned)).context["can_verify"]


def test_enterprise_never_sees_unsent_findings(client_as, assigned, agency_a_staff, ent_a, bureau_admin):
    hidden = svc.finding_add(actor=agency_a_staff, report=assigned, text="未发送")
    shown = svc.finding_add(actor=agency_a_staff, report=assigned, text="已发送")
    svc.finding_send(actor=agency_a_staff, finding=shown)
    seen = list(client_as(ent_a).get(url("verification_detail", assigned)).context["findings"])
    assert seen == [shown]
    assert client_as(ent_a).get(url("finding_answer", hidden)).status_code == 404
    assert len(client_as(bureau_admin).get(url("verification_detail", assigned)).context["findings"]) == 2
    # nor does the activity of its report or of the verification page tell it one was recorded
    for page in ("verification_detail", "report_detail"):
        activity = client_as(ent_a).get(url(page, assigned)).context["events"]
        assert [e.verb for e in activity if e.verb.startswith("finding.")] == ["finding.sent"]


def test_enterprise_sees_rounds_and_opinions_only_when_final(
    client_as, assigned, agency_a_staff, bureau_reviewer, ent_a
):
    svc.verification_file(actor=agency_a_staff, report=assigned, conclusion="confirmed",
                          figures=f_figures(assigned), file=pdf())
    svc.recheck(actor=bureau_reviewer, report=assigned, decision="returned", opinion="内部意见")
    ctx = client_as(ent_a).get(url("verification_detail", assigned)).context
    assert (ctx["verifications"], ctx["rechecks"]) == ([], [])
    assert "内部意见" not in client_as(ent_a).get(url("verification_detail", assigned)).content.decode()
    svc.verification_file(actor=agency_a_staff, report=assigned, conclusion="confirmed",
                          figures=f_figures(assigned), file=pdf())
    svc.recheck(actor=bureau_reviewer, report=assigned, decision="accepted")
    ctx = client_as(ent_a).get(url("verification_detail", assigned)).context
    assert [v.round for v in ctx["verifications"]] == [1, 2] and len(ctx["rechecks"]) == 2


def f_figures(report):
    facility = report.current_version.lines.filter(source_kind="combustion").first().facility
    return [
        {"facility": facility, "source_kind": "combustion", "reported": Decimal("20000.00"),
         "verified": Decimal("20000.00")},
        {"facility": None, "source_kind": "electricity", "reported": Decimal("10573.36"),
         "verified": Decimal("10573.36")},
    ]


# --- the flow through the pages -----------------------------------------------------------


def test_assign_page_refuses_conflict_of_interest(client_as, report, bureau_admin, agency_a, enterprise_a, agency_a_staff):
    AgencyDeclaration.objects.create(agency=agency_a, enterprise=enterprise_a, year=2024, declared_by=agency_a_staff)
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = client_as(bureau_admin).post(url("verification_assign", report), {"agency": agency_a.pk, "due": due})
    assert response.status_code == 200 and "agency" in response.context["form"].errors
    assert fresh(report).status == "county_passed"


def test_assign_page_past_due_refused(client_as, report, bureau_admin, agency_a):
    response = client_as(bureau_admin).post(
        url("verification_assign", report), {"agency": agency_a.pk, "due": "2020-01-01"}
    )
    assert "due" in response.context["form"].errors and fresh(report).agency_id is None


def test_declaration_page(client_as, agency_a_staff, agency_a, enterprise_b):
    response = client_as(agency_a_staff).post(
        reverse("reporting:declaration_add"), {"enterprise": enterprise_b.pk, "year": 2024}
    )
    assert response.status_code == 302
    assert AgencyDeclaration.objects.get().agency == agency_a
    response = client_as(agency_a_staff).post(
        reverse("reporting:declaration_add"), {"enterprise": enterprise_b.pk, "year": 2024}
    )
    assert response.status_code == 200 and AgencyDeclaration.objects.count() == 1


def test_file_page_figures_per_source_and_total(client_as, assigned, agency_a_staff):
    client = client_as(agency_a_staff)
    form = client.get(url("verification_file", assigned)).context["form"]
    # two combustion lines of one facility grouped: 12,000 + 8,000; electricity 10,573.36
    assert [s["reported"] for s in form.sources] == [Decimal("20000.00"), Decimal("10573.36")]
    assert file_post(client, assigned).status_code == 302
    r = fresh(assigned)
    v = r.verifications.get()
    assert (r.status, r.verification_round, v.verified_total) == ("verified", 1, Decimal("30600.00"))


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"file": SimpleUploadedFile("x.pdf", b"MZ\x90 exe renamed")}, "file"),
        ({"verified_1": "abc"}, "verified_1"),
        ({"verified_1": "-5"}, "verified_1"),
        ({"conclusion": "confirmed"}, "conclusion"),
    ],
)
def test_file_page_bad_input_changes_nothing(client_as, assigned, agency_a_staff, overrides, field):
    response = file_post(client_as(agency_a_staff), assigned, **overrides)
    assert response.status_code == 200 and field in response.context["form"].errors
    r = fresh(assigned)
    assert (r.status, r.verification_round, r.verifications.count()) == ("assigned", 0, 0)


def test_recheck_pages_return_then_accept(client_as, assigned, agency_a_staff, bureau_reviewer, official_a, enterprise_a):
    file_post(client_as(agency_a_staff), assigned)
    reviewer = client_as(bureau_reviewer)
    response = reviewer.post(url("recheck", assigned), {"decision": "returned", "opinion": ""})
    assert "opinion" in response.context["form"].errors and fresh(assigned).status == "verified"
    assert client_as(official_a).post(url("recheck", assigned), {"decision": "accepted"}).status_code == 403
    post_and_confirm(reviewer, url("recheck", assigned), {"decision": "returned", "opinion": "请补充热值检测报告"})
    assert fresh(assigned).status == "recheck_returned"
    file_post(client_as(agency_a_staff), assigned, verified_0="20000.00", verified_1="10573.36")
    post_and_confirm(reviewer, url("recheck", assigned), {"decision": "accepted", "opinion": ""})
    r = fresh(assigned)
    assert (r.status, r.verification_round, r.final_emissions) == ("final", 2, Decimal("30573.36"))
    record = EmissionRecord.objects.get(enterprise=enterprise_a, year=2024)
    assert (record.source, record.emissions_tco2e) == ("verified", Decimal("30573.36"))


def test_finding_send_and_answer_pages(client_as, assigned, agency_a_staff, ent_a, ent_b):
    client_as(agency_a_staff).post(url("finding_add", assigned), {"text": "缺少计量器具校准记录"})
    finding = Finding.objects.get()
    assert client_as(agency_a_staff).get(url("finding_send", finding)).status_code == 200  # confirm
    client_as(agency_a_staff).post(url("finding_send", finding))
    assert Finding.objects.get().sent_at is not None
    assert client_as(ent_b).post(url("finding_answer", finding), {"response": "x"}).status_code == 404
    response = client_as(ent_a).post(url("finding_answer", finding), {"response": ""})
    assert response.status_code == 200 and Finding.objects.get().status == "open"
    client_as(ent_a).post(url("finding_answer", finding), {"response": "已补充校准记录"})
    assert Finding.objects.get().response == "已补充校准记录"


def test_objection_pages(client_as, assigned, agency_a_staff, bureau_admin, ent_a):
    svc.verification_file(actor=agency_a_staff, report=assigned, conclusion="confirmed",
                          figures=f_figures(assigned), file=pdf())
    svc.recheck(actor=bureau_admin, report=assigned, decision="accepted")
    response = client_as(ent_a).post(url("objection_file", assigned), {"reasons": ""})
    assert "reasons" in response.context["form"].errors and fresh(assigned).status == "final"
    post_and_confirm(client_as(ent_a), url("objection_file", assigned), {"reasons": "外购电量计量有误"})
    objection = Objection.objects.get()
    assert fresh(assigned).status == "objected"
    response = client_as(bureau_admin).post(url("objection_decide", objection), {"decision": "rejected", "note": ""})
    assert "note" in response.context["form"].errors
    post_and_confirm(client_as(bureau_admin), url("objection_decide", objection), {"decision": "rejected", "note": "维持核查结论"})
    assert (Objection.objects.get().decision, fresh(assigned).status) == ("rejected", "final")


# --- queue --------------------------------------------------------------------------------


def test_queue_bureau_and_agency(client_as, report, bureau_admin, agency_a, agency_b, agency_a_staff, agency_b_staff, enterprise_b, ent_b):
    other = f.verification_report_passed(enterprise_b, ent_b)
    svc.verification_assign(actor=bureau_admin, report=other, agency=agency_b,
                            due=timezone.localdate() + timedelta(days=3))
    AnnualReport.objects.filter(pk=other.pk).update(verification_due=date(2020, 1, 1))  # overdue
    rows = {r.report.pk: r for r in client_as(bureau_admin).get(reverse("reporting:verification_queue")).context["page_obj"]}
    assert set(rows) == {report.pk, other.pk}
    assert rows[other.pk].overdue and rows[other.pk].due == date(2020, 1, 1)
    assert rows[report.pk].due == date(2025, 6, 30)  # city due of reporting year 2024
    agency_rows = client_as(agency_b_staff).get(reverse("reporting:verification_queue")).context["page_obj"]
    assert [r.report.pk for r in agency_rows] == [other.pk]
    assert list(client_as(agency_a_staff).get(reverse("reporting:verification_queue")).context["page_obj"]) == []


# --- disclosure ----------------------------------------------------------------------------


def test_disclosure_only_final_search_and_export(client, assigned, agency_a_staff, bureau_admin, enterprise_a, enterprise_b, ent_b):
    f.verification_report_passed(enterprise_b, ent_b)  # not final: never shown
    index = reverse("disclosure:index")
    assert list(client.get(index).context["page_obj"]) == []
    svc.verification_file(actor=agency_a_staff, report=assigned, conclusion="confirmed",
                          figures=f_figures(assigned), file=pdf())
    svc.recheck(actor=bureau_admin, report=assigned, decision="accepted")
    rows = list(client.get(index).context["page_obj"])
    assert [(r.enterprise, r.final_emissions) for r in rows] == [(enterprise_a, Decimal("30573.36"))]
    assert list(client.get(index, {"q": "中宁"}).context["page_obj"]) == []
    assert len(client.get(index, {"q": enterprise_a.uscc, "year": "2024"}).context["page_obj"]) == 1
    facility = enterprise_a.facilities.get().name
    assert facility in client.get(index).content.decode()
    response = client.get(reverse("disclosure:export"))
    ws = load_workbook(io.BytesIO(response.getvalue())).active
    values = list(ws.iter_rows(min_row=2, values_only=True))
    assert values == [(2024, enterprise_a.name, enterprise_a.uscc, str(enterprise_a.area),
                       str(enterprise_a.sector), 30573.36, facility)]


def test_object_button_only_while_an_objection_may_be_filed(
    client_as, assigned, agency_a_staff, bureau_reviewer, ent_a
):
    svc.verification_file(actor=agency_a_staff, report=assigned, conclusion="confirmed",
                          figures=f_figures(assigned), file=pdf())
    svc.recheck(actor=bureau_reviewer, report=assigned, decision="accepted")
    page = url("verification_detail", assigned)
    assert client_as(ent_a).get(page).context["can_object"]
    AnnualReport.objects.filter(pk=assigned.pk).update(
        objection_deadline=timezone.localdate() - timedelta(days=1)
    )
    assert not client_as(ent_a).get(page).context["can_object"]  # the period has ended


def test_detail_queries_do_not_grow_with_rounds(client_as, assigned, agency_a_staff,
                                                bureau_reviewer, bureau_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as q:
            assert client_as(bureau_admin).get(url("verification_detail", assigned)).status_code == 200
        return len(q)

    svc.verification_file(actor=agency_a_staff, report=assigned, conclusion="confirmed",
                          figures=f_figures(assigned), file=pdf())
    one = count()
    svc.recheck(actor=bureau_reviewer, report=assigned, decision="returned", opinion="再核")
    svc.verification_file(actor=agency_a_staff, report=assigned, conclusion="confirmed",
                          figures=f_figures(assigned), file=pdf())
    assert count() == one  # two rounds of figures, the same queries as one
