"""Changes to the CCER project library (DESIGN.md §4.2: keyword arguments, one transaction,
``full_clean``, a business event on the project).

Stage changes follow ``programme.ccer_rules.TRANSITIONS``; a forbidden one is a
``ValidationError`` naming both stages. Registering a project creates (or links) the
``allowances.CCERProject`` whose units the ledger carries."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allowances.models import CCERProject
from programme import ccer_rules as rules
from programme.models import CCERLibraryProject, CCERReduction, CCERStage
from zhongwei_carbon import events, roles, scoping
from zhongwei_carbon.roles import Perm

PROJECT_FIELDS = (
    "code", "name", "owner_enterprise", "owner_name", "area", "project_type", "methodology_code",
    "methodology_name", "capacity", "capacity_unit", "crediting_start", "crediting_end",
    "description",
)
CODE_PREFIX = "ZW-CCER-"

ISSUED_PROBLEMS = {
    "not_registered": lambda: _("Issued reductions can be recorded only once the project is "
                                "registered."),
    "no_expected": lambda: _("Enter the expected reductions of this year (from the design "
                             "document) before the issued ones."),
    "above_expected": lambda: _("The issued reductions exceed the expected reductions of this "
                                "year: revise the design document's estimate first."),
}


def next_code() -> str:
    """The next free library number, ZW-CCER-001, ZW-CCER-002…"""
    numbers = [
        int(m.group(1)) for code in CCERLibraryProject.objects.filter(
            code__startswith=CODE_PREFIX).values_list("code", flat=True)
        if (m := re.fullmatch(re.escape(CODE_PREFIX) + r"(\d+)", code))
    ]
    return f"{CODE_PREFIX}{max(numbers, default=0) + 1:03d}"


def _apply(project: CCERLibraryProject, data: dict) -> dict:
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown CCER project fields: {sorted(unknown)}")
    changes = {}
    for field, value in data.items():
        if field in ("owner_name", "methodology_code", "methodology_name", "description",
                     "capacity_unit", "code"):
            value = (value or "").strip()
        before = getattr(project, field, None)  # an unset relation reads as None
        if before != value:
            changes[field] = [str(before) if before is not None else None,
                              str(value) if value is not None else None]
            setattr(project, field, value)
    if project.owner_enterprise_id:
        project.owner_name = ""
    return changes


def _clean(project: CCERLibraryProject) -> None:
    errors = {}
    if not project.owner_enterprise_id and not project.owner_name:
        errors["owner_name"] = _("Choose the owner enterprise or type the owner's name.")
    if (project.crediting_start and project.crediting_end
            and project.crediting_end < project.crediting_start):
        errors["crediting_end"] = _("The crediting period ends before it starts.")
    if project.capacity is not None and not project.capacity_unit:
        errors["capacity_unit"] = _("Choose the unit of the scale.")
    if errors:
        raise ValidationError(errors)
    project.full_clean()


def _labels(fields) -> str:
    return ", ".join(str(CCERLibraryProject._meta.get_field(f).verbose_name) for f in fields)


@transaction.atomic
def project_create(*, actor, data: dict) -> CCERLibraryProject:
    """A new project, always at the idea stage. An area official proposes projects of his own
    area only (the bureau admin any)."""
    data = dict(data)
    if not (data.get("code") or "").strip():
        data["code"] = next_code()
    project = CCERLibraryProject(created_by=actor)
    _apply(project, data)
    if project.area_id and not scoping.covers(actor, Perm.PROPOSE_CCER_PROJECT, project):
        raise ValidationError({"area": _("You may propose projects of your own area only.")})
    _clean(project)
    project.save()
    events.record(
        actor=actor, verb="ccer.created", target=project,
        message=_("Project entered in the library at the idea stage: %(name)s")
        % {"name": project.name},
        data={"code": project.code},
    )
    return project


@transaction.atomic
def project_update(*, actor, project: CCERLibraryProject, data: dict) -> CCERLibraryProject:
    project = CCERLibraryProject.objects.select_for_update(no_key=True).get(pk=project.pk)
    if project.stage == CCERStage.WITHDRAWN:
        raise ValidationError(_("A withdrawn project cannot be changed."))
    changes = _apply(project, data)
    if not changes:
        return project
    _clean(project)
    project.save()
    if project.registered_project_id and "name" in changes:
        CCERProject.objects.filter(pk=project.registered_project_id).update(name=project.name)
    events.record(
        actor=actor, verb="ccer.changed", target=project,
        message=_("Project changed: %(fields)s") % {"fields": _labels(changes)},
        data={"changes": changes},
    )
    return project


def _link_registry_project(project, *, code: str, inside_national_ets: bool) -> CCERProject:
    """The registry's CCER project of ``code``: the existing one (the ledger's units may already
    carry it), else a new one; never one another library project is linked to."""
    code = (code or "").strip()
    if not code:
        raise ValidationError({"registry_code": _("Enter the project's registration code.")})
    existing = CCERProject.objects.filter(code=code).first()
    if existing is not None:
        other = CCERLibraryProject.objects.filter(registered_project=existing).exclude(
            pk=project.pk).first()
        if other is not None:
            raise ValidationError({"registry_code": _(
                "This registration code already belongs to library project %(other)s."
            ) % {"other": other}})
        if not existing.project_type:
            existing.project_type = project.get_project_type_display()
            existing.save(update_fields=["project_type"])
        return existing
    registered = CCERProject(
        code=code, name=project.name, project_type=project.get_project_type_display(),
        inside_national_ets=inside_national_ets,
    )
    registered.full_clean()
    registered.save()
    return registered


def _stage_date(project, target: str, on: date) -> None:
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    earlier = [getattr(project, rules.STAGE_DATE_FIELD[s]) for s in rules.STAGE_DATE_FIELD
               if s != target and s != rules.WITHDRAWN]
    latest = max((d for d in earlier if d), default=None)
    if target != rules.DESIGN and latest and on < latest:
        raise ValidationError({"on": _(
            "The date cannot be before the project's previous stage (%(date)s)."
        ) % {"date": latest.isoformat()}})


@transaction.atomic
def project_move(*, actor, project: CCERLibraryProject, to_stage: str, on: date | None = None,
                 note: str = "", registry_code: str = "",
                 inside_national_ets: bool = False) -> CCERLibraryProject:
    """Move ``project`` to ``to_stage`` on date ``on`` (today by default). Registering needs
    the registration code (creates or links the registry's CCER project); the issuance stage
    needs issued reductions recorded first."""
    project = CCERLibraryProject.objects.select_for_update(no_key=True).get(pk=project.pk)
    before = project.stage
    if to_stage not in CCERStage.values or not rules.may_move(before, to_stage):
        raise ValidationError({"to_stage": _(
            "A project at stage “%(current)s” cannot move to “%(target)s”."
        ) % {"current": project.get_stage_display(),
             "target": dict(CCERStage.choices).get(to_stage, to_stage)}})
    on = on or timezone.localdate()
    _stage_date(project, to_stage, on)
    if to_stage == rules.ISSUED and not project.reductions.filter(issued_tco2e__gt=0).exists():
        raise ValidationError({"to_stage": _(
            "Record the issued reductions of at least one year before marking the issuance."
        )})
    if to_stage == rules.REGISTERED:
        project.registered_project = _link_registry_project(
            project, code=registry_code, inside_national_ets=inside_national_ets)
    if to_stage == rules.WITHDRAWN:
        project.stage_before_withdrawal = before
    if to_stage == rules.DESIGN and before == rules.VALIDATION:
        project.validation_on = None  # validation failed: back to the design document
    setattr(project, rules.STAGE_DATE_FIELD[to_stage], on)
    project.stage = to_stage
    project.full_clean()
    project.save()
    target_label = project.get_stage_display()
    message = _("Stage changed to “%(stage)s” on %(date)s") % {
        "stage": target_label, "date": on.isoformat()}
    if note:
        message = f"{message}: {note}"
    events.record(
        actor=actor, verb="ccer.stage", target=project, message=message,
        data={"from": before, "to": to_stage, "on": on, "note": note,
              "registry_code": project.registered_project.code
              if project.registered_project_id else ""},
    )
    return project


def _figure(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError({field: _("Enter a number that is not negative.")})
    return number.quantize(rules.TCO2E)


def _keeps_issued(project) -> None:
    if project.stage == CCERStage.ISSUED and not project.reductions.filter(
            issued_tco2e__gt=0).exists():
        raise ValidationError({"issued_tco2e": _(
            "A project at the issuance stage keeps at least one year of issued reductions.")})


@transaction.atomic
def reduction_set(*, actor, project: CCERLibraryProject, year: int, expected=None,
                  issued=None) -> CCERReduction | None:
    """Record a year's expected and issued reductions (tCO2e); both blank removes the year."""
    project = CCERLibraryProject.objects.select_for_update(no_key=True).get(pk=project.pk)
    if project.stage == CCERStage.WITHDRAWN:
        raise ValidationError(_("A withdrawn project cannot be changed."))
    if not isinstance(year, int) or not rules.YEAR_MIN <= year <= rules.YEAR_MAX:
        raise ValidationError({"year": _("Enter a year between %(low)d and %(high)d.") % {
            "low": rules.YEAR_MIN, "high": rules.YEAR_MAX}})
    expected, issued = _figure(expected, "expected_tco2e"), _figure(issued, "issued_tco2e")
    start, end = project.crediting_start, project.crediting_end
    if (start and year < start.year) or (end and year > end.year):
        raise ValidationError({"year": _(
            "The year is outside the crediting period (%(start)s to %(end)s)."
        ) % {"start": start or "…", "end": end or "…"}})
    if issued is not None and year > timezone.localdate().year:
        raise ValidationError({"issued_tco2e": _("Reductions of a future year cannot be issued.")})
    problem = rules.issued_problem(stage=project.stage, expected=expected, issued=issued)
    if problem:
        raise ValidationError({"issued_tco2e": ISSUED_PROBLEMS[problem]()})
    row = CCERReduction.objects.filter(project=project, year=year).first()
    if expected is None and issued is None:
        if row is not None:
            row.delete()
            events.record(actor=actor, verb="ccer.reductions", target=project,
                          message=_("Reductions of %(year)d removed") % {"year": year},
                          data={"year": year})
        _keeps_issued(project)
        return None
    row = row or CCERReduction(project=project, year=year)
    row.expected_tco2e, row.issued_tco2e = expected, issued
    row.full_clean()
    row.save()
    _keeps_issued(project)  # a refusal rolls the whole change back
    events.record(
        actor=actor, verb="ccer.reductions", target=project,
        message=_("Reductions of %(year)d: expected %(expected)s t, issued %(issued)s t") % {
            "year": year, "expected": expected if expected is not None else "—",
            "issued": issued if issued is not None else "—"},
        data={"year": year, "expected": expected, "issued": issued},
    )
    return row


def may_edit(user, project: CCERLibraryProject) -> bool:
    return roles.has_perm(user, Perm.MANAGE_CCER_LIBRARY) and project.stage != CCERStage.WITHDRAWN


class _DryRun(Exception):
    pass


def project_move_check(**kwargs) -> None:
    """Run ``project_move``'s every check and write nothing (the confirmation step)."""
    try:
        with transaction.atomic():
            project_move(**kwargs)
            raise _DryRun
    except _DryRun:
        pass
