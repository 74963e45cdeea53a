"""Deadline source of complaints for the reminder job (issue 15), registered from
``ComplaintsConfig.ready``; constant queries.

``complaint-reply``: the reply to a complaint is due by ``Complaint.reply_due``, the working
days the bureau gave on assignment (``rules.DEFAULT_REPLY_WORKING_DAYS``) counted with the
bureau's calendar. While the complaint is under investigation the handler owes the reply;
once it waits for approval, the bureau administrators who may approve it (not its author:
four eyes). Escalated to the officials of the handling area (``assigned_area``, never the
area complained about) and to the bureau. No acceptance (triage) deadline is stored, so there
is no source for it.

Reminders name a complaint by its number and category only, never its filer or its words.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from zhongwei_carbon.reminders import NO_AREA, Due

AHEAD = timedelta(days=30)
# answered (or otherwise closed) complaints due within BEHIND come as done
BEHIND = timedelta(days=30)


def _admins() -> tuple:
    from zhongwei_carbon.notifications import members
    from zhongwei_carbon.roles import Role

    return tuple(members(roles=[Role.BUREAU_ADMIN]))


def complaint_replies(today: date):
    from complaints.choices import Status
    from complaints.models import Complaint

    owed = (Status.ASSIGNED, Status.REPLY_PENDING)
    rows = list(Complaint.objects.filter(
        Q(status__in=owed) | Q(reply_due__gte=today - BEHIND),
        reply_due__isnull=False, reply_due__lte=today + AHEAD,
    ).select_related("handler").order_by("reply_due", "pk"))
    admins = _admins() if any(c.status == Status.REPLY_PENDING for c in rows) else ()
    for c in rows:
        if c.status not in owed:
            recipients, todo = (), ""
        elif c.status == Status.ASSIGNED:
            recipients = (c.handler,) if c.handler_id else ()
            todo = _("Investigate and submit the reply for approval.")
        else:
            authors = {c.handler_id, c.reply_drafted_by_id}
            recipients = tuple(u for u in admins if u.pk not in authors)
            todo = _("The reply waits for approval: approve it or return it.")
        yield Due(
            kind="complaint-reply",
            object=c,
            recipients=recipients,
            deadline=c.reply_due,
            title=_("Reply to complaint %(number)s (%(category)s)") % {
                "number": c.number, "category": c.get_category_display()},
            todo=todo,
            url=c.get_absolute_url(),
            done=c.status not in owed,
            area_id=c.assigned_area_id or NO_AREA,  # a bureau handler: the bureau alone
            escalate=c.status == Status.ASSIGNED,  # the approvers are the bureau itself
        )


def register() -> None:
    from zhongwei_carbon import reminders
    from zhongwei_carbon.models import Topic

    reminders.register("complaint-reply", complaint_replies, Topic.COMPLAINT)
