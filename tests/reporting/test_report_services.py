"""Annual report services: hand-computed lines, submit by the signatory only, freezing,
versions, county check, deviation from the monthly ledgers at the tolerance boundary."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from reporting.choices import LedgerStatus, ReportStatus, SourceKind
from reporting.models import (
    FuelType,
    MonthlyLedger,
    MonthlyLedgerLine,
    ReportingYear,
    ReportLine,
    ReportVersion,
)
from reporting.services import reports as svc
from reporting.workflow import TransitionError
from tests import factories as f
from zhongwei_carbon.models import Event
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db

CERT = "本单位承诺所报数据真实、准确、完整。"


@pytest.fixture
def facility_a(enterprise_a):
    return f.FacilityFactory(enterprise=enterprise_a, name="1号机组")


@pytest.fixture
def year_2023(db):
    return ReportingYear.objects.create(
        year=2023,
        report_due=date(2024, 3, 31),
        report_city_due=date(2024, 5, 31),
        ledger_tolerance=D("0.02"),
    )


@pytest.fixture
def report(ent_a, enterprise_a, year_2023):
    return svc.report_start(actor=ent_a, enterprise=enterprise_a, year=2023)


def coal():
    return FuelType.objects.get(code="raw_coal")


def elec(mwh, facility):
    return {"facility": facility, "source_kind": SourceKind.ELECTRICITY, "activity": D(mwh)}


def test_start_makes_draft_and_version_one_once(report, ent_a, enterprise_a):
    assert report.status == ReportStatus.DRAFT
    assert report.current_version.number == 1
    with pytest.raises(ValidationError):
        svc.report_start(actor=ent_a, enterprise=enterprise_a, year=2023)


def test_start_by_other_enterprise_refused(ent_b, enterprise_a):
    with pytest.raises(PermissionDenied):
        svc.report_start(actor=ent_b, enterprise=enterprise_a, year=2023)


def test_lines_hand_computed(report, ent_a, facility_a):
    v = report.current_version
    # DOMAIN.md: 18,540 MWh × 0.5703 (applies to reporting year 2023) = 10,573.36 t
    e = svc.line_save(actor=ent_a, version=v, data=elec("18540", facility_a))
    assert e.factor == D("0.5703") and e.emissions == D("10573.36")
    # raw coal with the 2015 defaults: 1000 × 20.908 × 0.02637 × 0.94 × 44/12 = 1900.2988 t
    c1 = svc.line_save(
        actor=ent_a,
        version=v,
        data={
            "facility": facility_a,
            "source_kind": SourceKind.COMBUSTION,
            "fuel": coal(),
            "activity": D("1000"),
        },
    )
    assert (c1.ncv, c1.carbon_content, c1.oxidation_rate) == (D("20.908"), D("0.02637"), D("0.94"))
    assert c1.emissions == D("1900.30")
    assert c1.parameters["ncv_measured"] is False
    # measured: 1000 × 22 × 0.026 × 0.94 × 44/12 = 1971.4933 t
    c2 = svc.line_save(
        actor=ent_a,
        version=v,
        data={
            "facility": facility_a,
            "source_kind": SourceKind.COMBUSTION,
            "fuel": coal(),
            "activity": D("1000"),
            "ncv": D("22"),
            "carbon_content": D("0.026"),
        },
    )
    assert c2.emissions == D("1971.49") and c2.parameters["ncv_measured"] is True
    # cement clinker: 10000 × (0.65 × 44/56 + 0.02 × 44/40.3) = 5325.5051 t
    p = svc.line_save(
        actor=ent_a,
        version=v,
        data={
            "facility": facility_a,
            "source_kind": SourceKind.PROCESS,
            "process_formula": "cement_clinker",
            "parameters": {"clinker_t": "10000", "cao_fraction": "0.65", "mgo_fraction": "0.02"},
        },
    )
    assert p.emissions == D("5325.51") and p.activity == D("10000")
    v.refresh_from_db()
    assert v.total_emissions == D("10573.36") + D("1900.30") + D("1971.49") + D("5325.51")


def test_client_supplied_emissions_ignored_and_bad_line_clear(report, ent_a, facility_a):
    v = report.current_version
    with pytest.raises(TypeError):
        svc.line_save(actor=ent_a, version=v, data={**elec("1", facility_a), "emissions": D("1")})
    with pytest.raises(ValidationError) as exc:
        svc.line_save(
            actor=ent_a,
            version=v,
            data={"facility": facility_a, "source_kind": SourceKind.COMBUSTION, "activity": D("5")},
        )
    assert "fuel" in exc.value.error_dict
    assert not ReportLine.objects.exists()


def _submit_ready(report, ent_a, facility_a, mwh="18540"):
    svc.line_save(actor=ent_a, version=report.current_version, data=elec(mwh, facility_a))


def test_submit_by_signatory_freezes_version(report, ent_a, facility_a, enterprise_a):
    _submit_ready(report, ent_a, facility_a)
    report = svc.report_submit(actor=ent_a, report=report, certification=CERT)
    assert report.status == ReportStatus.SUBMITTED
    v = ReportVersion.objects.get(pk=report.current_version_id)
    assert v.submitted_at and v.submitted_by == ent_a and v.certification == CERT
    assert v.total_emissions == D("10573.36")
    assert v.enterprise_snapshot["uscc"] == enterprise_a.uscc
    assert [x["name"] for x in v.enterprise_snapshot["facilities"]] == ["1号机组"]
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportLine.objects.filter(version=v).update(activity=D("1"))
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportVersion.objects.filter(pk=v.pk).update(total_emissions=D("1"))
    with pytest.raises(ValidationError):
        svc.line_save(actor=ent_a, version=v, data=elec("1", facility_a))
    assert ReportLine.objects.get(version=v).activity == D("18540")


def test_non_signatory_of_same_enterprise_cannot_submit(report, ent_a, facility_a, enterprise_a):
    _submit_ready(report, ent_a, facility_a)
    clerk = f.make_member("clerk_a", Role.ENTERPRISE_USER, enterprise=enterprise_a)
    with pytest.raises(PermissionDenied):
        svc.report_submit(actor=clerk, report=report, certification=CERT)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.current_version.submitted_at is None


def test_submit_twice_is_forbidden_transition(report, ent_a, facility_a):
    _submit_ready(report, ent_a, facility_a)
    svc.report_submit(actor=ent_a, report=report, certification=CERT)
    with pytest.raises(TransitionError):
        svc.report_submit(actor=ent_a, report=report, certification=CERT)


def test_submit_needs_certification_and_lines(report, ent_a, facility_a):
    with pytest.raises(ValidationError):
        svc.report_submit(actor=ent_a, report=report, certification=CERT)
    _submit_ready(report, ent_a, facility_a)
    with pytest.raises(ValidationError):
        svc.report_submit(actor=ent_a, report=report, certification="  ")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def _ledger(facility, month, mwh, status=LedgerStatus.SUBMITTED):
    return MonthlyLedger.objects.create(
        enterprise=facility.enterprise,
        facility=facility,
        year=2023,
        month=month,
        status=status,
        purchased_electricity_mwh=D(mwh),
    )


@pytest.mark.parametrize(("mwh", "flagged"), [("10200", False), ("10201", True), ("9800", False)])
def test_deviation_flag_at_tolerance_boundary(report, ent_a, facility_a, mwh, flagged):
    # ledgers: 2 × 5000 MWh × 0.5703 = 5703.00 t; tolerance 2 % → 5817.06 t is still fine
    _ledger(facility_a, 1, "5000")
    _ledger(facility_a, 2, "5000")
    _ledger(facility_a, 3, "999", status=LedgerStatus.DRAFT)  # drafts do not count
    _submit_ready(report, ent_a, facility_a, mwh)
    svc.report_submit(actor=ent_a, report=report, certification=CERT)
    v = ReportVersion.objects.get(report=report)
    assert v.ledger_total == D("5703.00")
    assert v.deviation_flagged is flagged


def test_ledger_total_uses_measured_then_defaults(enterprise_a, facility_a):
    from reporting.selectors.ledger_totals import ledger_total

    lg = _ledger(facility_a, 1, "0")
    MonthlyLedgerLine.objects.create(ledger=lg, fuel=coal(), consumption=D("1000"))
    lg2 = _ledger(facility_a, 2, "0")
    MonthlyLedgerLine.objects.create(
        ledger=lg2,
        fuel=coal(),
        consumption=D("1000"),
        measured_ncv=D("22"),
        measured_carbon_content=D("0.026"),
    )
    assert ledger_total(enterprise_a, 2023) == D("1900.30") + D("1971.49")


def test_county_check_and_revise(report, ent_a, facility_a, official_a, official_b):
    _submit_ready(report, ent_a, facility_a)
    svc.report_submit(actor=ent_a, report=report, certification=CERT)
    with pytest.raises(PermissionDenied):
        svc.report_county_return(actor=official_b, report=report, reason="数据不全")
    with pytest.raises(ValidationError):
        svc.report_county_return(actor=official_a, report=report, reason="")
    svc.report_county_return(actor=official_a, report=report, reason="缺少外购电力发票")
    report.refresh_from_db()
    assert report.status == ReportStatus.COUNTY_RETURNED
    assert report.county_note == "缺少外购电力发票" and report.county_checked_by == official_a
    v1 = report.current_version
    v2 = svc.report_revise(actor=ent_a, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.current_version == v2
    assert v2.number == 2 and v2.lines.count() == 1
    svc.line_save(actor=ent_a, version=v2, data=elec("100", facility_a))
    v1.refresh_from_db()
    assert v1.total_emissions == D("10573.36") and v1.lines.count() == 1
    assert ReportLine.objects.get(version=v1).activity == D("18540")
    svc.report_submit(actor=ent_a, report=report, certification=CERT)
    svc.report_county_pass(actor=official_a, report=report, note="")
    report.refresh_from_db()
    assert report.status == ReportStatus.COUNTY_PASSED
    with pytest.raises(TransitionError):
        svc.report_revise(actor=ent_a, report=report)
    verbs = list(Event.objects.filter(target_id=str(report.pk)).values_list("verb", flat=True))
    assert "report.submit" in verbs and "report.county_return" in verbs and "report.revise" in verbs


def test_revise_reuses_uploaded_file_by_reference(report, ent_a, facility_a, official_a):
    _submit_ready(report, ent_a, facility_a)
    ReportVersion.objects.filter(pk=report.current_version_id).update(
        source_file="reports/2024/a.xlsx", source_sha256="ab" * 32
    )
    svc.report_submit(actor=ent_a, report=report, certification=CERT)
    svc.report_county_return(actor=official_a, report=report, reason="重报")
    v2 = svc.report_revise(actor=ent_a, report=report)
    assert v2.source_file.name == "reports/2024/a.xlsx" and v2.source_sha256 == "ab" * 32


def test_deviation_compares_only_ledger_sources_and_skips_returned(report, ent_a, facility_a):
    # ledgers: 2 × 5000 MWh × 0.5703 = 5703.00 t; a returned month does not count
    _ledger(facility_a, 1, "5000")
    _ledger(facility_a, 2, "5000")
    _ledger(facility_a, 3, "7777", status=LedgerStatus.RETURNED)
    _submit_ready(report, ent_a, facility_a, "10000")  # 5703.00 t, same as the ledgers
    # cement clinker 5325.51 t: no ledger counterpart, must not raise a flag
    svc.line_save(
        actor=ent_a,
        version=report.current_version,
        data={
            "facility": facility_a,
            "source_kind": SourceKind.PROCESS,
            "process_formula": "cement_clinker",
            "parameters": {"clinker_t": "10000", "cao_fraction": "0.65", "mgo_fraction": "0.02"},
        },
    )
    svc.report_submit(actor=ent_a, report=report, certification=CERT)
    v = ReportVersion.objects.get(report=report)
    assert v.total_emissions == D("5703.00") + D("5325.51")
    assert v.ledger_total == D("5703.00")
    assert v.deviation_flagged is False
