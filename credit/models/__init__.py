from credit.models.events import CreditEvent, RepairApplication
from credit.models.grading import CreditObjection, CreditYear, SubjectGrade
from credit.models.rulesets import GroupCap, RuleLine, RuleSet

__all__ = [
    "CreditEvent",
    "CreditObjection",
    "CreditYear",
    "GroupCap",
    "RepairApplication",
    "RuleLine",
    "RuleSet",
    "SubjectGrade",
]
