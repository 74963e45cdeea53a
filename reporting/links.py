"""The enterprise page's links to its annual reports and monthly ledgers (registered with
``zhongwei_carbon.links`` in ReportingConfig.ready)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from zhongwei_carbon import roles, scoping
from zhongwei_carbon.links import Link
from zhongwei_carbon.roles import Perm


def _sees(user, enterprise, action) -> bool:
    return roles.has_perm(user, action) and scoping.covers(user, action, enterprise)


def enterprise_links(user, enterprise):
    query = f"?enterprise={enterprise.pk}"
    if _sees(user, enterprise, Perm.VIEW_REPORT):
        yield Link(_("Annual reports"), reverse("reporting:report_list") + query,
                   "bi-file-earmark-text", 10)
    if _sees(user, enterprise, Perm.VIEW_LEDGER):
        yield Link(_("Monthly ledgers"), reverse("reporting:ledger_index") + query,
                   "bi-calendar3", 20)
