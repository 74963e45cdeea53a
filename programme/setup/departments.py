"""Wiring of the programme's departments topic: scope rules, reminders, event subscriptions."""


def register() -> None:
    pass
