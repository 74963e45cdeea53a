"""Wiring of the programme's finance topic: scope rules, reminders, event subscriptions."""


def register() -> None:
    from programme.models import ClimateProject, ClimateProjectAttachment, ClimateProjectShare
    from zhongwei_carbon import scoping

    # a liaison reaches a project only through its department's share (the development-reform
    # review, a bank's push); the bureau all, an official its area's, an enterprise its own
    scoping.register(
        ClimateProject, area="area", enterprise="enterprise", department="shares__department"
    )
    scoping.register(
        ClimateProjectShare, area="project__area", enterprise="project__enterprise",
        department="department",
    )
    scoping.register(
        ClimateProjectAttachment, area="project__area", enterprise="project__enterprise",
        department="project__shares__department",
    )
