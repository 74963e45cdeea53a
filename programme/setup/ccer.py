"""Wiring of the programme's ccer topic: scope rules, reminders, event subscriptions."""


def register() -> None:
    pass
