"""The agency page's performance section (registered with ``zhongwei_carbon.sections`` in
OversightConfig.ready): the agency's figures by reporting year, for the bureau and for the
agency's own staff."""

from __future__ import annotations

from oversight.selectors import performance
from zhongwei_carbon import roles, scoping
from zhongwei_carbon.roles import Perm
from zhongwei_carbon.sections import Section


def agency_sections(user, agency):
    if roles.has_perm(user, Perm.VIEW_AGENCY_PERFORMANCE) and scoping.covers(
        user, Perm.VIEW_AGENCY_PERFORMANCE, agency
    ):
        yield Section("oversight/performance/_agency_section.html", {
            "rows": performance.rows(user, agency=agency),
            "figures": performance.FIGURES,
        }, 60)
