"""Excel formula injection (OWASP "CSV injection", issue 10 §3): text typed by anyone (an
agency's contact, an applicant's name, a facility name) is written to every export and
template as text, never as a live formula; a downloaded template uploads back unchanged."""

import io

import pytest
from django.apps import apps
from django.db import DatabaseError, models, transaction
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.test_url_matrix import OK, PERSONAS, PORTAL_APPS, RULES, client_for, ctx  # noqa: F401
from zhongwei_carbon.excel import FORMULA_TRIGGERS, cell_text, cell_value, text_cell

HOSTILE = '=HYPERLINK("http://evil.invalid","点击")'
SHORT = "@SUM(1)"
# fields the portal looks things up by, or that hold codes: poisoning them tests nothing
KEEP = {"username", "password", "email", "phone", "uscc", "code", "key", "verb", "reference",
        "kind", "status", "role", "unit", "sha256", "digest", "token", "language"}


def test_text_cell_escapes_every_trigger_and_cell_text_reads_it_back():
    for trigger in FORMULA_TRIGGERS:
        text = f"{trigger}cmd|' /C calc'!A0"
        assert text_cell(text) == "'" + text
        assert cell_text(text_cell(text)) == text.strip()
    assert text_cell("宁夏中卫热电有限公司") == "宁夏中卫热电有限公司"
    assert cell_value(-5) == -5  # numbers stay numbers
    assert cell_text("'plain quote") == "'plain quote"  # only a quote before a trigger is ours


def _poison() -> int:
    changed = 0
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in PORTAL_APPS or meta.proxy or meta.label.split(".")[1].startswith(
                "Historical"):
            continue
        updates = {}
        for field in meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or field.choices:
                continue
            if field.unique or field.primary_key or any(k in field.name for k in KEEP):
                continue
            limit = field.max_length or 10_000
            if limit >= len(HOSTILE) + 12:  # + the row's pk: names unique per enterprise stay so
                updates[field.name] = Concat(Value(HOSTILE), Cast("pk", models.CharField()))
            else:
                updates[field.name] = SHORT[:limit]
        if not updates:
            continue
        try:
            with transaction.atomic():  # frozen rows (published lists, ledger) refuse: fine
                changed += model.objects.update(**updates)
        except DatabaseError:
            pass
    return changed


def _workbook_urls():
    for name, (build, expected) in sorted(RULES.items()):
        if expected and ("export" in name or "template" in name):
            persona = next((p for p in PERSONAS if expected.get(p) == OK), None)
            if persona is not None:
                yield name, build, persona


@pytest.mark.django_db
def test_every_export_writes_typed_text_as_text(ctx):  # noqa: F811
    assert _poison() > 0
    checked = []
    for name, build, persona in _workbook_urls():
        response = client_for(ctx[persona]).get(reverse(name, kwargs=build(ctx)))
        assert response.status_code == 200, name
        if "spreadsheetml" not in response.get("Content-Type", ""):
            continue
        workbook = load_workbook(io.BytesIO(response.getvalue()))
        hostile_seen = False
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{name} {sheet.title}!{cell.coordinate}"
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(FORMULA_TRIGGERS), (
                            f"{name} {sheet.title}!{cell.coordinate}: {cell.value}")
                        hostile_seen |= cell.value.startswith(("'" + HOSTILE, "'" + SHORT))
        checked.append((name, hostile_seen))
    assert len(checked) >= 20, checked
    # the typed text reaches the exports (escaped), so the check above is not vacuous
    assert sum(seen for _name, seen in checked) >= 10, checked


def test_a_workbook_with_a_quoted_name_reads_back_the_name():
    wb = Workbook()
    wb.active.append([text_cell("=机组一")])
    buffer = io.BytesIO()
    wb.save(buffer)
    value = load_workbook(io.BytesIO(buffer.getvalue())).active["A1"].value
    assert value == "'=机组一" and cell_text(value) == "=机组一"
