"""Enterprise and agency: the subject's credit grade."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from credit.selectors import standing as credit_standing
from dashboards.panels import Figure, Panel
from dashboards.selectors.base import Context


def credit_panel(ctx: Context) -> Panel:
    """The subject's latest final credit grade (and a provisional one under objection), each
    linking to its score card (``credit.selectors.standing``)."""
    subject = ctx.subject
    standing = credit_standing.standing(subject)
    figures = []
    for label, grade in ((_("Credit grade"), standing.final),
                         (_("Provisional credit grade"), standing.provisional)):
        if grade is not None:
            figures.append(Figure(label, grade.label, grade.url,
                                  _("%(year)s, %(score)s points") % {"year": grade.year,
                                                                    "score": grade.score},
                                  "final" if grade is standing.final else "provisional"))
    if not figures:
        figures.append(Figure(_("Credit grade"), _("Not graded yet"),
                              reverse("credit:my_credit"), key="none"))
    return Panel(key="credit", title=_("Credit"), scope=subject.name, figures=figures)
