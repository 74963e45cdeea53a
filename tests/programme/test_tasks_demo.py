"""The demo's task tracker (``seed_demo``): the plan's twelve tasks with their units as
DOMAIN.md lists them (counties and parks first, then departments), two quarters of reports
with a mix of outcomes, real work for the demo logins, and a second run changing nothing."""

from collections import Counter
from datetime import date

import pytest
from django.test import Client

from accounts.models import User
from programme.models import ProgrammeTask, ProgressReport, TaskUnit
from programme.selectors import tasks as selectors
from tests.registry.test_seed_demo import _seeded_once, seed, seeded  # noqa: F401
from zhongwei_carbon import notifications

pytestmark = pytest.mark.django_db


def units(number) -> list[str]:
    return [u.area.code if u.area_id else u.department.code
            for u in TaskUnit.objects.filter(task__number=number).select_related("area", "department")]


def test_twelve_tasks_with_their_units(seeded):  # noqa: F811
    assert list(ProgrammeTask.objects.values_list("number", flat=True)) == list(range(1, 13))
    assert set(ProgrammeTask.objects.values_list("status", flat=True)) == {"in_progress"}
    two = units(2)
    assert two[:5] == ["640502", "640521", "640522", "640500-P01", "640500-P02"]
    assert set(two[5:]) == {"ecology-environment", "market-regulation", "public-security"}
    ten = set(units(10))
    assert {"development-reform", "financial-affairs", "pboc", "bank-ningxia", "bank-abc"} <= ten
    assert {"statistics"} <= set(units(12))
    for number in range(1, 13):
        codes = units(number)
        first_department = next(i for i, c in enumerate(codes) if not c[0].isdigit())
        assert all(not c[0].isdigit() for c in codes[first_department:]), number
    assert ProgrammeTask.objects.filter(items__isnull=False).distinct().count() == 12


def test_two_quarters_of_reports_with_a_mix(seeded):  # noqa: F811
    by_quarter = Counter(ProgressReport.objects.values_list("year", "period"))
    assert set(by_quarter) == {(2026, 2), (2026, 3)}
    q3 = Counter(ProgressReport.objects.filter(period=3).values_list("status", flat=True))
    assert {"accepted", "returned", "submitted", "draft"} <= set(q3)
    assert Counter(ProgressReport.objects.filter(period=2).values_list("status", flat=True))[
        "accepted"] > 0


@pytest.mark.parametrize("username", ["fgw", "stats", "bank1", "shapotou", "admin"])
def test_the_demo_logins_see_real_work(seeded, username):  # noqa: F811
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    listed = client.get("/programme/tasks/").context["page_obj"]
    assert len(listed) > 0
    assert client.get("/programme/tasks/mine/").status_code == 200
    assert client.get("/programme/tasks/summary/?year=2026").status_code == 200
    if username != "admin":
        owed = selectors.outstanding(selectors.own_units(user), date(2026, 12, 4))
        assert owed, username  # something to file (a Q3 report missing, a draft or a return)


def test_the_demo_reminds_overdue_reports_and_the_office_has_work(seeded):  # noqa: F811
    shapotou = User.objects.get(username="shapotou")
    assert notifications.open_todos(shapotou).filter(
        key__startswith="reminder:programme-report:").exists()
    reviewer = User.objects.get(username="reviewer")
    assert notifications.open_todos(reviewer).filter(key__startswith="programme-report:").exists()


def test_a_second_seed_changes_nothing(seeded):  # noqa: F811
    before = (ProgrammeTask.objects.count(), TaskUnit.objects.count(),
              ProgressReport.objects.count())
    seed()
    assert (ProgrammeTask.objects.count(), TaskUnit.objects.count(),
            ProgressReport.objects.count()) == before
