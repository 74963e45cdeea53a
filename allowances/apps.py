from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AllowancesConfig(AppConfig):
    name = "allowances"
    verbose_name = _("Allowances")

    def ready(self):
        from allowances import models as m
        from allowances import notifications  # noqa: F401  (subscribes to allocation events)
        from allowances.links import enterprise_links
        from allowances.references import register as register_references
        from allowances.selectors import movements
        from zhongwei_carbon import audit_check, links, scoping

        links.register_enterprise_links(enterprise_links)
        from allowances import reminders

        reminders.register()
        audit_check.register(
            chain="ledger",
            model=m.LedgerEntry,
            label=_("Allowance ledger entries"),
            describe=movements.describe_entry,
            url=movements.entry_url,
        )

        register_references()
        scoping.register(m.ComplianceCycle, public=Q())
        scoping.register(m.Milestone, public=Q())
        scoping.register(m.CCERProject, public=Q())
        scoping.register(m.AllowanceAccount, area="enterprise__area", enterprise="enterprise")
        scoping.register(m.Holding, area="account__enterprise__area", enterprise="account__enterprise")
        scoping.register(m.MonthlyPrice, public=Q())
        scoping.register(m.DailyPrice, public=Q())
        scoping.register(m.Allocation, area="enterprise__area", enterprise="enterprise")
        scoping.register(
            m.AllocationObjection,
            area="allocation__enterprise__area",
            enterprise="allocation__enterprise",
        )
        scoping.register(m.AllocationPlan, public=Q())
        scoping.register(m.PowerBenchmark, public=Q())
        scoping.register(m.LoadFactorBand, public=Q())
        scoping.register(m.IntensityBenchmark, public=Q())
        scoping.register(m.RegistryStatement)  # city-wide roles only
        scoping.register(m.StatementLine)
        scoping.register(m.PenaltyCase, area="enterprise__area", enterprise="enterprise")
        scoping.register(
            m.SurrenderRequest, area="account__enterprise__area", enterprise="account__enterprise"
        )
        # a pledge: its enterprise, its area, and the pledgee bank's liaisons
        scoping.register(
            m.Pledge, area="account__enterprise__area", enterprise="account__enterprise",
            department="pledgee",
        )
        scoping.register(
            m.LedgerEntry,
            area="holding__account__enterprise__area",
            enterprise="holding__account__enterprise",
        )
