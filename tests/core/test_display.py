"""Histories and activity lines in words (issue 9, point 9): for every model kept by
django-simple-history, a change of its foreign keys, booleans, choices and files is shown by
name and label, never as an id, a code, True/False or a storage path."""

from __future__ import annotations

import copy
import re
from datetime import timedelta

import pytest
from django.db import models
from django.utils import timezone
from simple_history.models import registered_models

from tests.test_url_matrix import ctx  # noqa: F401  (builds a row of every kind)
from zhongwei_carbon import display

STORED_FILE = "uploads/2025/scan_Ab12Cd3.pdf"


def _history_models():
    return sorted(
        (m for m in registered_models.values() if not m._meta.auto_created),
        key=lambda m: m._meta.label,
    )


def _other(field, current):
    """A value of ``field`` different from ``current`` (the stored value), or ``None``."""
    if isinstance(field, models.ForeignKey):
        other = field.related_model._default_manager.exclude(pk=current).order_by("pk").first()
        return other.pk if other is not None else None
    if isinstance(field, models.FileField):
        return STORED_FILE
    if isinstance(field, models.BooleanField):
        return not current
    if isinstance(field, models.DateTimeField) or not field.editable:
        return None
    if isinstance(field, models.DateField) and current is not None and not field.unique:
        return current - timedelta(days=1)
    if field.choices:
        return next((code for code, _label in field.flatchoices if code != current), None)
    return None


def _interesting(field):
    kinds = models.ForeignKey | models.FileField | models.BooleanField | models.DateField
    return isinstance(field, kinds) or bool(getattr(field, "choices", None))


def _extra_rows():
    """Rows of the kinds the URL matrix does not build."""
    from datetime import date
    from decimal import Decimal

    from allowances.models import CCERProject, DailyPrice, MonthlyPrice

    CCERProject.objects.get_or_create(code="CCER-T-1", defaults={"name": "光伏项目"})
    MonthlyPrice.objects.get_or_create(
        month=date(2025, 11, 1), defaults={"average_price": Decimal("80.00"), "source": "t"}
    )
    DailyPrice.objects.get_or_create(
        day=date(2025, 11, 3),
        defaults={"average_price": Decimal("80.00"), "volume": 1000, "source": "t"},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("model", _history_models(), ids=lambda m: m._meta.label)
def test_history_rows_show_names_not_ids(model, ctx):  # noqa: F811
    _extra_rows()
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the URL matrix builds no {model._meta.label}"
    tracked = {f.name for f in model.history.model.tracked_fields}
    older = copy.copy(obj)
    mutated = {}
    for field in model._meta.concrete_fields:
        if field.name not in tracked or field.primary_key or not _interesting(field):
            continue
        new = _other(field, getattr(obj, field.attname))
        if new is None:
            continue
        setattr(older, field.attname, new)
        mutated[field.name] = field
    editor = ctx["bureau_admin"]
    later = timezone.now() + timedelta(minutes=1)  # after the rows the fixture recorded
    model.history.bulk_history_create([older], update=True, default_user=editor,
                                      default_date=later)
    model.history.bulk_history_create([obj], update=True, default_user=editor,
                                      default_date=later + timedelta(minutes=1))

    row = display.history_rows(obj, limit=1)[0]
    assert row["user"] == editor.full_name
    shown = {str(c["field"]): c for c in row["changes"]}
    for name, field in mutated.items():
        change = shown[str(field.verbose_name)]
        for side, raw in (("old", getattr(older, field.attname)), ("new", getattr(obj, field.attname))):
            text = str(change[side])
            assert text not in ("True", "False"), (name, text)
            if isinstance(field, models.ForeignKey):
                assert not re.fullmatch(r"\d+", text), (name, text)
                assert "#" not in text and "pk=" not in text, (name, text)
            elif isinstance(field, models.FileField):
                assert "/" not in text and "Ab12Cd3" not in text, (name, text)
            elif isinstance(field, models.BooleanField):
                assert text in ("是", "否", "Yes", "No", "—"), (name, text)
            elif isinstance(field, models.DateTimeField):
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text), (name, text)
            elif isinstance(field, models.DateField):
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text), (name, text)
            elif field.choices and raw not in (None, ""):
                label = str(dict(field.flatchoices).get(raw, raw))
                assert text == label, (name, text)


def test_file_name_drops_folders_and_storage_suffix():
    assert display.file_name(STORED_FILE) == "scan.pdf"
    assert display.file_name("") == "—"


def test_yes_no_in_chinese():
    assert (display.yes_no(True), display.yes_no(False)) == ("是", "否")


