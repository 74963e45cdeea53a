"""Inbox notifications of each hand-off of a complaint. They name the complaint by its
number and category, never the filer."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from zhongwei_carbon.notifications import members, notify
from zhongwei_carbon.roles import Role


def _admins():
    return members(roles=[Role.BUREAU_ADMIN])


def filed(complaint):
    notify(recipients=_admins(), key=f"complaint:{complaint.pk}:filed",
           subject=_("New complaint %(number)s to triage") % {"number": complaint.number},
           body=complaint.get_category_display(), link=complaint.get_absolute_url())


def assigned(complaint):
    stamp = timezone.now().isoformat()
    notify(recipients=[complaint.handler], key=f"complaint:{complaint.pk}:assigned:{stamp}",
           subject=_("Complaint %(number)s assigned to you, reply due %(due)s")
           % {"number": complaint.number, "due": complaint.reply_due.isoformat()},
           body=complaint.get_category_display(), link=complaint.get_absolute_url())


def reply_submitted(complaint):
    stamp = timezone.now().isoformat()
    notify(recipients=[u for u in _admins() if u.pk != complaint.handler_id],
           key=f"complaint:{complaint.pk}:reply:{stamp}",
           subject=_("Reply to complaint %(number)s awaits approval") % {"number": complaint.number},
           link=complaint.get_absolute_url())


def reply_returned(complaint):
    stamp = timezone.now().isoformat()
    notify(recipients=[complaint.handler], key=f"complaint:{complaint.pk}:returned:{stamp}",
           subject=_("Reply to complaint %(number)s returned") % {"number": complaint.number},
           body=complaint.return_note, link=complaint.get_absolute_url())


def reply_approved(complaint):
    notify(recipients=[complaint.handler], key=f"complaint:{complaint.pk}:answered",
           subject=_("Reply to complaint %(number)s approved") % {"number": complaint.number},
           link=complaint.get_absolute_url())
