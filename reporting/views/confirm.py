"""Reporting's use of the portal's confirm-after-validation step (``zhongwei_carbon.confirm``):
its confirmation pages carry the report's breadcrumbs and, for a verification filing, the
figures table."""

from __future__ import annotations

from dataclasses import dataclass

from zhongwei_carbon import confirm


@dataclass
class Confirmation(confirm.Confirmation):
    figures: list | None = None  # verification filing: its figures table
    total: object = None
    crumbs: str = "reporting/verification/_breadcrumbs.html"
    include: str = "reporting/_confirm_figures.html"


def confirmed_step(request, *, report, **kwargs):
    return confirm.confirmed_step(request, context={"report": report}, **kwargs)
