from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("Oversight and inspections")

    def ready(self):
        from oversight import models as m
        from oversight import (
            notifications,  # noqa: F401  (subscribes to inspection events)
            reminders,
        )

        reminders.register()
        from oversight.links import agency_links, enterprise_links
        from zhongwei_carbon import links, scoping

        links.register_enterprise_links(enterprise_links)
        links.register_agency_links(agency_links)
        from oversight.sections import agency_sections
        from zhongwei_carbon import sections

        sections.register_agency_sections(agency_sections)

        # The inspector directory and declared conflicts: city-wide roles only.
        for model in (m.Inspector, m.ConflictDeclaration, m.PlanArea, m.PlanSector,
                      m.PlanInspector, m.ChecklistItem, m.PenaltyRange):
            scoping.register(model)
        # Plans, draws and drawn targets become public when the plan is published (公开).
        scoping.register(m.InspectionPlan, public=Q(status="published"))
        scoping.register(m.PlanDraw, public=Q(plan__status="published"))
        scoping.register(m.DrawnTarget, public=Q(draw__plan__status="published"))
        scoping.register(m.DrawnAssignment, public=Q(target__draw__plan__status="published"))
        # An inspection: the county of an enterprise's area, the inspected enterprise or agency,
        # and the inspectors drawn for it (wherever the target is).
        inspection = {
            "area": "area", "enterprise": "enterprise", "agency": "agency",
            "assignee": "inspectors__inspector__user",
        }
        scoping.register(m.Inspection, **inspection)
        via = {k: f"inspection__{v}" for k, v in inspection.items()}
        for model in (m.InspectionInspector, m.InspectionCheck, m.Finding, m.Evidence,
                      m.Rectification):
            scoping.register(model, **via)
        scoping.register(
            m.RectificationAnswer, **{k: f"rectification__{v}" for k, v in via.items()}
        )
        # A violation case: the county of an enterprise's area, the party (only once decided:
        # selectors.violations.visible), the bureau.
        case = {"area": "area", "enterprise": "enterprise", "agency": "agency"}
        scoping.register(m.ViolationCase, **case)
        for model in (m.ResponsiblePerson, m.CooperatingDepartment, m.CaseEvidence):
            scoping.register(model, **{k: f"case__{v}" for k, v in case.items()})
