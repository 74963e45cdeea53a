from reporting.models.factors import (
    EmissionFactor,
    FactorApplicability,
    FuelFactor,
    FuelType,
    ReportingYear,
)
from reporting.models.ledgers import LedgerEvidence, MonthlyLedger, MonthlyLedgerLine
from reporting.models.reports import AnnualReport, ReportLine, ReportVersion
from reporting.models.verification import (
    AgencyDeclaration,
    Finding,
    Objection,
    Recheck,
    VerificationFigure,
    VerificationReport,
)

__all__ = [
    "AgencyDeclaration",
    "AnnualReport",
    "EmissionFactor",
    "FactorApplicability",
    "Finding",
    "FuelFactor",
    "FuelType",
    "LedgerEvidence",
    "MonthlyLedger",
    "MonthlyLedgerLine",
    "Objection",
    "Recheck",
    "ReportLine",
    "ReportVersion",
    "ReportingYear",
    "VerificationFigure",
    "VerificationReport",
]
