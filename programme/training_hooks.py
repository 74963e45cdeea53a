"""What the training topic adds to a lower app's page through core hooks: the enterprise
page (``registry``) lists its staff's training (``zhongwei_carbon.sections``)."""

from __future__ import annotations

from programme.selectors.training import VIEW, enterprise_attendance
from zhongwei_carbon import roles
from zhongwei_carbon.sections import MAIN, Section


def enterprise_sections(user, enterprise):
    if not roles.has_perm(user, VIEW):
        return
    # the enterprise page has already checked that the user may see the enterprise; the rows
    # are those of his own scope (a county its enterprises', an enterprise its own)
    rows = enterprise_attendance(user, enterprise)
    yield Section("programme/training/_enterprise_section.html",
                  {"rows": rows, "enterprise": enterprise}, 70, MAIN)
