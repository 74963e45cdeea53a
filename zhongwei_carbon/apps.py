from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhongwei_carbon"
    label = "core"
    verbose_name = _("Portal core")

    def ready(self):
        from django.db.models import Q

        from zhongwei_carbon import audit_check, events, scoping
        from zhongwei_carbon.models import CalendarDay, Event

        scoping.register(Event)
        scoping.register(CalendarDay, public=Q())  # the holiday calendar is public knowledge
        audit_check.register(
            chain="events",
            model=Event,
            label=_("Business events"),
            describe=events.describe,
            url=events.url,
        )
