"""Wiring of the programme's targets topic: scope rules, reminders, event subscriptions."""

from django.db.models import Q


def register() -> None:
    from programme.models import CityStatistic
    from zhongwei_carbon import scoping

    # the city's totals (GDP, energy use, CO2) are the city's published figures, not any
    # area's or enterprise's rows: whoever may read the targets (Perm.VIEW_TARGETS, checked by
    # every page) reads every year; entering them is ``services.targets.may_enter``
    scoping.register(CityStatistic, public=Q())
