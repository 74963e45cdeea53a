"""Review fixes on input checks: a concurrent first save of a ledger month, facility ids of
another enterprise in the report API, the reporting year of a new report."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reporting.forms.reports import ReportStartForm
from reporting.models import MonthlyLedger, ReportingYear, ReportLine
from reporting.services import ledgers as ledger_svc
from tests import factories as f
from tests.reporting.test_api_reports import API, token_client

pytestmark = pytest.mark.django_db


def test_concurrent_first_save_of_a_month_is_a_clear_error(enterprise_a, ent_a, monkeypatch):
    facility = f.FacilityFactory(enterprise=enterprise_a, name="1号机组")
    real_clean = MonthlyLedger.full_clean

    def clean_then_race(self, *args, **kwargs):
        real_clean(self, *args, **kwargs)
        if self.pk is None:  # the other save inserts the month between our check and insert
            MonthlyLedger.objects.create(
                enterprise=enterprise_a, facility=facility, year=2025, month=1,
                purchased_electricity_mwh=D("7"),
            )

    monkeypatch.setattr(MonthlyLedger, "full_clean", clean_then_race)
    with pytest.raises(ValidationError) as exc:
        ledger_svc.ledger_save(actor=ent_a, facility=facility, year=2025, month=1,
                               data={"purchased_electricity_mwh": D("100")}, lines=[])
    assert exc.value.code == "concurrent"
    monkeypatch.setattr(MonthlyLedger, "full_clean", real_clean)
    # the service's transaction rolled back (the racing row was made inside it here)
    assert not MonthlyLedger.objects.filter(purchased_electricity_mwh=D("100")).exists()


def test_api_line_with_another_enterprises_facility_is_invalid(ent_a, enterprise_a, enterprise_b):
    ReportingYear.objects.create(year=2023, report_due=dt.date(2024, 3, 31),
                                 report_city_due=dt.date(2024, 5, 31))
    own = f.FacilityFactory(enterprise=enterprise_a, name="1号机组")
    other = f.FacilityFactory(enterprise=enterprise_b, name="2号机组")
    client = token_client(ent_a)
    pk = client.post(f"{API}/reports/", {"year": 2023}, format="json").json()["id"]
    errors = {}
    for facility_id in (other.pk, 999999):
        r = client.post(f"{API}/reports/{pk}/lines/",
                        {"facility": facility_id, "source_kind": "electricity", "activity": "10"},
                        format="json")
        assert r.status_code == 400 and "facility" in r.json()
        errors[facility_id] = r.json()["facility"][0].replace(str(facility_id), "ID")
    assert errors[other.pk] == errors[999999]  # no way to tell the two apart
    assert not ReportLine.objects.exists()
    r = client.post(f"{API}/reports/{pk}/lines/",
                    {"facility": own.pk, "source_kind": "electricity", "activity": "10"},
                    format="json")
    assert r.status_code == 201
    assert ReportLine.objects.get().facility == own


@pytest.mark.parametrize(
    ("today", "year", "valid"),
    [
        (dt.date(2025, 12, 31), 2025, True),
        (dt.date(2025, 12, 31), 2026, False),
        (dt.date(2026, 1, 1), 2026, True),
        (dt.date(2026, 1, 1), 2027, False),
        (dt.date(2026, 1, 1), 2013, True),
        (dt.date(2026, 1, 1), 2012, False),
        (dt.date(2026, 1, 1), 2100, False),
    ],
)
def test_report_start_year_capped_at_current_year(monkeypatch, today, year, valid):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    form = ReportStartForm(data={"year": year})
    assert form.is_valid() is valid
    if not valid:
        assert "year" in form.errors
