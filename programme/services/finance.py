"""State changes of the climate-finance project library (卫政办发〔2023〕61号 task 10).

The workflow is ``TRANSITIONS``: draft → submitted → reviewed by the bureau → reviewed by
development-reform (the department ``REFORM_DEPARTMENT`` holding the climate-finance grant) →
in the library → pushed to banks; either reviewer may return the project (the proposer
revises and submits again) or reject it. Every hand-off notifies (Topic.PROGRAMME, a to-do)
the ones who act next; a bank's response goes to the bureau and the proposer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from programme.models import (
    BankResponse,
    ClimateProject,
    ClimateProjectAttachment,
    ClimateProjectReview,
    ClimateProjectShare,
    ClimateProjectStatus,
    ReviewDecision,
    ReviewStage,
    ShareKind,
)
from registry.choices import Dataset, DepartmentKind
from registry.models import Department
from registry.selectors.grants import granted_department_ids
from zhongwei_carbon import events, notifications, roles, uploads
from zhongwei_carbon.models import Topic
from zhongwei_carbon.roles import Perm, Role

S = ClimateProjectStatus
REFORM_DEPARTMENT = "development-reform"  # the department that reviews after the bureau

# (action, status) → the status it leads to: the one table of the workflow
TRANSITIONS: dict[tuple[str, str], str] = {
    ("submit", S.DRAFT): S.SUBMITTED,
    ("submit", S.RETURNED): S.SUBMITTED,
    ("bureau_pass", S.SUBMITTED): S.BUREAU_REVIEWED,
    ("bureau_return", S.SUBMITTED): S.RETURNED,
    ("bureau_reject", S.SUBMITTED): S.REJECTED,
    ("reform_pass", S.BUREAU_REVIEWED): S.IN_LIBRARY,
    ("reform_return", S.BUREAU_REVIEWED): S.RETURNED,
    ("reform_reject", S.BUREAU_REVIEWED): S.REJECTED,
    ("push", S.IN_LIBRARY): S.PUSHED,
    ("push", S.PUSHED): S.PUSHED,
}
EDITABLE = (S.DRAFT, S.RETURNED)
FIELDS = ("title", "enterprise", "area", "category", "subtype", "total_investment",
          "financing_need", "annual_reduction", "description")


def allowed(project: ClimateProject, action: str) -> bool:
    return (action, project.status) in TRANSITIONS


def _move(project: ClimateProject, action: str) -> str:
    try:
        return TRANSITIONS[(action, project.status)]
    except KeyError:
        raise ValidationError(
            _("This project is %(status)s: that step is not possible now.")
            % {"status": project.get_status_display()}
        ) from None


def _locked(project) -> ClimateProject:
    return ClimateProject.objects.select_for_update(no_key=True).get(pk=project.pk)


def _link(project) -> str:
    return reverse("programme:climate_project_detail", args=[project.pk])


def _liaisons(department_id: int) -> list:
    return notifications.members(roles=[Role.DEPARTMENT_LIAISON], department_id=department_id)


def _notify(project, *, recipients, step: str, subject: str, todo: bool = True) -> None:
    notifications.notify(
        recipients=recipients, key=f"climate:{project.pk}:{step}", subject=subject,
        link=_link(project), topic=Topic.PROGRAMME, todo=todo, obj=project,
    )


def _event(actor, project, verb: str, message: str, **data) -> None:
    events.record(actor=actor, verb=f"programme.climate_{verb}", target=project,
                  message=message, data=data or None)


def _scope_of(actor, enterprise, area) -> None:
    """An enterprise proposes for itself, an official for its area."""
    mine = roles.memberships(actor)
    if any(m.role == Role.ENTERPRISE_USER and enterprise is not None
           and m.enterprise_id == enterprise.pk for m in mine):
        return
    if any(m.role == Role.AREA_OFFICIAL and area is not None and m.area_id == area.pk
           for m in mine):
        return
    raise ValidationError(_("You may propose projects only for your own enterprise or area."))


def _fill(project, actor, data: dict) -> None:
    for field in FIELDS:
        if field in data:
            setattr(project, field, data[field])
    if project.enterprise_id and project.area_id != project.enterprise.area_id:
        project.area = project.enterprise.area
    _scope_of(actor, project.enterprise, project.area if project.area_id else None)
    if (project.financing_need is not None and project.total_investment is not None
            and project.financing_need > project.total_investment):
        raise ValidationError(
            {"financing_need": _("The financing need cannot exceed the total investment.")}
        )
    project.full_clean()


@transaction.atomic
def climate_project_create(*, actor, data: dict, files=()) -> ClimateProject:
    if not roles.has_perm(actor, Perm.PROPOSE_CLIMATE_PROJECT):
        raise ValidationError(_("Only enterprises and county or park officials propose projects."))
    project = ClimateProject(proposer=actor, status=S.DRAFT)
    _fill(project, actor, data)
    project.save()
    for f in files:
        _attach(actor, project, f)
    _event(actor, project, "created", _("Project drafted."))
    return project


@transaction.atomic
def climate_project_update(*, actor, project, data: dict, files=()) -> ClimateProject:
    project = _locked(project)
    if project.status not in EDITABLE:
        raise ValidationError(_("Only a draft or a returned project can be edited."))
    _fill(project, actor, data)
    project.save()
    for f in files:
        _attach(actor, project, f)
    _event(actor, project, "updated", _("Project edited."))
    return project


def _attach(actor, project, file) -> ClimateProjectAttachment:
    uploads.check_evidence(file, field="attachments")
    att = ClimateProjectAttachment(project=project, file=file, name=file.name[:200],
                                   uploaded_by=actor)
    att.save()
    return att


@transaction.atomic
def climate_project_submit(*, actor, project) -> ClimateProject:
    project = _locked(project)
    _scope_of(actor, project.enterprise, project.area)
    project.status = _move(project, "submit")
    project.submitted_at = timezone.now()
    project.save(update_fields=["status", "submitted_at"])
    notifications.resolve(project, key_prefix=f"climate:{project.pk}:returned")
    _event(actor, project, "submitted", _("Project submitted to the bureau."))
    _notify(project, recipients=notifications.bureau_staff(), step=f"submitted:{_round(project)}",
            subject=_("Climate-finance project to review: %(title)s") % {"title": project.title})
    return project


def _round(project) -> int:
    """Which submission this is (a returned project comes back as a new round)."""
    return project.reviews.filter(decision=ReviewDecision.RETURN).count() + 1


def reform_department() -> Department:
    dep = Department.objects.filter(code=REFORM_DEPARTMENT, is_active=True).first()
    if dep is None or dep.grants.filter(
        dataset=Dataset.CLIMATE_FINANCE, revoked_at__isnull=True
    ).count() == 0:
        raise ValidationError(_(
            "No development-reform department holds the climate-finance grant: "
            "grant it on the departments page first."
        ))
    return dep


def _is_liaison_of(actor, department_id: int) -> bool:
    return department_id in granted_department_ids(actor, Dataset.CLIMATE_FINANCE)


@transaction.atomic
def climate_project_review(*, actor, project, decision: str, opinion: str = "") -> ClimateProject:
    """The bureau's review (of a submitted project) or development-reform's (after the
    bureau's): pass, return with a reason, or reject with a reason."""
    project = _locked(project)
    decision = ReviewDecision(decision)
    opinion = (opinion or "").strip()
    if decision != ReviewDecision.PASS and not opinion:
        raise ValidationError({"opinion": _("Give the reason for returning or rejecting.")})
    if project.status == S.SUBMITTED:
        stage = ReviewStage.BUREAU
        if not roles.has_perm(actor, Perm.REVIEW_CLIMATE_PROJECT):
            raise ValidationError(_("Only the bureau reviews a submitted project."))
    elif project.status == S.BUREAU_REVIEWED:
        stage = ReviewStage.REFORM
        if not _is_liaison_of(actor, reform_department().pk):
            raise ValidationError(_("Only development-reform reviews the project now."))
    else:
        _move(project, "bureau_pass")  # raises the clear error
        raise AssertionError  # pragma: no cover
    prefix = "bureau" if stage == ReviewStage.BUREAU else "reform"
    project.status = _move(project, f"{prefix}_{decision.value}")
    project.save(update_fields=["status"])
    ClimateProjectReview.objects.create(
        project=project, stage=stage, decision=decision, opinion=opinion, reviewer=actor,
        reviewed_at=timezone.now(),
    )
    notifications.resolve(project, key_prefix=f"climate:{project.pk}:")
    _event(actor, project, f"{prefix}_{decision.value}",
           _("%(stage)s: %(decision)s.") % {"stage": stage.label, "decision": decision.label},
           opinion=opinion)
    proposer = [project.proposer]
    if decision == ReviewDecision.PASS and stage == ReviewStage.BUREAU:
        dep = reform_department()
        ClimateProjectShare.objects.get_or_create(
            project=project, department=dep, kind=ShareKind.REVIEW,
            defaults={"shared_by": actor, "shared_at": timezone.now()},
        )
        _notify(project, recipients=_liaisons(dep.pk), step=f"reform:{_round(project)}",
                subject=_("Climate-finance project for your review: %(title)s")
                % {"title": project.title})
    elif decision == ReviewDecision.RETURN:
        _notify(project, recipients=proposer, step=f"returned:{_round(project)}",
                subject=_("Your climate-finance project was returned: %(title)s")
                % {"title": project.title})
    else:
        _notify(project, recipients=proposer, step=f"{prefix}_{decision.value}", todo=False,
                subject=_("%(stage)s of your climate-finance project: %(decision)s")
                % {"stage": stage.label, "decision": decision.label})
    return project


def pushable_banks():
    """Active banks whose liaisons hold the climate-finance grant."""
    return Department.objects.filter(
        kind=DepartmentKind.BANK, is_active=True,
        grants__dataset=Dataset.CLIMATE_FINANCE, grants__revoked_at__isnull=True,
    ).distinct().order_by("sort_order", "code")


@transaction.atomic
def climate_project_push(*, actor, project, banks) -> list[ClimateProjectShare]:
    """The bureau pushes a project of the library to banks (again later to more banks)."""
    if not roles.has_perm(actor, Perm.REVIEW_CLIMATE_PROJECT):
        raise ValidationError(_("Only the bureau pushes projects to banks."))
    project = _locked(project)
    new_status = _move(project, "push")
    banks = list(banks)
    if not banks:
        raise ValidationError({"banks": _("Choose at least one bank.")})
    allowed_ids = set(pushable_banks().values_list("pk", flat=True))
    for bank in banks:
        if bank.pk not in allowed_ids:
            raise ValidationError({"banks": _(
                "%(bank)s is not a bank holding the climate-finance grant."
            ) % {"bank": bank}})
    done = set(project.shares.filter(kind=ShareKind.PUSH).values_list("department_id", flat=True))
    fresh = [b for b in banks if b.pk not in done]
    if not fresh:
        raise ValidationError({"banks": _("The project was already pushed to these banks.")})
    now = timezone.now()
    shares = [
        ClimateProjectShare.objects.create(project=project, department=b, kind=ShareKind.PUSH,
                                           shared_by=actor, shared_at=now)
        for b in fresh
    ]
    project.status = new_status
    project.save(update_fields=["status"])
    _event(actor, project, "pushed", _("Pushed to %(banks)s.")
           % {"banks": "、".join(str(b) for b in fresh)}, banks=[b.pk for b in fresh])
    for bank in fresh:
        _notify(project, recipients=_liaisons(bank.pk), step=f"push:{bank.pk}",
                subject=_("A climate-finance project for your bank: %(title)s")
                % {"title": project.title})
    return shares


@transaction.atomic
def climate_share_respond(
    *, actor, share, response: str, loan_amount=None, response_date=None, note: str = ""
) -> ClimateProjectShare:
    """A bank liaison records the bank's response to a pushed project."""
    share = ClimateProjectShare.objects.select_for_update(no_key=True).select_related(
        "project", "department").get(pk=share.pk)
    if share.kind != ShareKind.PUSH or not _is_liaison_of(actor, share.department_id):
        raise ValidationError(_("Only the liaisons of the bank it was pushed to respond."))
    response = BankResponse(response)
    if response == BankResponse.PENDING:
        raise ValidationError({"response": _("Choose the bank's response.")})
    if response == BankResponse.LOAN_GRANTED:
        if loan_amount is None:
            raise ValidationError({"loan_amount": _("Give the loan amount granted.")})
        if response_date is None:
            raise ValidationError({"response_date": _("Give the date the loan was granted.")})
    else:
        loan_amount = None
    share.response = response
    share.loan_amount = loan_amount
    share.response_date = response_date or timezone.localdate()
    share.response_note = note
    share.responded_by = actor
    share.responded_at = timezone.now()
    share.full_clean()
    share.save()
    project = share.project
    notifications.resolve(project, key_prefix=f"climate:{project.pk}:push:{share.department_id}")
    _event(actor, project, "responded", _("%(bank)s: %(response)s.")
           % {"bank": share.department, "response": response.label},
           share=share.pk, loan_amount=str(loan_amount) if loan_amount is not None else None)
    _notify(project, recipients=[*notifications.bureau_staff(), project.proposer],
            step=f"response:{share.pk}:{response.value}", todo=False,
            subject=_("%(bank)s responded to %(title)s: %(response)s")
            % {"bank": share.department, "title": project.title, "response": response.label})
    return share
