from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Emission reporting")

    def ready(self):
        from reporting import ledger_notifications, notifications  # noqa: F401  (subscribers)
        from reporting import models as m
        from reporting.links import enterprise_links
        from zhongwei_carbon import links, scoping

        links.register_enterprise_links(enterprise_links)
        from reporting import reminders

        reminders.register()

        # Factor tables are reference data: everyone may read them.
        for model in (
            m.FuelType,
            m.FuelFactor,
            m.EmissionFactor,
            m.FactorApplicability,
            m.ReportingYear,
        ):
            scoping.register(model, public=Q())
        scoping.register(m.MonthlyLedger, area="enterprise__area", enterprise="enterprise")
        scoping.register(
            m.MonthlyLedgerLine, area="ledger__enterprise__area", enterprise="ledger__enterprise"
        )
        scoping.register(
            m.LedgerEvidence, area="ledger__enterprise__area", enterprise="ledger__enterprise"
        )
        report = {"area": "enterprise__area", "enterprise": "enterprise", "agency": "agency"}
        scoping.register(m.AnnualReport, **report)
        via_report = {k: f"report__{v}" for k, v in report.items()}
        scoping.register(m.ReportVersion, **via_report)
        scoping.register(m.Finding, **via_report)
        scoping.register(m.VerificationReport, **via_report)
        scoping.register(m.Recheck, **via_report)
        scoping.register(m.Objection, **via_report)
        scoping.register(
            m.ReportLine,
            area="version__report__enterprise__area",
            enterprise="version__report__enterprise",
            agency="version__report__agency",
        )
        scoping.register(m.VerificationFigure, agency="verification__report__agency")
        # Declarations: the bureau, and the agency that made them.
        scoping.register(m.AgencyDeclaration, agency="agency")
