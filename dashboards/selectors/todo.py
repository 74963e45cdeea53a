"""The user's own to-do list (every role)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dashboards.panels import Figure, Panel
from dashboards.selectors.base import TOP, Context, url
from zhongwei_carbon import notifications
from zhongwei_carbon.excel import Column


def todo_panel(ctx: Context) -> Panel:
    """The user's open to-dos, newest first (the inbox's to-do tab has them all)."""
    user, scope = ctx.user, ctx.scope
    todos = notifications.open_todos(user).order_by("-created_at", "-pk")
    rows = list(todos[:TOP])
    count = len(rows) if len(rows) < TOP else todos.count()
    inbox = url("notifications", show="todo")
    return Panel(
        key="todo", title=_("To do"), scope=scope,
        figures=[Figure(_("Open to-dos"), count, inbox, key="open")],
        columns=[Column(pgettext("notification", "Subject"), lambda n: n.subject, 60),
                 Column(_("Time"), lambda n: n.created_at, 18)],
        rows=rows, row_url=lambda n: reverse("notification_open", kwargs={"pk": n.pk}),
        more_url=inbox, more_label=_("All to-dos"), empty=_("Nothing to do."),
        export_rows=todos,
    )


def notices_panel(ctx: Context) -> Panel:
    """The user's unread notices, newest first (the inbox's unread tab, to-dos included:
    a reply, a decision or a published list is news even when nothing is to be done)."""
    unread = notifications.unread(ctx.user).order_by("-created_at", "-pk")
    rows = list(unread[:TOP])
    count = len(rows) if len(rows) < TOP else unread.count()
    inbox = url("notifications", show="unread")
    return Panel(
        key="notices", title=_("Unread notices"), scope=ctx.scope,
        figures=[Figure(_("Unread notices"), count, inbox, key="unread")],
        columns=[Column(pgettext("notification", "Subject"), lambda n: n.subject, 60),
                 Column(_("Time"), lambda n: n.created_at, 18)],
        rows=rows, row_url=lambda n: reverse("notification_open", kwargs={"pk": n.pk}),
        more_url=inbox, more_label=_("All unread notices"), empty=_("No unread notices."),
        export_rows=unread,
    )
