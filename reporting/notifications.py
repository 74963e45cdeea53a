"""Who hears about a report's progress: subscribers of the report's domain events.

Each step notifies whoever must act next with a *to-do* about the report (resolved when the
next step happens: every step first resolves the report's open workflow to-dos) and whoever
waits for the result with an information notice. Keys name report, step, round and the
step's audit entry, so a repeated event notifies once and a second submission (after a
return) notifies again. Texts are written in the portal's default language (Chinese)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from reporting.models import AnnualReport, Finding, Objection
from zhongwei_carbon.events import subscribe
from zhongwei_carbon.models import Topic
from zhongwei_carbon.notifications import members, notify, resolve
from zhongwei_carbon.roles import Perm, Role, roles_for
from zhongwei_carbon.templatetags.portal import thousands


def _page(name: str, pk: int) -> str:
    return reverse(name, kwargs={"pk": pk})


def _send(
    report: AnnualReport, recipients, step: str, subject: str, body: str = "", round=None,
    link: str = "", *, todo: bool = False, topic: str = Topic.REPORT, event_id=None,
) -> None:
    """Notify ``recipients``; ``link`` is the page where they act on it (the report's page
    when they only need to read); ``todo``: they must act (resolved by the next step)."""
    key = f"report:{report.pk}:{step}:{report.verification_round if round is None else round}"
    notify(
        recipients=recipients,
        key=f"{key}:{event_id}" if event_id else key,
        subject=subject,
        body=body,
        link=link or _page("reporting:report_detail", report.pk),
        topic=topic,
        todo=todo,
        obj=report,
    )


def _step(report_id: int) -> AnnualReport:
    """The report, once the to-dos of its earlier step are resolved (its notices and its
    deadline reminders: county check, verification due, objection window): this step did
    the work they asked for."""
    report = AnnualReport.objects.select_related("enterprise").get(pk=report_id)
    resolve(report, key_prefix=f"report:{report.pk}:")
    resolve(report, key_prefix="reminder:")
    return report


def _names(report: AnnualReport) -> dict:
    return {"enterprise": report.enterprise.name, "year": report.year}


def _enterprise(report: AnnualReport) -> list:
    return members(roles=[Role.ENTERPRISE_USER], enterprise_id=report.enterprise_id)


@subscribe("report.revise")
@subscribe("report.recheck_accept")
@subscribe("report.objection_reject")
def report_step_done(*, report_id, **_kwargs):
    """A step after which nobody must act (a new version, an accepted re-check, a rejected
    objection: their information notices go out below): it resolves the earlier step's
    to-dos."""
    _step(report_id)


@subscribe("report.submit")
def report_submitted(*, report_id, event_id=None, **_kwargs):
    report = _step(report_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report,
            members(roles=[Role.AREA_OFFICIAL], area_id=report.enterprise.area_id),
            "submit",
            _("%(enterprise)s submitted its %(year)s emission report for technical check.")
            % _names(report),
            link=_page("reporting:report_county_check", report.pk),
            todo=True, event_id=event_id,
        )


@subscribe("report.county_pass")
def report_passed_by_county(*, report_id, event_id=None, **_kwargs):
    """The bureau assigns verification next: on the report's assignment page. The
    enterprise hears that its report moves on."""
    report = _step(report_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report,
            members(roles=roles_for(Perm.ASSIGN_VERIFICATION)),
            "county_pass",
            _("%(enterprise)s %(year)s: the county passed the report; assign its verification.")
            % _names(report),
            link=_page("reporting:verification_assign", report.pk),
            todo=True, topic=Topic.VERIFICATION, event_id=event_id,
        )
        _send(
            report, _enterprise(report), "county_pass_info",
            _("Your %(year)s emission report passed the county's technical check; the bureau "
              "will arrange its verification.") % _names(report),
            report.county_note, event_id=event_id,
        )


@subscribe("report.county_return")
def report_returned_by_county(*, report_id, event_id=None, **_kwargs):
    report = _step(report_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report, _enterprise(report), "county_return",
            _("Your %(year)s emission report was returned by the county.") % _names(report),
            report.county_note, todo=True, event_id=event_id,
        )


@subscribe("report.file_verification")
def verification_filed(*, report_id, round=None, event_id=None, **_kwargs):
    """The bureau reviewers re-check (复查) the agency's report: on the re-check page."""
    report = _step(report_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report,
            members(roles=roles_for(Perm.RECHECK_REPORT)),
            "file_verification",
            _("%(enterprise)s %(year)s: verification report round %(round)s filed; please re-check it.")
            % {**_names(report), "round": report.verification_round if round is None else round},
            round=round,
            link=_page("reporting:recheck", report.pk),
            todo=True, topic=Topic.VERIFICATION, event_id=event_id,
        )