@pytest.mark.django_db
def test_ledger_references_in_words(ctx):  # noqa: F811
    from allowances.models import LedgerEntry

    case, alloc = ctx["penalty_a"], ctx["allocation_a"]
    entry = ctx["entry_a"]
    name = ctx["enterprise_a"].name
    assert display.reference("final_allocation:2025") == "2025年度核定配额"
    assert display.reference("pre_allocation:2025") == "2025年度预分配配额"
    assert display.reference("surrender:2025") == "2025年度配额清缴"
    assert display.reference(f"penalty:{case.pk}") == f"{name}2025年度未足额清缴处罚案"
    assert display.reference(f"allocation:{alloc.pk}") == f"向{name}发放2025年度配额"
    reversal = display.reference(f"reverses:{entry.pk} 录入错误")
    when = display.when(entry.created_at)
    assert reversal == f"冲正{when}的转入 +10 吨：录入错误"
    # a trade number typed by the bureau stays as typed; a record that is gone too
    assert display.reference("CEA-2025-0042") == "CEA-2025-0042"
    assert display.reference("penalty:999999") == "penalty:999999"
    assert display.reference("") == "—"
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_account_page_and_entry_page_word_the_reference(ctx):  # noqa: F811
    from django.urls import reverse

    from allowances.models import LedgerEntry
    from tests.conftest import client_for

    entry = ctx["entry_a"]
    LedgerEntry.objects.create(
        holding=entry.holding, kind="final_allocation", quantity=5,
        reference="final_allocation:2025", actor=ctx["bureau_admin"],
    )
    client = client_for(ctx["ent_a"])
    page = client.get(reverse("allowances:account_detail", kwargs={"pk": ctx["account_a"].pk}))
    html = page.content.decode()
    assert "2025年度核定配额" in html and "final_allocation:2025" not in html
    new = LedgerEntry.objects.get(reference="final_allocation:2025")
    html = client.get(reverse("allowances:entry_detail", kwargs={"pk": new.pk})).content.decode()
    assert "2025年度核定配额" in html and "final_allocation:2025" not in html


@pytest.mark.django_db
def test_surrender_units_in_history_name_the_ccer_project():
    from allowances.models import CCERProject, SurrenderRequest

    project = CCERProject.objects.create(code="CCER-T-9", name="中卫光伏电站项目")
    ccer = SurrenderRequest._meta.get_field("ccer")
    cea = SurrenderRequest._meta.get_field("cea")
    assert display.value(ccer, [[project.pk, 2025, 1200]]) == "中卫光伏电站项目 2025年度 1,200 吨"
    assert display.value(cea, [[2025, 30000]]) == "2025年度配额 30,000 吨"
    assert display.value(ccer, []) == "—"


@pytest.mark.django_db
def test_report_page_names_the_process_formula_and_its_inputs_in_words(ctx):  # noqa: F811
    from decimal import Decimal

    from django.urls import reverse

    from reporting.models import ReportLine
    from tests.conftest import client_for

    report = ctx["report_a"]
    ReportLine.objects.create(
        version=report.current_version, source_kind="process", process_formula="cement_clinker",
        parameters={"clinker_t": "1000", "cao_fraction": "0.65", "mgo_fraction": "0.02"},
        activity=Decimal("1000"), emissions=Decimal("532.41"),
    )
    html = client_for(ctx["ent_a"]).get(
        reverse("reporting:report_detail", kwargs={"pk": report.pk})
    ).content.decode()
    assert "水泥熟料煅烧" in html and "熟料产量（吨） 1000" in html
    assert "cement_clinker" not in html and "clinker_t" not in html


@pytest.mark.django_db
def test_surrender_page_names_the_ccer_project_not_its_id(ctx):  # noqa: F811
    from django.urls import reverse

    from allowances.models import CCERProject
    from tests.conftest import client_for

    project = CCERProject.objects.create(code="CCER-T-7", name="海原风电项目")
    surrender = ctx["surrender_a"]
    surrender.ccer = [[project.pk, 2025, 5]]
    surrender.save()
    html = client_for(ctx["ent_a"]).get(
        reverse("allowances:surrender_detail", kwargs={"pk": surrender.pk})
    ).content.decode()
    assert "海原风电项目" in html
    assert f"#{project.pk} 2025" not in html



def test_a_foreign_key_set_for_the_first_time_was_empty_not_deleted():
    """simple-history gives an empty foreign key as a "deleted object" without a key: a
    history reads "— → the user" then, and "user (deleted)" only for a row really gone."""
    from django.utils import translation
    from simple_history.models import DeletedObject

    from accounts.models import User

    assert display.related(DeletedObject(User, None)) == display.EMPTY
    with translation.override("zh-hans"):
        assert display.related(DeletedObject(User, 12345)) == "用户（已删除）"
