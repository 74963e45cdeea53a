"""Wiring of the programme's departments topic: scope rules, reminders, event subscriptions."""


def register() -> None:
    from registry.selectors.grants import granted
    from zhongwei_carbon import context_processors

    # a navigation entry of a granted dataset shows to a liaison only while the grant stands
    context_processors.register_grant_check(granted)
