"""Figures of the complaint channel for a year (scoped like the list): counts by category,
target kind, area, month and outcome, and the on-time reply rate. Read-only; a few grouped
queries whatever the number of complaints."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils.translation import gettext as _

from complaints import rules, selectors
from complaints.choices import Category, Outcome, Status, TargetKind


@dataclass
class Figures:
    year: int
    total: int
    by_category: list[tuple[str, int]]
    by_target_kind: list[tuple[str, int]]
    by_area: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    by_outcome: list[tuple[str, int]]
    answered_with_due: int
    on_time: int
    on_time_rate: object
    overdue_open: int

    def tables(self):
        """(title, label header, rows) of each table, for the page and the export."""
        return [
            (_("By category"), _("Category"), self.by_category),
            (_("By target kind"), _("About"), self.by_target_kind),
            (_("By area"), _("Area"), self.by_area),
            (_("By month"), _("Month"), self.by_month),
            (_("By outcome"), _("Outcome"), self.by_outcome),
        ]


def _counts(qs, field, choices) -> list[tuple[str, int]]:
    found = dict(qs.values_list(field).annotate(n=Count("pk")).order_by())
    return [(label, found.get(value, 0)) for value, label in choices]


def figures(user, year: int, today) -> Figures:
    qs = selectors.complaints_for(user).filter(filed_at__year=year).order_by()
    areas = qs.values_list("area__name").annotate(n=Count("pk")).order_by("area__name")
    months = dict(qs.annotate(m=ExtractMonth("filed_at")).values_list("m").annotate(
        n=Count("pk")).order_by())
    answered = qs.filter(status=Status.ANSWERED, reply_due__isnull=False).annotate(
        answered_on=TruncDate("answered_at"))
    timing = answered.aggregate(total=Count("pk"),
                                on_time=Count("pk", filter=Q(answered_on__lte=F("reply_due"))))
    return Figures(
        year=year, total=qs.count(),
        by_category=_counts(qs, "category", Category.choices),
        by_target_kind=_counts(qs, "target_kind", TargetKind.choices),
        by_area=[(name or _("No area (agency or other)"), n) for name, n in areas],
        by_month=[(_("Month %(month)d") % {"month": m}, months.get(m, 0)) for m in range(1, 13)],
        by_outcome=_counts(qs.filter(status=Status.ANSWERED), "outcome", Outcome.choices),
        answered_with_due=timing["total"], on_time=timing["on_time"],
        on_time_rate=rules.on_time_rate(timing["on_time"], timing["total"]),
        overdue_open=qs.filter(status__in=[Status.ASSIGNED, Status.REPLY_PENDING],
                               reply_due__lt=today).count(),
    )
