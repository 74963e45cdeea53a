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

        # --- credit events ---
        from credit import subscribers  # noqa: F401  (subscribes to the lower apps' events)
        from credit.links import agency_links, enterprise_links
        from credit.models import CreditEvent
        from zhongwei_carbon import links, scoping

        links.register_enterprise_links(enterprise_links)
        links.register_agency_links(agency_links)

        # An event: the bureau every one, a county / park official those of its area's
        # enterprises, an enterprise or an agency its own (``credit.selectors.events`` keeps
        # pending and refused manual events the bureau's); the public none.
        scoping.register(CreditEvent, area="enterprise__area", enterprise="enterprise",
                         agency="agency")
        # --- end credit events ---
