"""Wiring of the programme's training topic: scope rules, reminders, event subscriptions."""


def register() -> None:
    pass
