"""Who hears about a report's progress: subscribers of the report's domain events.

Each notification is keyed by report, step and round, so a repeated event notifies once.
Texts are written in the portal's default language (Chinese)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from reporting.models import AnnualReport
from zhongwei_carbon.events import subscribe
from zhongwei_carbon.notifications import members, notify
from zhongwei_carbon.roles import Perm, Role, roles_for
from zhongwei_carbon.templatetags.portal import thousands


def _page(name: str, pk: int) -> str:
    return reverse(name, kwargs={"pk": pk})


def _send(
    report: AnnualReport, recipients, step: str, subject: str, body: str = "", round=None,
    link: str = "",
) -> None:
    """Notify ``recipients``; ``link`` is the page where they act on it (the report's page
    when they only need to read)."""
    notify(
        recipients=recipients,
        key=f"report:{report.pk}:{step}:{report.verification_round if round is None else round}",
        subject=subject,
        body=body,
        link=link or _page("reporting:report_detail", report.pk),
    )


def _report(report_id: int) -> AnnualReport:
    return AnnualReport.objects.select_related("enterprise").get(pk=report_id)


@subscribe("report.submit")
def report_submitted(*, report_id, **_kwargs):
    report = _report(report_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report,
            members(roles=[Role.AREA_OFFICIAL], area_id=report.enterprise.area_id),
            "submit",
            _("%(enterprise)s submitted its %(year)s emission report for technical check.")
            % {"enterprise": report.enterprise.name, "year": report.year},
            link=_page("reporting:report_county_check", report.pk),
        )


@subscribe("report.county_pass")
def report_passed_by_county(*, report_id, **_kwargs):
    """The bureau assigns verification next: on the report's assignment page."""
    report = _report(report_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report,
            members(roles=roles_for(Perm.ASSIGN_VERIFICATION)),
            "county_pass",
            _("%(enterprise)s %(year)s: the county passed the report; assign its verification.")
            % {"enterprise": report.enterprise.name, "year": report.year},
            link=_page("reporting:verification_assign", report.pk),
        )


@subscribe("report.file_verification")
def verification_filed(*, report_id, round=None, **_kwargs):
    """The bureau reviewers re-check (复查) the agency's report: on the re-check page."""
    report = _report(report_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report,
            members(roles=roles_for(Perm.RECHECK_REPORT)),
            "file_verification",
            _("%(enterprise)s %(year)s: verification report round %(round)s filed; please re-check it.")
            % {"enterprise": report.enterprise.name, "year": report.year,
               "round": report.verification_round if round is None else round},
            round=round,
            link=_page("reporting:recheck", report.pk),
        )


@subscribe("report.object")
def objection_filed(*, report_id, **_kwargs):
    """The bureau decides the enterprise's objection: on the objection's decision page."""
    report = _report(report_id)
    objection = report.objections.filter(decided_at__isnull=True).order_by("-pk").first()
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report,
            members(roles=roles_for(Perm.DECIDE_OBJECTION)),
            f"object:{objection.pk if objection else ''}",
            _("%(enterprise)s objects to its %(year)s verified emissions; please decide.")
            % {"enterprise": report.enterprise.name, "year": report.year},
            link=_page("reporting:objection_decide", objection.pk) if objection else "",
        )


@subscribe("report.county_return")
def report_returned_by_county(*, report_id, **_kwargs):
    report = _report(report_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report,
            members(roles=[Role.ENTERPRISE_USER], enterprise_id=report.enterprise_id),
            "county_return",
            _("Your %(year)s emission report was returned by the county.") % {"year": report.year},
            report.county_note,
        )


@subscribe("report.assign")
@subscribe("report.recheck_return")
@subscribe("report.objection_uphold")
def report_for_agency(*, report_id, status=None, round=None, **_kwargs):
    report = _report(report_id)
    if report.agency_id is None:
        return
    round = report.verification_round if round is None else round
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report,
            members(roles=[Role.AGENCY_STAFF], agency_id=report.agency_id),
            f"agency:{status or report.status}",
            _("%(enterprise)s %(year)s: verification round %(round)s is waiting for your agency.")
            % {"enterprise": report.enterprise.name, "year": report.year, "round": round + 1},
            round=round,
            link=_page("reporting:verification_detail", report.pk),
        )


@subscribe("report.final")
def report_final(*, report_id, **_kwargs):
    report = _report(report_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            report,
            members(roles=[Role.ENTERPRISE_USER], enterprise_id=report.enterprise_id),
            "final",
            _("Your verified emissions for %(year)s are final: %(tonnes)s tCO2e.")
            % {"year": report.year, "tonnes": thousands(report.final_emissions)},
            _("You may object within the window until %(deadline)s.")
            % {"deadline": report.objection_deadline or "—"},
            link=_page("reporting:objection_file", report.pk),
        )
