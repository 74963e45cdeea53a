"""The enterprise and agency pages' link to their credit events (registered with
``zhongwei_carbon.links`` in CreditConfig.ready)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from zhongwei_carbon import roles, scoping
from zhongwei_carbon.links import Link
from zhongwei_carbon.roles import Perm

VIEW = Perm.VIEW_CREDIT_EVENT


def enterprise_links(user, enterprise):
    if roles.has_perm(user, VIEW) and scoping.covers(user, VIEW, enterprise):
        yield Link(_("Credit events"), reverse("credit:event_list") + f"?enterprise={enterprise.pk}",
                   "bi-shield-check", 80)


def agency_links(user, agency):
    if roles.has_perm(user, VIEW) and scoping.covers(user, VIEW, agency):
        yield Link(_("Credit events"), reverse("credit:event_list") + f"?agency={agency.pk}",
                   "bi-shield-check", 80)
