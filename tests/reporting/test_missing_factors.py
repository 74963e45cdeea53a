"""Issue 9, point 7: a reporting year without a grid or heat factor assigned. The bureau sees
a warning on the factor tables page and on the reporting year (its row and its page); the
enterprise's upload and calculation errors say in Chinese which factor of which year is
missing and that the bureau must set it. No English word in a Chinese message."""

import re
from decimal import Decimal as D
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from reporting.models import EmissionFactor, FactorApplicability, ReportLine
from tests import factories as f
from tests.reporting.test_report_views import HEADERS, _upload, _xlsx

pytestmark = pytest.mark.django_db

YEAR = 2026  # the reference data assigns factors up to 2025


@pytest.fixture
def open_year(db):
    return f.verification_reporting_year(YEAR)


@pytest.fixture
def draft(open_year, enterprise_a, ent_a):
    f.FacilityFactory(enterprise=enterprise_a, name="1号机组")
    return f.report_draft(enterprise_a, ent_a, year=YEAR)


def test_factor_page_warns_the_bureau_of_the_year_without_factors(client_as, open_year,
                                                                  bureau_admin, ent_a):
    html = client_as(bureau_admin).get(reverse("reporting:factor_index")).content.decode()
    warning = html[html.index('id="missing-factors"'):]
    warning = warning[:warning.index("</div>")]
    assert f"{YEAR}" in warning and "电网排放因子" in warning and "热力排放因子" in warning
    assert "2025" not in warning  # 2025 has both factors
    assert f'data-missing-factors="{YEAR}"' in html
    assert 'data-missing-factors="2025"' not in html
    # only the bureau is told to act
    assert 'id="missing-factors"' not in client_as(ent_a).get(reverse("reporting:factor_index")).content.decode()


def test_warning_names_only_the_missing_factor_and_goes_when_assigned(client_as, open_year,
                                                                      bureau_admin):
    FactorApplicability.objects.create(
        reporting_year=YEAR, kind="heat", factor=EmissionFactor.objects.filter(kind="heat").first()
    )
    html = client_as(bureau_admin).get(reverse("reporting:factor_index")).content.decode()
    warning = html[html.index('id="missing-factors"'):]
    warning = warning[:warning.index("</div>")]
    assert "电网排放因子" in warning and "热力排放因子" not in warning
    FactorApplicability.objects.create(
        reporting_year=YEAR, kind="grid", factor=EmissionFactor.objects.filter(kind="grid").first()
    )
    html = client_as(bureau_admin).get(reverse("reporting:factor_index")).content.decode()
    assert 'id="missing-factors"' not in html and "data-missing-factors" not in html


def test_reporting_year_page_warns(client_as, open_year, bureau_admin):
    url = reverse("reporting:reporting_year_edit", kwargs={"pk": open_year.pk})
    html = client_as(bureau_admin).get(url).content.decode()
    assert 'id="missing-factors"' in html and "电网排放因子" in html
    complete = f.verification_reporting_year(2025)  # 2025 has both factors
    url = reverse("reporting:reporting_year_edit", kwargs={"pk": complete.pk})
    assert 'id="missing-factors"' not in client_as(bureau_admin).get(url).content.decode()


def _no_english(message: str) -> bool:
    return not re.search(r"[A-Za-z]{2,}", re.sub(r"tCO2e?|MWh|GJ", "", message))


def test_upload_error_names_the_missing_factor_in_chinese(client_as, draft, ent_a):
    data = _xlsx([["1号机组", "electricity", None, None, 18540]])
    response = _upload(client_as(ent_a), draft, data)
    assert response.status_code == 200
    reasons = [e.message for e in response.context["result"].errors]
    message = next(m for m in reasons if "排放因子" in m)
    assert f"{YEAR}" in message and "电网排放因子" in message and "市生态环境局" in message
    assert _no_english(message), message
    assert not ReportLine.objects.filter(version=draft.current_version).exists()
    assert HEADERS  # the workbook is the report template's


def test_heat_line_names_the_heat_factor(client_as, draft, ent_a):
    response = _upload(client_as(ent_a), draft, _xlsx([["1号机组", "heat", None, None, 5000]]))
    message = " ".join(e.message for e in response.context["result"].errors)
    assert "热力排放因子" in message and f"{YEAR}" in message and _no_english(message)


def test_line_form_error_names_the_factor(client_as, draft, ent_a):
    from django.core.exceptions import ValidationError

    from reporting.selectors.reports import compute_line

    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        compute_line(enterprise=draft.enterprise, year=YEAR,
                     data={"source_kind": "electricity", "activity": D("10")})
    message = " ".join(exc.value.messages)
    assert "电网排放因子" in message and "grid" not in message


def test_reporting_catalog_has_no_english_words():
    """Units and file formats are written as such; everything else is Chinese."""
    allowed = {"tCO2e", "tCO2", "MWh", "GJ", "PDF", "JPEG", "PNG", "Excel", "xlsx", "tC", "Nm",
               "JSON", "facility", "source_kind", "verified", "SHA"}
    po = polib.pofile(str(Path(__file__).resolve().parents[2]
                          / "reporting/locale/zh_Hans/LC_MESSAGES/django.po"))
    offenders = []
    for entry in po:
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            text = re.sub(r"%\(\w+\)[-+ #0-9.]*[sdf]|%[sd]", "", text)
            words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]+", text)) - allowed
            if words:
                offenders.append((entry.msgid, sorted(words)))
    assert offenders == []
