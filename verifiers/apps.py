from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerifiersConfig(AppConfig):
    name = "verifiers"
    verbose_name = _("Verification agencies")

    def ready(self):
        from verifiers import models as m
        from verifiers import reminders
        from zhongwei_carbon import scoping

        reminders.register()

        scoping.register(m.Agency, agency="pk")
        scoping.register(m.AgencyQualification, agency="agency")
        scoping.register(m.VerifierStaff, agency="agency")
