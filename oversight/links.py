"""The enterprise page's link to its inspections (registered with ``zhongwei_carbon.links``
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
