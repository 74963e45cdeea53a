"""Wiring of the programme's targets topic: scope rules, reminders, event subscriptions."""


def register() -> None:
    pass
