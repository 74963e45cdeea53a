from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit and disclosure")

    def ready(self):
        from credit import models as m
        from zhongwei_carbon import scoping

        # rule sets are the bureau's (city-wide roles only); a score card is scoped by its
        # subject (registry.Enterprise, verifiers.Agency), see credit.views.cards
        for model in (m.RuleSet, m.RuleLine, m.GroupCap):
            scoping.register(model)
