from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhongwei_carbon"
    label = "core"
    verbose_name = _("Portal core")

    def ready(self):
        from zhongwei_carbon import scoping
        from zhongwei_carbon.models import Event

        scoping.register(Event)
