"""Excel import: the columns of each sheet and how one cell is read and checked.

Headers and sheet names are part of the file format (fixed Chinese, as in the template);
reasons are translated messages. A cell holding a formula (``=...``) is always an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import rules
from registry.choices import EnterpriseStatus, FacilityStatus, FacilityType, Fuel, RecordSource
from registry.models import Area, EmissionRecord, Enterprise, Facility, Sector
from zhongwei_carbon import uscc
from zhongwei_carbon.excel import cell_date as _date
from zhongwei_carbon.excel import cell_decimal as _decimal
from zhongwei_carbon.excel import cell_text as _text

SHEET_ENTERPRISES = "企业"
SHEET_FACILITIES = "设施"
SHEET_RECORDS = "排放记录"
MAX_ROWS_PER_SHEET = 5000  # data rows per sheet, blank ones included (zhongwei_carbon.excel)
FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class Col:
    """One column of an import sheet. ``header`` is part of the file format (fixed Chinese)."""

    key: str
    header: str
    kind: str  # text, uscc, area, sector, email, decimal, date, year, choice
    required: bool = False
    help: str = ""
    choices: type | None = None
    max_length: int | None = None


ENTERPRISE_COLUMNS = [
    Col(
        "uscc",
        "统一社会信用代码",
        "uscc",
        True,
        gettext_lazy("18 characters; an existing code updates that enterprise"),
    ),
    Col("name", "企业名称", "text", True, gettext_lazy("Full registered name"), max_length=200),
    Col(
        "area", "所属区域", "area", True, gettext_lazy("Area code or name, e.g. 640502 or 沙坡头区")
    ),
    Col(
        "sector",
        "所属行业",
        "sector",
        True,
        gettext_lazy("Sector code or name, e.g. power or 发电"),
    ),
    Col("address", "地址", "text", help=gettext_lazy("Optional"), max_length=300),
    Col("legal_representative", "法定代表人", "text", help=gettext_lazy("Optional"), max_length=60),
    Col("contact_person", "联系人", "text", help=gettext_lazy("Optional"), max_length=60),
    Col("contact_phone", "联系电话", "text", help=gettext_lazy("Optional"), max_length=30),
    Col("contact_email", "电子邮箱", "email", help=gettext_lazy("Optional")),
    Col(
        "status",
        "状态",
        "choice",
        help=gettext_lazy("Optional; default: operating"),
        choices=EnterpriseStatus,
    ),
]
FACILITY_COLUMNS = [
    Col(
        "uscc",
        "企业统一社会信用代码",
        "uscc",
        True,
        gettext_lazy("An enterprise in the registry or on the 企业 sheet"),
    ),
    Col(
        "name",
        "设施名称",
        "text",
        True,
        gettext_lazy("Unique within the enterprise; an existing name updates that facility"),
        max_length=120,
    ),
    Col(
        "facility_type",
        "设施类型",
        "choice",
        True,
        gettext_lazy("Choose from the list"),
        choices=FacilityType,
    ),
    Col(
        "capacity_mw",
        "装机容量(MW)",
        "decimal",
        help=gettext_lazy("Optional; a number ≥ 0, at most 2 decimals"),
    ),
    Col(
        "main_fuel",
        "主要燃料",
        "choice",
        help=gettext_lazy("Optional; choose from the list"),
        choices=Fuel,
    ),
    Col(
        "commissioned_on",
        "投产日期",
        "date",
        help=gettext_lazy("Optional; a date such as 2015-06-30"),
    ),
    Col(
        "status",
        "状态",
        "choice",
        help=gettext_lazy("Optional; default: operating"),
        choices=FacilityStatus,
    ),
]
RECORD_COLUMNS = [
    Col(
        "uscc",
        "统一社会信用代码",
        "uscc",
        True,
        gettext_lazy("An enterprise in the registry or on the 企业 sheet"),
    ),
    Col("year", "年度", "year", True, gettext_lazy("The year the figures are for, e.g. 2024")),
    Col(
        "emissions_tco2e",
        "排放量(tCO2e)",
        "decimal",
        True,
        gettext_lazy("A number ≥ 0, at most 2 decimals"),
    ),
    Col(
        "energy_tce",
        "综合能耗(tce)",
        "decimal",
        help=gettext_lazy("Optional; a number ≥ 0, at most 2 decimals"),
    ),
    Col(
        "source",
        "数据来源",
        "choice",
        True,
        gettext_lazy("Choose from the list"),
        choices=RecordSource,
    ),
    Col("note", "备注", "text", help=gettext_lazy("Optional"), max_length=300),
]
SHEETS = [
    (SHEET_ENTERPRISES, ENTERPRISE_COLUMNS),
    (SHEET_FACILITIES, FACILITY_COLUMNS),
    (SHEET_RECORDS, RECORD_COLUMNS),
]


# --- cell parsing -----------------------------------------------------------------------


def _choice_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices.choices:
        lookup[value.lower()] = value
        for lang in ("en", "zh-hans", translation.get_language() or "zh-hans"):
            with translation.override(lang):
                lookup[str(label).strip().lower()] = value
    return lookup


class ImportContext:
    """Reference data loaded once per run (the city has few areas, sectors, enterprises)."""

    def __init__(self):
        self.areas = {}
        for a in Area.objects.all():
            for key in (a.code, a.name, a.name_en):
                if key:
                    self.areas[key.strip().lower()] = a
        self.sectors = {}
        for s in Sector.objects.all():
            for key in (s.code, s.name, s.name_en):
                if key:
                    self.sectors[key.strip().lower()] = s
        self.choices = {
            c: _choice_lookup(c)
            for c in (EnterpriseStatus, FacilityStatus, FacilityType, Fuel, RecordSource)
        }
        self.enterprises: dict[str, int] = dict(Enterprise.objects.values_list("uscc", "pk"))
        self.facilities = set(Facility.objects.values_list("enterprise_id", "name"))
        self.records = {
            (e, y): s
            for e, y, s in EmissionRecord.objects.values_list("enterprise_id", "year", "source")
        }


def parse_cell(col: Col, value, ctx: ImportContext):
    """``(clean value, None)`` or ``(None, reason)``; a blank optional cell gives ``(None, None)``."""
    if isinstance(value, str) and value.strip().startswith("="):
        return None, _("Formulas are not accepted: type the value itself.")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, (_("This field is required.") if col.required else None)
    kind = col.kind
    if kind == "uscc":
        code = uscc.normalize(_text(value))
        reason = uscc.problem(code)
        return (None, reason) if reason else (code, None)
    if kind == "text":
        text = _text(value)
        if col.max_length and len(text) > col.max_length:
            return None, _("At most %(n)d characters (this has %(len)d).") % {
                "n": col.max_length,
                "len": len(text),
            }
        return text, None
    if kind == "email":
        text = _text(value)
        try:
            validate_email(text)
        except ValidationError:
            return None, _("Not a valid e-mail address: %(value)s") % {"value": text}
        return text, None
    if kind in ("area", "sector"):
        table = ctx.areas if kind == "area" else ctx.sectors
        found = table.get(_text(value).lower())
        if found is None:
            msg = _("Unknown area: %(value)s") if kind == "area" else _("Unknown sector: %(value)s")
            return None, msg % {"value": _text(value)}
        return found, None
    if kind == "choice":
        found = ctx.choices[col.choices].get(_text(value).lower())
        if found is None:
            return None, _("Not one of the allowed values: %(value)s") % {"value": _text(value)}
        return found, None
    if kind == "decimal":
        try:
            number = _decimal(value)
        except (ValueError, InvalidOperation):
            return None, _("Not a number: %(value)s") % {"value": _text(value)}
        if number < 0:
            return None, _("Must not be negative (got %(value)s).") % {"value": number}
        if number != number.quantize(Decimal("0.01")):
            return None, _("At most 2 decimal places (got %(value)s).") % {"value": number}
        if number >= Decimal("1e12"):
            return None, _("The number is too large: %(value)s") % {"value": number}
        return number.quantize(Decimal("0.01")), None
    if kind == "date":
        try:
            return _date(value), None
        except ValueError:
            return None, _("Not a date (use YYYY-MM-DD): %(value)s") % {"value": _text(value)}
    if kind == "year":
        try:
            number = _decimal(value)
            if number != number.to_integral_value():
                raise ValueError
            year = int(number)
        except (ValueError, InvalidOperation):
            return None, _("Not a year: %(value)s") % {"value": _text(value)}
        years = rules.record_years(timezone.localdate())
        if year not in years:
            return None, _("The year must be between %(low)d and %(high)d.") % {
                "low": years[0],
                "high": years[-1],
            }
        return year, None
    raise AssertionError(kind)