@subscribe("report.assign")
@subscribe("report.recheck_return")
@subscribe("report.objection_uphold")
def report_for_agency(*, report_id, status=None, round=None, event_id=None, **_kwargs):
    """The agency verifies (or revises its verification): on the verification page."""
    report = _step(report_id)
    if report.agency_id is None:
        return
    round = report.verification_round if round is None else round
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report,
            members(roles=[Role.AGENCY_STAFF], agency_id=report.agency_id),
            f"agency:{status or report.status}",
            _("%(enterprise)s %(year)s: verification round %(round)s is waiting for your agency.")
            % {**_names(report), "round": round + 1},
            round=round,
            link=_page("reporting:verification_detail", report.pk),
            todo=True, topic=Topic.VERIFICATION, event_id=event_id,
        )


@subscribe("report.final")
def report_final(*, report_id, **_kwargs):
    """The enterprise hears its final figure (it may object: an option, not a to-do)."""
    report = AnnualReport.objects.select_related("enterprise").get(pk=report_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report, _enterprise(report), "final",
            _("Your verified emissions for %(year)s are final: %(tonnes)s tCO2e.")
            % {"year": report.year, "tonnes": thousands(report.final_emissions)},
            _("You may object within the window until %(deadline)s.")
            % {"deadline": report.objection_deadline or "—"},
            link=_page("reporting:objection_file", report.pk),
        )


@subscribe("report.object")
def objection_filed(*, report_id, event_id=None, **_kwargs):
    """The bureau decides the enterprise's objection: on the objection's decision page."""
    report = _step(report_id)
    objection = report.objections.filter(decided_at__isnull=True).order_by("-pk").first()
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report,
            members(roles=roles_for(Perm.DECIDE_OBJECTION)),
            f"object:{objection.pk if objection else ''}",
            _("%(enterprise)s objects to its %(year)s verified emissions; please decide.")
            % _names(report),
            _("Decision due %(date)s.") % {"date": objection.decision_due.isoformat()}
            if objection else "",
            link=_page("reporting:objection_decide", objection.pk) if objection else "",
            todo=True, topic=Topic.OBJECTION, event_id=event_id,
        )


@subscribe("report.objection_uphold")
@subscribe("report.objection_reject")
def objection_decided(*, report_id, event_id=None, **_kwargs):
    """The enterprise hears the bureau's decision on its objection."""
    report = AnnualReport.objects.select_related("enterprise").get(pk=report_id)
    objection = (Objection.objects.filter(report=report, decided_at__isnull=False)
                 .order_by("-decided_at", "-pk").first())
    if objection is None:
        return
    resolve(objection, key_prefix="reminder:")  # the decision reminders: done
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report, _enterprise(report), f"objection_decided:{objection.pk}",
            _("The bureau decided your objection to the %(year)s verified emissions: "
              "%(decision)s") % {"year": report.year,
                                "decision": objection.get_decision_display()},
            objection.decision_note, topic=Topic.OBJECTION,
        )


# --- findings: the enterprise answers what the agency sent ---------------------------------


@subscribe("finding.sent")
def finding_sent(*, finding_id, **_kwargs):
    """The enterprise answers a finding the agency sent: a to-do about the finding."""
    finding = Finding.objects.select_related("report", "report__enterprise").get(pk=finding_id)
    report = finding.report
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=_enterprise(report),
            key=f"finding:{finding.pk}:sent",
            subject=_("%(enterprise)s %(year)s: the verification agency sent a finding; "
                      "please answer it.") % _names(report),
            body=finding.text,
            link=_page("reporting:finding_answer", finding.pk),
            topic=Topic.VERIFICATION, todo=True, obj=finding,
        )


@subscribe("finding.answered")
def finding_answered(*, finding_id, **_kwargs):
    """The answer resolves the enterprise's to-do; the agency hears of it."""
    finding = Finding.objects.select_related("report", "report__enterprise").get(pk=finding_id)
    resolve(finding, key_prefix=f"finding:{finding.pk}:")
    report = finding.report
    if report.agency_id is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=members(roles=[Role.AGENCY_STAFF], agency_id=report.agency_id),
            key=f"finding:{finding.pk}:answered",
            subject=_("%(enterprise)s %(year)s answered a verification finding.")
            % _names(report),
            body=finding.response,
            link=_page("reporting:verification_detail", report.pk),
            topic=Topic.VERIFICATION, obj=finding,
        )
