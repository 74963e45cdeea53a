"""Deadline source of verifiers for the reminder job (issue 15): an agency's qualification
running out (``AgencyQualification.valid_until``), to the agency's staff and the bureau, at
T−60, T−30 and T−7 calendar days (``reminders.rules``). Done once a renewal of the same kind
takes over (starting by the next day and running longer), or once it has expired. Registered from
``VerifiersConfig.ready``; constant queries."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from zhongwei_carbon.reminders import Due
from zhongwei_carbon.reminders.people import agency_staff, holders

AHEAD = timedelta(days=61)  # beyond the earliest offset (T−60)
# an expired qualification stays in the source this long, done, so its reminders resolve
EXPIRED_LATELY = timedelta(days=30)


def qualification_expiries(today):
    from verifiers.choices import AgencyStatus
    from verifiers.models import AgencyQualification
    from zhongwei_carbon.roles import Perm, roles_for

    renewed = AgencyQualification.objects.filter(
        agency=OuterRef("agency"), kind=OuterRef("kind"),
        valid_from__lte=OuterRef("valid_until") + timedelta(days=1),
        valid_until__gt=OuterRef("valid_until"),
    ).exclude(pk=OuterRef("pk"))
    rows = list(AgencyQualification.objects.filter(
        valid_until__gte=today - EXPIRED_LATELY, valid_until__lte=today + AHEAD,
        agency__status=AgencyStatus.ACTIVE,
    ).annotate(renewed=Exists(renewed), agency_name=F("agency__name")).order_by("pk"))
    if not rows:
        return
    staff = agency_staff(row.agency_id for row in rows)
    bureau = holders(roles_for(Perm.MANAGE_AGENCY))  # who records the renewal
    for row in rows:
        recipients = {u.pk: u for u in (*staff.get(row.agency_id, ()), *bureau)}
        yield Due(
            kind="qualification-expiry",
            object=row,
            recipients=tuple(recipients.values()),
            deadline=row.valid_until,
            title=_("%(kind)s qualification %(number)s of %(agency)s") % {
                "kind": row.get_kind_display(), "number": row.certificate_number,
                "agency": row.agency_name},
            todo=_("It expires on this day; record the renewed qualification before then."),
            url=reverse("verifiers:agency_detail", kwargs={"pk": row.agency_id}),
            # renewed, or expired: nothing left to remind of (it can no longer be assigned)
            done=row.renewed or row.valid_until < today,
            escalate=False,
        )


def register() -> None:
    from zhongwei_carbon import reminders
    from zhongwei_carbon.models import Topic

    reminders.register("qualification-expiry", qualification_expiries, Topic.AGENCY)
