"""The holiday calendar (public holidays and make-up working days) that working-day deadlines
use: everyone logged in reads it, bureau admins keep it (DESIGN.md §4.7)."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from reporting.forms.factors import CalendarDayForm
from reporting.services import factors as svc
from reporting.views.factors import edit_page
from zhongwei_carbon import roles, web, workdays
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.models import CalendarDay
from zhongwei_carbon.roles import Perm

TEMPLATES = "reporting/factors/"
MIN_YEAR, MAX_YEAR = 2000, 2100


class DeadlineForm(BootstrapMixin, forms.Form):
    """A small calculator on the calendar page: notice date + N working days."""

    start = forms.DateField(
        label=gettext_lazy("Date of notice"), widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.IntegerField(label=gettext_lazy("Working days"), min_value=0, max_value=366)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if MIN_YEAR <= year <= MAX_YEAR else timezone.localdate().year


def month_grid(year: int, exceptions: dict[date, str]) -> list[dict]:
    """Twelve months of weeks (Monday first); each day says whether it is worked."""
    cal = pycalendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in cal.monthdatescalendar(year, month):
            cells = []
            for day in week:
                kind = exceptions.get(day)
                if kind == CalendarDay.Kind.HOLIDAY:
                    css = "holiday"
                elif kind == CalendarDay.Kind.WORKDAY:
                    css = "makeup"
                elif day.weekday() >= 5:
                    css = "weekend"
                else:
                    css = "work"
                cells.append({"date": day, "in_month": day.month == month, "css": css})
            weeks.append(cells)
        months.append({"month": date(year, month, 1), "weeks": weeks})
    return months


@web.require(Perm.VIEW_CALENDAR)
@require_GET
def calendar_index(request):
    year = _year(request)
    days = list(CalendarDay.objects.filter(date__year=year))
    deadline_form = DeadlineForm(request.GET if "start" in request.GET else None)
    result = None
    if deadline_form.is_bound and deadline_form.is_valid():
        start, count = deadline_form.cleaned_data["start"], deadline_form.cleaned_data["days"]
        result = workdays.deadline(start, count)
    return render(
        request,
        TEMPLATES + "calendar.html",
        {
            "year": year,
            "previous_year": year - 1 if year > MIN_YEAR else None,
            "next_year": year + 1 if year < MAX_YEAR else None,
            "days": days,
            "months": month_grid(year, {d.date: d.kind for d in days}),
            "deadline_form": deadline_form,
            "deadline": result,
            "can_manage": roles.has_perm(request.user, Perm.MANAGE_CALENDAR),
        },
    )


def _back(day_or_year) -> str:
    year = getattr(day_or_year, "year", day_or_year)
    return reverse("reporting:calendar_index") + f"?year={year}"


@web.require(Perm.MANAGE_CALENDAR)
@require_http_methods(["GET", "POST"])
def calendar_create(request):
    form = CalendarDayForm(request.POST or None, initial={"date": request.GET.get("date")})
    back_year = _year(request)
    if form.is_bound and form.is_valid():
        back_year = form.cleaned_data["date"].year
    return edit_page(
        request,
        form=form,
        save=lambda data: svc.calendar_day_create(actor=request.user, data=data),
        title=_("New calendar day"),
        back=_back(back_year),
        success=_("Calendar day %(obj)s saved."),
    )


@web.require(Perm.MANAGE_CALENDAR)
@require_http_methods(["GET", "POST"])
def calendar_edit(request, pk):
    # Calendar days are city-wide reference data: only the role decides, there is no scope.
    day = get_object_or_404(CalendarDay, pk=pk)
    form = CalendarDayForm(request.POST or None, instance=day)
    back_year = day.date.year
    return edit_page(
        request,
        form=form,
        save=lambda data: svc.calendar_day_update(actor=request.user, day=day, data=data),
        title=_("Edit calendar day %(date)s") % {"date": day.date.isoformat()},
        back=_back(back_year),
        obj=day,
        success=_("Calendar day %(obj)s saved."),
    )


@web.require(Perm.MANAGE_CALENDAR)
@require_http_methods(["GET", "POST"])
def calendar_delete(request, pk):
    day = get_object_or_404(CalendarDay, pk=pk)
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        year = day.date.year
        svc.calendar_day_delete(actor=request.user, day=day)
        messages.success(request, _("Calendar day %(date)s removed.") % {"date": day.date.isoformat()})
        return redirect(_back(year))
    return render(request, TEMPLATES + "calendar_delete.html", {"day": day, "back": _back(day.date.year)})
