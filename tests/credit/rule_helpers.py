"""Shared set-up of the credit page tests: a published set made from the default draft, events."""

from datetime import date
from decimal import Decimal as D

from credit.choices import EventOrigin, EventStatus, SubjectKind
from credit.models import CreditEvent, RuleSet
from credit.services import rulesets as services


def default_draft() -> RuleSet:
    """The migration's draft (loaded again after a transactional test flushed it)."""
    from credit import reference
    from credit.models import GroupCap, RuleLine

    reference.load(RuleSet, RuleLine, GroupCap)
    return RuleSet.objects.get(version=reference.VERSION)


def published(actor, *, year=2025, version="P-2025", source=None) -> RuleSet:
    """A copy of the default draft (or ``source``), published for ``year``."""
    rs = services.create_rule_set(actor=actor, version=version, effective_year=year,
                                  title="测试规则", copy_from=source or default_draft())
    return services.publish(actor=actor, rule_set=rs, document_number=f"测试文号〔{year}〕1号")


def event(subject, kind, *, year=2025, day=1, measure=None, status=EventStatus.ACTIVE, **kw):
    is_agency = subject._meta.label == "verifiers.Agency"
    return CreditEvent.objects.create(
        subject_kind=SubjectKind.AGENCY if is_agency else SubjectKind.ENTERPRISE,
        agency=subject if is_agency else None, enterprise=None if is_agency else subject,
        year=year, occurred_on=date(year, 3, day), kind=kind, summary=f"{kind} {day}",
        measure=None if measure is None else D(measure), status=status,
        origin=EventOrigin.MANUAL if status == EventStatus.PENDING else EventOrigin.AUTOMATIC,
        **kw,
    )

