"""factory_boy factories shared by all tests."""

import itertools
from decimal import Decimal

import factory

from accounts.models import Membership, User
from registry.models import Area, EmissionRecord, Enterprise, Facility, Sector
from verifiers.models import Agency, AgencyQualification, VerifierStaff
from zhongwei_carbon.roles import Role
from zhongwei_carbon.uscc import make as make_uscc

_serial = itertools.count(1)


def next_uscc(prefix: str = "91640500") -> str:
    """A valid, unique unified social credit code."""
    return make_uscc(f"{prefix}{next(_serial):09d}")


def area(code: str = "640502") -> Area:
    return Area.objects.get(code=code)


def sector(code: str = "power") -> Sector:
    return Sector.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password("pass-1234!")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.LazyFunction(next_uscc)
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    area = factory.LazyFunction(area)
    sector = factory.LazyFunction(sector)
    address = "宁夏中卫市"
    legal_representative = "张三"


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"{n}号机组")
    facility_type = "coal_unit"
    capacity_mw = Decimal("350.00")
    main_fuel = "coal"


class EmissionRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmissionRecord

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2024
    emissions_tco2e = Decimal("30000.00")
    energy_tce = Decimal("12000.00")
    source = "verified"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"测试核查机构{n}")
    uscc = factory.LazyFunction(lambda: next_uscc("91640000"))
    contact_person = "李四"


class AgencyQualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyQualification

    agency = factory.SubFactory(AgencyFactory)
    kind = "verification"
    certificate_number = factory.Sequence(lambda n: f"CERT-{n:05d}")
    valid_from = "2024-01-01"
    valid_until = "2027-12-31"


def qualify(agency: Agency, sectors=None) -> Agency:
    """Give ``agency`` a verification qualification valid from 2020 until five years from
    today, covering ``sectors`` (codes; default every sector): it may then be assigned."""
    from datetime import timedelta

    from django.utils import timezone

    qualification = AgencyQualificationFactory(
        agency=agency, valid_from="2020-01-01",
        valid_until=timezone.localdate() + timedelta(days=5 * 365),
    )
    qs = Sector.objects.all() if sectors is None else Sector.objects.filter(code__in=sectors)
    qualification.sectors.set(qs)
    return agency


def qualified_agency(sectors=None, **fields) -> Agency:
    return qualify(AgencyFactory(**fields), sectors)


class VerifierStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerifierStaff

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"核查员{n}")


def make_member(username: str, role: str, **scope) -> User:
    """A user holding one active membership (the persona helper)."""
    user = UserFactory(username=username, full_name=username)
    Membership.objects.create(user=user, role=role, **scope)
    return user


def department(code: str, name: str, kind: str = "department"):
    """A city department or bank of the reform programme (get or create: idempotent)."""
    from registry.models import Department

    return Department.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})[0]


def grant(department, dataset: str, *, by=None):
    """An active data grant (``registry.services.departments.grant_give``)."""
    from registry.services import departments

    actor = by or make_member(f"granter_{department.code}", Role.BUREAU_ADMIN)
    return departments.grant_give(actor=actor, department=department, dataset=dataset)


__all__ = ["Role", "make_member", "department", "grant"]


# --- reporting: annual reports (tests/reporting/test_report*.py, URL matrix) ---------------


def report_draft(enterprise, created_by, year: int = 2024):
    """A draft annual report with its version 1 (no lines), made directly for tests."""
    from reporting.models import AnnualReport, ReportVersion

    report = AnnualReport.objects.create(enterprise=enterprise, year=year)
    version = ReportVersion.objects.create(report=report, number=1, created_by=created_by)
    report.current_version = version
    report.save(update_fields=["current_version"])
    return report


# --- verification: reports ready for verification (tests/reporting/test_verification*.py) --


