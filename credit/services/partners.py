"""The partner departments' export is logged: who exported which year's grades, and how many."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from credit.choices import GradingStatus
from credit.models import CreditYear
from registry.choices import Dataset
from registry.selectors.grants import granted
from zhongwei_carbon import events, roles
from zhongwei_carbon.roles import Perm


def may_export(user) -> bool:
    """The role's permission is not enough for a department liaison: his department must
    hold the ``credit_export`` grant (``registry.selectors.grants``)."""
    return granted(user, Dataset.CREDIT_EXPORT)


@transaction.atomic
def partners_export_record(*, actor, credit_year: CreditYear, enterprises: int, agencies: int,
                           deductions: int):
    """Record that ``actor`` exported ``credit_year``'s final grades for the partner
    departments (a bureau admin, or a liaison of a department granted the workbook; only a
    final year)."""
    if not roles.has_perm(actor, Perm.EXPORT_CREDIT_PARTNERS) or not may_export(actor):
        raise PermissionDenied
    if credit_year.status != GradingStatus.FINAL:
        raise ValidationError(_("Only published final grades are shared with the partner "
                                "departments."))
    return events.record(
        actor=actor, verb="credit.partners_exported", target=credit_year,
        message=_(
            "Credit grades %(year)s exported for the partner departments: %(enterprises)s "
            "enterprises, %(agencies)s agencies, %(deductions)s events that cost points"
        ) % {"year": credit_year.year, "enterprises": enterprises, "agencies": agencies,
             "deductions": deductions},
        data={"year": credit_year.year, "enterprises": enterprises, "agencies": agencies,
              "deductions": deductions},
    )
