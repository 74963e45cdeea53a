"""Holiday calendar pages: everyone logged in reads, the bureau admin keeps it; the deadline
calculator and working-day deadlines follow the rows."""

from datetime import date

import pytest
from django.urls import reverse

from zhongwei_carbon import workdays
from zhongwei_carbon.models import CalendarDay, Event

pytestmark = pytest.mark.django_db

INDEX = reverse("reporting:calendar_index")


@pytest.fixture
def national_day():
    rows = [CalendarDay.objects.create(date=date(2025, 10, d), kind="holiday", name="国庆节") for d in range(1, 9)]
    rows.append(CalendarDay.objects.create(date=date(2025, 9, 28), kind="workday", name="调休"))
    rows.append(CalendarDay.objects.create(date=date(2025, 10, 11), kind="workday", name="调休"))
    return rows


def _state():
    return list(CalendarDay.objects.values_list("date", "kind", "name")), Event.objects.count()


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_b", "agency_a_staff"])
def test_everyone_logged_in_reads_the_year(client_as, request, persona, national_day):
    response = client_as(request.getfixturevalue(persona)).get(INDEX, {"year": 2025})
    assert response.status_code == 200
    assert [d.date for d in response.context["days"]][:2] == [date(2025, 9, 28), date(2025, 10, 1)]
    assert len(response.context["days"]) == 10
    assert response.context["can_manage"] is False
    october = response.context["months"][9]
    css = {c["date"]: c["css"] for week in october["weeks"] for c in week if c["in_month"]}
    assert (css[date(2025, 10, 1)], css[date(2025, 10, 11)], css[date(2025, 10, 12)], css[date(2025, 10, 9)]) == (
        "holiday", "makeup", "weekend", "work"
    )


def test_other_year_is_empty_and_bad_year_falls_back(client_as, bureau_admin, national_day):
    client = client_as(bureau_admin)
    assert list(client.get(INDEX, {"year": 2026}).context["days"]) == []
    assert client.get(INDEX, {"year": "abc"}).status_code == 200


def test_anonymous_to_login(client_as):
    response = client_as(None).get(INDEX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deadline_calculator_uses_the_rows(client_as, ent_a, national_day):
    response = client_as(ent_a).get(INDEX, {"year": 2025, "start": "2025-09-26", "days": "7"})
    assert response.context["deadline"] == date(2025, 10, 13)
    bad = client_as(ent_a).get(INDEX, {"start": "2025-13-40", "days": "7"})
    assert bad.context["deadline"] is None and "start" in bad.context["deadline_form"].errors


def test_admin_adds_a_holiday_and_deadline_moves(client_as, bureau_admin):
    assert workdays.deadline(date(2026, 1, 30), 1) == date(2026, 2, 2)
    response = client_as(bureau_admin).post(
        reverse("reporting:calendar_create"),
        {"date": "2026-02-02", "kind": "holiday", "name": "测试假日", "source": "通知"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2026")
    assert workdays.deadline(date(2026, 1, 30), 1) == date(2026, 2, 3)
    day = CalendarDay.objects.get(date=date(2026, 2, 2))
    assert Event.objects.filter(verb="calendar_day.created", target_id=str(day.pk), actor=bureau_admin).exists()


@pytest.mark.parametrize(
    "data,field",
    [
        ({"date": "2025-10-09", "kind": "workday"}, "date"),  # a Thursday cannot be a make-up day
        ({"date": "2025-10-01", "kind": "holiday"}, "date"),  # already in the calendar
        ({"date": "2025-02-30", "kind": "holiday"}, "date"),
        ({"date": "2025-10-20", "kind": "party"}, "kind"),
    ],
)
def test_bad_calendar_day_is_a_field_error(client_as, bureau_admin, national_day, data, field):
    before = _state()
    response = client_as(bureau_admin).post(reverse("reporting:calendar_create"), {"name": "", "source": "", **data})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert _state() == before


def test_admin_edits_a_day(client_as, bureau_admin, national_day):
    day = national_day[-1]  # Sat 11 Oct, make-up day
    response = client_as(bureau_admin).post(
        reverse("reporting:calendar_edit", args=[day.pk]),
        {"date": "2025-10-11", "kind": "workday", "name": "国庆节调休上班", "source": "国办发明电〔2024〕12号"},
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.name == "国庆节调休上班"
    assert Event.objects.get(verb="calendar_day.updated").data["name"]["new"] == "国庆节调休上班"


def test_delete_asks_first_then_removes(client_as, bureau_admin, national_day):
    day = national_day[-1]
    client = client_as(bureau_admin)
    url = reverse("reporting:calendar_delete", args=[day.pk])
    assert workdays.deadline(date(2025, 9, 26), 7) == date(2025, 10, 13)
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 200  # not confirmed: only the question again
    assert CalendarDay.objects.filter(pk=day.pk).exists()
    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert Event.objects.filter(verb="calendar_day.deleted", target_id=str(day.pk)).exists()
    # Without Saturday 11 Oct worked: Sun 28, Mon 29, Tue 30, Thu 9, Fri 10, Mon 13, Tue 14.
    assert workdays.deadline(date(2025, 9, 26), 7) == date(2025, 10, 14)


@pytest.mark.parametrize("persona", ["bureau_reviewer", "official_a", "ent_a", "agency_a_staff"])
def test_others_cannot_change_the_calendar(client_as, request, persona, national_day):
    client = client_as(request.getfixturevalue(persona))
    day = national_day[0]
    before = _state()
    assert client.post(reverse("reporting:calendar_create"), {"date": "2026-01-01", "kind": "holiday"}).status_code == 403
    assert client.post(reverse("reporting:calendar_delete", args=[day.pk]), {"confirmed": "1"}).status_code == 403
    assert client.post(reverse("reporting:calendar_edit", args=[day.pk]), {"date": "2025-10-01", "kind": "holiday", "name": "x"}).status_code == 403
    assert _state() == before


def test_unknown_day_is_404(client_as, bureau_admin):
    assert client_as(bureau_admin).get(reverse("reporting:calendar_edit", args=[999999])).status_code == 404
