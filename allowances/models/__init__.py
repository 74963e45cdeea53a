from allowances.models.ledger import (
    AllowanceAccount,
    CCERProject,
    ComplianceCycle,
    Holding,
    LedgerEntry,
    Milestone,
)
from allowances.models.parameters import (
    AllocationPlan,
    IntensityBenchmark,
    LoadFactorBand,
    PowerBenchmark,
)
from allowances.models.pledges import Pledge
from allowances.models.statements import RegistryStatement, StatementLine
from allowances.models.workflow import (
    Allocation,
    AllocationObjection,
    DailyPrice,
    MonthlyPrice,
    PenaltyCase,
    SurrenderRequest,
)

__all__ = [
    "Allocation",
    "AllocationObjection",
    "AllocationPlan",
    "IntensityBenchmark",
    "LoadFactorBand",
    "PowerBenchmark",
    "RegistryStatement",
    "StatementLine",
    "AllowanceAccount",
    "CCERProject",
    "ComplianceCycle",
    "DailyPrice",
    "Holding",
    "LedgerEntry",
    "Milestone",
    "MonthlyPrice",
    "PenaltyCase",
    "Pledge",
    "SurrenderRequest",
]
