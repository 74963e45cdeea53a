from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit and disclosure")

    def ready(self):
        # --- credit: use of grades ---
        from credit import hooks
        from zhongwei_carbon import advisories, draw_weights, sections

        sections.register_enterprise_sections(hooks.enterprise_sections)
        sections.register_agency_sections(hooks.agency_sections)
        advisories.register_agency_advisories(hooks.agency_advisories)
        draw_weights.register(hooks.draw_weighting)
        # --- end credit: use of grades ---

        # --- credit: rule sets and score cards ---
        from credit import models as m
        from zhongwei_carbon import scoping

        # rule sets are the bureau's (city-wide roles only); a score card is scoped by its
        # subject (registry.Enterprise, verifiers.Agency), see credit.views.cards
        for model in (m.RuleSet, m.RuleLine, m.GroupCap):
            scoping.register(model)
        # --- end credit: rule sets and score cards ---