def verification_report_passed(enterprise, created_by, year: int = 2024, facility=None):
    """A report in COUNTY_PASSED, made with the ORM: a submitted version with three lines —
    combustion 12,000.00 + 8,000.00 t on ``facility`` and 10,573.36 t purchased electricity
    (18,540 MWh × 0.5703) — reported total 30,573.36 t."""
    from django.utils import timezone

    from reporting.models import AnnualReport, ReportLine, ReportVersion

    facility = facility or FacilityFactory(enterprise=enterprise, name=f"机组{next(_serial)}")
    report = AnnualReport.objects.create(enterprise=enterprise, year=year, status="county_passed")
    version = ReportVersion.objects.create(
        report=report, number=1, created_by=created_by, total_emissions=Decimal("30573.36")
    )
    for kind, fac, activity, emissions in (
        ("combustion", facility, "5000", "12000.00"),
        ("combustion", facility, "3000", "8000.00"),
        ("electricity", None, "18540", "10573.36"),
    ):
        ReportLine.objects.create(
            version=version, facility=fac, source_kind=kind, activity=Decimal(activity),
            emissions=Decimal(emissions),
        )
    ReportVersion.objects.filter(pk=version.pk).update(
        submitted_at=timezone.now(), submitted_by=created_by
    )
    report.current_version = version
    report.save(update_fields=["current_version"])
    return report


def verification_reporting_year(year: int = 2024):
    from datetime import date

    from reporting.models import ReportingYear

    return ReportingYear.objects.get_or_create(
        year=year,
        defaults={"report_due": date(year + 1, 3, 31), "report_city_due": date(year + 1, 6, 30)},
    )[0]


# --- monthly ledgers -------------------------------------------------------------------


def ledger_reporting_year(year: int = 2025, *, upload=20, county=5, close=40):
    from datetime import date

    from reporting.models import ReportingYear

    row, _ = ReportingYear.objects.update_or_create(
        year=year,
        defaults={
            "report_due": date(year + 1, 3, 31),
            "report_city_due": date(year + 1, 6, 30),
            "ledger_upload_days": upload,
            "ledger_county_check_days": county,
            "ledger_close_days": close,
        },
    )
    return row


def ledger_fuel(code: str = "raw_coal"):
    from reporting.models import FuelType

    return FuelType.objects.get(code=code)


def ledger_make(facility, *, year=2025, month=1, status="draft", lines=(), **fields):
    """A ledger row straight in the database (tests of the services build through them)."""
    from reporting.models import MonthlyLedger, MonthlyLedgerLine

    ledger = MonthlyLedger.objects.create(
        enterprise=facility.enterprise, facility=facility, year=year, month=month,
        status=status, **fields,
    )
    for fuel_code, consumption in lines:
        MonthlyLedgerLine.objects.create(
            ledger=ledger, fuel=ledger_fuel(fuel_code), consumption=Decimal(consumption)
        )
    return ledger


def cycle_with_deadline(year: int, deadline):
    """A compliance cycle of ``year`` whose surrender deadline milestone is ``deadline``."""
    from allowances.choices import MilestoneKind
    from allowances.models import ComplianceCycle, Milestone

    cycle = ComplianceCycle.objects.create(year=year, name=str(year))
    Milestone.objects.create(cycle=cycle, kind=MilestoneKind.SURRENDER_DEADLINE, due_date=deadline)
    return cycle


def listed(year: int, *enterprises) -> None:
    """Put ``enterprises`` on the published key-emitter list of ``year`` (created if missing):
    the key emitters obliged to surrender for that year's cycle. Entries are added to an
    already published list past its freeze trigger, as only a test may."""
    import pgtrigger

    from registry.choices import ListChange, ListReason, ListStatus
    from registry.models import KeyEmitterList, KeyEmitterListEntry

    clerk, _ = User.objects.get_or_create(username="list_clerk")
    key_list, _ = KeyEmitterList.objects.get_or_create(
        year=year, defaults={"status": ListStatus.PUBLISHED, "basis_year": year - 1,
                             "drafted_by": clerk, "published_by": clerk},
    )
    with pgtrigger.ignore("registry.KeyEmitterListEntry:published_entries_frozen_ins"):
        for e in enterprises:
            KeyEmitterListEntry.objects.get_or_create(
                key_list=key_list, enterprise=e,
                defaults={"change": ListChange.ADDED, "reason": ListReason.EMISSIONS_AT_THRESHOLD,
                          "enterprise_name": e.name, "uscc": e.uscc,
                          "area_id": e.area_id, "sector_id": e.sector_id},
            )


def obliged(enterprise, year: int, emissions) -> EmissionRecord:
    """A key emitter's verified figure for ``year`` and its place on that year's published
    list: what makes it owe allowances for the cycle of ``year``."""
    listed(year, enterprise)
    return EmissionRecordFactory(enterprise=enterprise, year=year, emissions_tco2e=Decimal(emissions))
