"""The inbox as a to-do list (issue 15): an overdue item is escalated once to its area's
officials and to the bureau (never another area's); a reminder's to-do is superseded by the
item's next one and resolved when the item is done; the inbox filters to-do / unread / all
and by topic; the bell counts open to-dos only."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from tests import factories as f
from tests.conftest import client_for
from tests.notified import notified, open_todos
from zhongwei_carbon import notifications
from zhongwei_carbon.models import Notification, Reminder, Topic
from zhongwei_carbon.reminders.service import send_reminders

pytestmark = pytest.mark.django_db

DUE = date(2026, 3, 31)  # the 2025 annual report


@pytest.fixture
def report_owed(personas, enterprise_a, enterprise_b):
    f.verification_reporting_year(2025)
    f.listed(2025, enterprise_a)
    return personas


@override_settings(REMINDER_ESCALATION_DAYS=3)
def test_overdue_report_escalates_once_to_its_area_and_the_bureau(report_owed):
    personas = report_owed
    with notified(personas) as got:
        send_reminders(today=DUE + timedelta(days=1))
    got.assert_exactly("ent_a", todo=True, topic=Topic.REPORT)  # overdue, not yet escalated
    with notified(personas) as got:
        send_reminders(today=DUE + timedelta(days=3))
        send_reminders(today=DUE + timedelta(days=4))  # once each, a later run adds nothing
    # a notice to the supervisors: the to-do stays the enterprise's
    notes = got.assert_exactly("official_a", "bureau_admin", "bureau_reviewer", todo=False)
    assert all("逾期督办" in n.subject and "已逾期 3 天" in n.subject for n in notes)
    assert all(n.link == reverse("reporting:report_start") for n in notes)


@override_settings(REMINDER_ESCALATION_DAYS=0)
def test_escalation_can_be_turned_off(report_owed):
    with notified(report_owed) as got:
        send_reminders(today=DUE + timedelta(days=5))
    got.assert_nobody()


def test_next_reminder_supersedes_the_last_and_done_resolves(report_owed, enterprise_a):
    ent_a = report_owed["ent_a"]
    send_reminders(today=DUE - timedelta(days=30))
    [first] = open_todos(ent_a, enterprise_a)
    send_reminders(today=DUE - timedelta(days=7))
    [second] = open_todos(ent_a, enterprise_a)
    assert second.pk != first.pk and "还有 7 天到期" in second.subject
    first.refresh_from_db()
    assert first.resolved_at is not None  # still in the history
    f.verification_report_passed(enterprise_a, ent_a, year=2025)  # submitted
    send_reminders(today=DUE - timedelta(days=1))
    assert open_todos(ent_a) == []
    assert Reminder.objects.filter(offset=-1).count() == 0  # done: no reminder
    assert Notification.objects.filter(recipient=ent_a).count() == 2


def test_a_moved_deadline_says_the_real_days_left(report_owed):
    ent_a = report_owed["ent_a"]
    from reporting.models import ReportingYear

    ReportingYear.objects.filter(year=2025).update(report_due=DUE + timedelta(days=15))
    send_reminders(today=DUE)  # inside the T−30 window of the new date
    [note] = open_todos(ent_a)
    assert "还有 15 天到期" in note.subject


def test_resolve_marks_only_the_named_work_done(personas, enterprise_a, enterprise_b):
    ent_a, ent_b = personas["ent_a"], personas["ent_b"]
    notifications.notify(recipients=[ent_a], key="x:1", subject="甲", todo=True, obj=enterprise_a)
    notifications.notify(recipients=[ent_b], key="x:2", subject="乙", todo=True, obj=enterprise_b)
    notifications.notify(recipients=[ent_a], key="y:1", subject="丙", todo=True, obj=enterprise_a)
    assert notifications.resolve(enterprise_a, key_prefix="x:") == 1
    assert [n.key for n in open_todos(ent_a)] == ["y:1"]
    assert len(open_todos(ent_b)) == 1


def test_inbox_tabs_topic_filter_and_bell(personas, enterprise_a):
    ent_a = personas["ent_a"]
    notifications.notify(recipients=[ent_a], key="t:1", subject="提交年度排放报告",
                         topic=Topic.REPORT, todo=True, obj=enterprise_a)
    notifications.notify(recipients=[ent_a], key="t:2", subject="清缴已确认",
                         topic=Topic.SURRENDER)
    done = notifications.notify(recipients=[ent_a], key="t:3", subject="已办完的核查答复",
                                topic=Topic.VERIFICATION, todo=True, obj=enterprise_a)[0]
    notifications.resolve(enterprise_a, key_prefix="t:3")
    client = client_for(ent_a)
    page = client.get(reverse("notifications")).content.decode()
    # open to-dos first: only the open one, the bell counts it
    assert "提交年度排放报告" in page and "清缴已确认" not in page and done.subject not in page
    assert 'rounded-pill bg-danger" title="1 项待办">1<' in page
    page = client.get(reverse("notifications"), {"show": "all"}).content.decode()
    assert all(s in page for s in ("提交年度排放报告", "清缴已确认", done.subject))
    assert "已办结" in page
    page = client.get(reverse("notifications"), {"show": "all", "topic": "surrender"}).content.decode()
    assert "清缴已确认" in page and "提交年度排放报告" not in page
    # an unknown tab or topic shows everything rather than failing
    assert client.get(reverse("notifications"), {"show": "x", "topic": "y"}).status_code == 200
    # nothing open: the inbox opens on all notices and the bell is quiet
    notifications.resolve(enterprise_a)
    page = client.get(reverse("notifications")).content.decode()
    assert "清缴已确认" in page and "bg-danger\" title" not in page


def test_another_users_notice_is_not_shown_or_opened(personas, enterprise_a):
    [note] = notifications.notify(recipients=[personas["ent_a"]], key="p:1", subject="甲的待办",
                                  todo=True, obj=enterprise_a)
    client = client_for(personas["ent_b"])
    assert "甲的待办" not in client.get(reverse("notifications"), {"show": "all"}).content.decode()
    assert client.get(reverse("notification_open", args=[note.pk])).status_code == 404


def test_a_report_submitted_late_resolves_its_reminders(report_owed, enterprise_a):
    """Found in review: an item done after its reminders left the look-behind window kept
    its to-do open for good."""
    ent_a = report_owed["ent_a"]
    send_reminders(today=DUE + timedelta(days=1))
    send_reminders(today=DUE + timedelta(days=3))  # escalated
    assert len(open_todos(ent_a)) == 1
    f.verification_report_passed(enterprise_a, ent_a, year=2025)  # 20 days late
    send_reminders(today=DUE + timedelta(days=20))
    assert open_todos(ent_a) == []


def test_one_month_done_leaves_another_months_reminder_open(personas, enterprise_a):
    """Found in review: ledger months of one enterprise are one object; the February ledger
    done must not resolve January's open reminder, nor February's reminder supersede it."""
    ent_a = personas["ent_a"]
    f.ledger_reporting_year(2026, upload=20)
    f.listed(2026, enterprise_a)
    facility = f.FacilityFactory(enterprise=enterprise_a, name="1号锅炉")
    send_reminders(today=date(2026, 2, 21))  # January overdue (+1)
    [january] = open_todos(ent_a)
    assert "2026年01月" in january.subject
    send_reminders(today=date(2026, 3, 13))  # February T−7
    f.ledger_make(facility, year=2026, month=2, status="submitted")
    send_reminders(today=date(2026, 3, 19))  # February done
    assert [n.pk for n in open_todos(ent_a)] == [january.pk]


def test_escalation_stops_after_its_catch_up_window(report_owed):
    with notified(report_owed) as got:
        send_reminders(today=DUE + timedelta(days=30))  # first run long after the deadline
    got.assert_nobody()
