"""Wiring of the programme's finance topic: scope rules, reminders, event subscriptions."""


def register() -> None:
    pass
