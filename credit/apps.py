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

        # --- credit: grading, objections, repair ---
        from django.db.models import Q

        from credit import models as m
        from credit.choices import GradingStatus
        from zhongwei_carbon import scoping

        # A grade: the bureau every one, an area official those of his area's enterprises,
        # a subject's users its own (agencies work city-wide: no area path).
        subject = {"area": "enterprise__area", "enterprise": "enterprise", "agency": "agency"}
        scoping.register(m.SubjectGrade, **subject)
        scoping.register(m.CreditObjection, area="grade__enterprise__area",
                         enterprise="grade__enterprise", agency="grade__agency")
        scoping.register(m.RepairApplication, area="event__enterprise__area",
                         enterprise="event__enterprise", agency="event__agency")
        scoping.register(m.CreditYear, public=Q(status=GradingStatus.FINAL))
        from credit import reminders

        reminders.register()  # the deadline sources of the reminder job (issue 15)
        # --- end credit: grading, objections, repair ---
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
        # --- credit: rule sets and score cards ---
        from credit import models as m
        from zhongwei_carbon import scoping

        # rule sets are the bureau's (city-wide roles only); a score card is scoped by its
        # subject (registry.Enterprise, verifiers.Agency), see credit.views.cards
        for model in (m.RuleSet, m.RuleLine, m.GroupCap):
            scoping.register(model)
        # --- end credit: rule sets and score cards ---
