from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Key-emitter registry")

    def ready(self):
        from registry import models as m
        from registry import notifications  # noqa: F401  (subscribes to registry events)
        from zhongwei_carbon import scoping

        scoping.register(m.Area, area="pk", enterprise="enterprise", public=Q())
        scoping.register(m.Sector, public=Q())
        scoping.register(m.Department, department="pk", public=Q(is_active=True))
        scoping.register(m.Enterprise, area="area", enterprise="pk")
        scoping.register(m.Facility, area="enterprise__area", enterprise="enterprise")
        scoping.register(m.EmissionRecord, area="enterprise__area", enterprise="enterprise")
        scoping.register(m.KeyEmitterList, public=Q(status="published"))
        scoping.register(
            m.KeyEmitterListEntry,
            area="area",
            enterprise="enterprise",
            public=Q(key_list__status="published"),
        )
        # Applications are read by the bureau only (an applicant has no account yet).
        scoping.register(m.RegistrationRequest)
