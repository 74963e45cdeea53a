"""The enterprise and agency pages' links to their inspections and violation cases (registered with ``zhongwei_carbon.links``
in OversightConfig.ready)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from zhongwei_carbon import roles, scoping
from zhongwei_carbon.links import Link
from zhongwei_carbon.roles import Perm


def enterprise_links(user, enterprise):
    if roles.has_perm(user, Perm.VIEW_INSPECTION) and scoping.covers(
        user, Perm.VIEW_INSPECTION, enterprise
    ):
        yield Link(_("Inspections"),
                   reverse("oversight:inspection_list") + f"?enterprise={enterprise.pk}",
                   "bi-clipboard-check", 70)
    if roles.has_perm(user, Perm.VIEW_VIOLATION) and scoping.covers(
        user, Perm.VIEW_VIOLATION, enterprise
    ):
        yield Link(_("Violation cases"),
                   reverse("oversight:violation_list") + f"?enterprise={enterprise.pk}",
                   "bi-exclamation-octagon", 72)


def agency_links(user, agency):
    if roles.has_perm(user, Perm.VIEW_INSPECTION):
        yield Link(_("Inspections"),
                   reverse("oversight:inspection_list") + f"?agency={agency.pk}",
                   "bi-clipboard-check", 70)
    if roles.has_perm(user, Perm.VIEW_VIOLATION):
        yield Link(_("Violation cases"),
                   reverse("oversight:violation_list") + f"?agency={agency.pk}",
                   "bi-exclamation-octagon", 72)
