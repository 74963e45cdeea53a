"""Wiring of the programme's tasks topic: scope rules, reminders, event subscriptions."""


def register() -> None:
    pass
