from allowances.models.ledger import (
    AllowanceAccount,
    CCERProject,
    ComplianceCycle,
    Holding,
    LedgerEntry,
    Milestone,
)
from allowances.models.workflow import Allocation, MonthlyPrice, PenaltyCase, SurrenderRequest

__all__ = [
    "Allocation",
    "AllowanceAccount",
    "CCERProject",
    "ComplianceCycle",
    "Holding",
    "LedgerEntry",
    "Milestone",
    "MonthlyPrice",
    "PenaltyCase",
    "SurrenderRequest",
]
