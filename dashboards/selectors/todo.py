"""The user's own to-do list (every role)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dashboards.panels import Figure, Panel
from dashboards.selectors.base import TOP, Context, url
from zhongwei_carbon import notifications
from zhongwei_carbon.excel import Column


def _inbox_panel(ctx: Context, notes, *, key: str, tab: str, title: str, figure: str,
                 figure_key: str, more: str, empty: str) -> Panel:
    """The newest ``TOP`` of ``notes`` (the inbox tab ``tab``), their count (read only when
    the table is full) and each one's link to where it is opened."""
    notes = notes.order_by("-created_at", "-pk")
    rows = list(notes[:TOP])
    count = len(rows) if len(rows) < TOP else notes.count()
    inbox = url("notifications", show=tab)
    return Panel(
        key=key, title=title, scope=ctx.scope,
        figures=[Figure(figure, count, inbox, key=figure_key)],
        columns=[Column(pgettext("notification", "Subject"), lambda n: n.subject, 60),
                 Column(_("Time"), lambda n: n.created_at, 18)],
        rows=rows, row_url=lambda n: reverse("notification_open", kwargs={"pk": n.pk}),
        more_url=inbox, more_label=more, empty=empty, export_rows=notes,
    )


def todo_panel(ctx: Context) -> Panel:
    """The user's open to-dos, newest first (the inbox's to-do tab has them all)."""
    return _inbox_panel(ctx, notifications.open_todos(ctx.user), key="todo", tab="todo",
                        title=_("To do"), figure=_("Open to-dos"), figure_key="open",
                        more=_("All to-dos"), empty=_("Nothing to do."))


def notices_panel(ctx: Context) -> Panel:
    """The user's unread notices, newest first (the inbox's unread tab, to-dos included:
    a reply, a decision or a published list is news even when nothing is to be done)."""
    return _inbox_panel(ctx, notifications.unread(ctx.user), key="notices", tab="unread",
                        title=_("Unread notices"), figure=_("Unread notices"),
                        figure_key="unread", more=_("All unread notices"),
                        empty=_("No unread notices."))
