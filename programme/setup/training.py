"""Wiring of the programme's training topic: scope rules, reminders, event subscriptions."""


def register() -> None:
    from programme.models import TrainingAttendance, TrainingMaterial, TrainingSession
    from programme.training_hooks import enterprise_sections
    from zhongwei_carbon import scoping, sections

    # A liaison reaches the sessions his department organised (every session with the
    # ``training`` grant: ``programme.selectors.training``); counties and enterprises reach a
    # session through their attendance.
    scoping.register(TrainingSession, department="organiser")
    scoping.register(TrainingMaterial, department="session__organiser")
    scoping.register(
        TrainingAttendance, area="enterprise__area", enterprise="enterprise",
        department="session__organiser",
    )
    # the enterprise page lists its staff's training (registry never imports programme)
    sections.register_enterprise_sections(enterprise_sections)
