"""The enterprise page's links to its allowance account, surrenders, compliance row and
penalty cases (registered with ``zhongwei_carbon.links`` in AllowancesConfig.ready)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from allowances.models import AllowanceAccount
from zhongwei_carbon import roles, scoping
from zhongwei_carbon.links import Link
from zhongwei_carbon.roles import Perm


def enterprise_links(user, enterprise):
    query = f"?enterprise={enterprise.pk}"
    if roles.has_perm(user, Perm.VIEW_ACCOUNT) and scoping.covers(
        user, Perm.VIEW_ACCOUNT, enterprise
    ):
        account = AllowanceAccount.objects.filter(enterprise=enterprise).first()
        if account is not None:
            yield Link(_("Allowance account"),
                       reverse("allowances:account_detail", kwargs={"pk": account.pk}),
                       "bi-wallet2", 30)
            yield Link(_("Surrenders"), reverse("allowances:surrender_list") + query,
                       "bi-box-arrow-in-down", 40)
    if roles.has_perm(user, Perm.VIEW_COMPLIANCE) and scoping.covers(
        user, Perm.VIEW_COMPLIANCE, enterprise
    ):
        yield Link(_("Compliance"), reverse("allowances:compliance") + query,
                   "bi-check2-square", 50)
        yield Link(_("Penalty cases"), reverse("allowances:penalty_list") + query,
                   "bi-exclamation-octagon", 60)
