"""Bureau and county / park official: complaints filed in the last 12 months by month and by
outcome, counted on the complaint list as the user sees it (``complaints.selectors``: a county
official those handled in its area or assigned to him). Counts only: nothing of a filer."""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import selectors as complaint_sel
from dashboards.panels import Figure, Panel
from dashboards.selectors.base import Context, url
from zhongwei_carbon import roles
from zhongwei_carbon.excel import Column
from zhongwei_carbon.roles import Perm

LIST = "complaints:complaint_list"


def complaints_panel(ctx: Context) -> Panel | None:
    """One grouped query: each of the last 12 months' complaints (``?month=``) by outcome
    (``?outcome=``, answered; or not answered yet), and the outcomes' totals (``?since=``
    the first month)."""
    user = ctx.user
    if not roles.has_perm(user, Perm.VIEW_COMPLAINT):
        return None
    months = complaint_sel.last_months(ctx.today)
    since = complaint_sel.month_key(*months[0])
    outcomes = complaint_sel.OUTCOME_CHOICES
    qs = complaint_sel.complaints_for(user).filter(complaint_sel.filed_since(*months[0]))
    # one GROUP BY of the Beijing month (``filed_in_month``'s boundaries), an outcome a count
    per_outcome = {f"o_{value}": Count("pk", filter=complaint_sel.with_outcome(value))
                   for value, _label in outcomes}
    found = {
        complaint_sel.month_key(row["month"].year, row["month"].month): row
        for row in qs.order_by()
        .annotate(month=TruncMonth("filed_at", tzinfo=timezone.get_current_timezone()))
        .values("month").annotate(total=Count("pk"), **per_outcome)
    }
    keys = [complaint_sel.month_key(*month) for month in months]
    rows = [(key, found.get(key, {}).get("total", 0),
             *[found.get(key, {}).get(f"o_{value}", 0) for value, _label in outcomes])
            for key in keys]
    counts = {"total": sum(r[1] for r in rows),
              **{f"o_{value}": sum(r[2 + i] for r in rows)
                 for i, (value, _label) in enumerate(outcomes)}}
    return Panel(
        key="complaints", title=_("Complaints of the last 12 months"), scope=ctx.scope,
        figures=[Figure(_("Complaints filed"), counts["total"], url(LIST, since=since),
                        key="total"),
                 *[Figure(str(label), counts[f"o_{value}"],
                          url(LIST, since=since, outcome=value), key=value)
                   for value, label in outcomes]],
        columns=[Column(_("Month filed"), lambda r: r[0], 10),
                 Column(_("Complaints filed"), lambda r: r[1]),
                 *[Column(str(label), lambda r, i=i: r[2 + i])
                   for i, (_value, label) in enumerate(outcomes)]],
        rows=rows, row_url=lambda r: url(LIST, month=r[0]),
        more_url=url(LIST, since=since), more_label=_("Complaints and reports"),
        chart={"kind": "bar", "unit": "", "categories": [r[0] for r in rows],
               "series": [{"name": _("Complaints filed"), "data": [r[1] for r in rows]}]},
        wide=True,
    )
