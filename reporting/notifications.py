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
from zhongwei_carbon.roles import Role


def _send(
    report: AnnualReport, recipients, step: str, subject: str, body: str = "", round=None
) -> None:
    notify(
        recipients=recipients,
        key=f"report:{report.pk}:{step}:{report.verification_round if round is None else round}",
        subject=subject,
        body=body,
        link=reverse("reporting:report_detail", kwargs={"pk": report.pk}),
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
            % {"year": report.year, "tonnes": report.final_emissions},
            _("You may object within the window until %(deadline)s.")
            % {"deadline": report.objection_deadline or "—"},
        )
