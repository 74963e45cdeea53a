"""Who hears about a monthly ledger's progress: subscribers of the ledger's domain events
(``reporting.services.ledgers`` publishes ``ledger.<action>``).

A submitted ledger is a to-do for the county/park officials of the enterprise's area (the
technical check); a returned one a to-do for the enterprise's users. Every step first
resolves the ledger's open workflow to-dos: it did the work they asked for. The bureau's
close is left to the reminder (``ledger-close``), not one notice per ledger."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from reporting.models import MonthlyLedger
from zhongwei_carbon.events import subscribe
from zhongwei_carbon.models import Topic
from zhongwei_carbon.notifications import members, notify, resolve
from zhongwei_carbon.roles import Role


def _step(ledger_id: int) -> MonthlyLedger:
    ledger = MonthlyLedger.objects.select_related("enterprise", "facility").get(pk=ledger_id)
    resolve(ledger, key_prefix=f"ledger:{ledger.pk}:")
    resolve(ledger, key_prefix="reminder:")  # its check or close reminders: done now
    return ledger


def _names(ledger: MonthlyLedger) -> dict:
    return {"enterprise": ledger.enterprise.name, "facility": ledger.facility.name,
            "year": ledger.year, "month": ledger.month}


def _send(ledger, recipients, step, subject, body="", *, link, event_id, todo=True):
    notify(
        recipients=recipients, key=f"ledger:{ledger.pk}:{step}:{event_id or ''}",
        subject=subject, body=body, link=link, topic=Topic.LEDGER, todo=todo, obj=ledger,
    )


@subscribe("ledger.county_pass")
@subscribe("ledger.close")
def ledger_step_done(*, ledger_id, **_kwargs):
    _step(ledger_id)


@subscribe("ledger.submit")
def ledger_submitted(*, ledger_id, event_id=None, **_kwargs):
    ledger = _step(ledger_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            ledger,
            members(roles=[Role.AREA_OFFICIAL], area_id=ledger.enterprise.area_id),
            "submit",
            _("%(enterprise)s submitted the %(year)s-%(month)02d ledger of %(facility)s for "
              "technical check.") % _names(ledger),
            link=reverse("reporting:ledger_county_check", kwargs={"pk": ledger.pk}),
            event_id=event_id,
        )


@subscribe("ledger.county_return")
def ledger_returned(*, ledger_id, event_id=None, **_kwargs):
    ledger = _step(ledger_id)
    with translation.override(settings.LANGUAGE_CODE):
        _send(
            ledger,
            members(roles=[Role.ENTERPRISE_USER], enterprise_id=ledger.enterprise_id),
            "county_return",
            _("The county returned the %(year)s-%(month)02d ledger of %(facility)s; please "
              "correct and resubmit it.") % _names(ledger),
            ledger.return_reason,
            link=reverse("reporting:ledger_edit", kwargs={"pk": ledger.pk}),
            event_id=event_id,
        )
