"""An agency's qualification running out (issue 15): its staff and the bureau are reminded
at T−60, T−30 and T−7 calendar days, another agency's staff never; a renewal that takes over
ends the reminders; constant queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests import factories as f
from tests.notified import notified, open_todos
from verifiers import reminders as src
from zhongwei_carbon.models import Topic
from zhongwei_carbon.reminders.service import send_reminders

pytestmark = pytest.mark.django_db

EXPIRES = date(2026, 6, 30)


def _qualification(agency, until=EXPIRES, **fields):
    return f.AgencyQualificationFactory(agency=agency, valid_from=date(2023, 7, 1),
                                        valid_until=until, **fields)


@pytest.fixture
def expiring(personas, agency_a, agency_b):
    _qualification(agency_b, until=date(2028, 12, 31))  # far off
    return _qualification(agency_a, certificate_number="NX-HC-0001")


def _sent(personas, today):
    with notified(personas) as got:
        send_reminders(today=today)
    return got


@pytest.mark.parametrize("before", [60, 30, 7])
def test_reaches_the_agencys_staff_and_the_bureau_admins_only(personas, expiring, before):
    got = _sent(personas, EXPIRES - timedelta(days=before))
    notes = got.assert_exactly("agency_a_staff", "bureau_admin", todo=True,  # who records the renewal
                               topic=Topic.AGENCY)
    for note in notes:
        assert "NX-HC-0001" in note.subject and "宁夏碳核查中心" in note.subject
        assert "2026-06-30" in note.subject
        assert note.link == reverse("verifiers:agency_detail", args=[expiring.agency_id])


def test_once_per_offset_and_none_after_expiry(personas, expiring):
    _sent(personas, EXPIRES - timedelta(days=7))
    _sent(personas, EXPIRES - timedelta(days=6)).assert_nobody()
    _sent(personas, EXPIRES).assert_nobody()  # no reminder on the day, no escalation
    _sent(personas, EXPIRES + timedelta(days=5)).assert_nobody()
    assert open_todos(personas["agency_a_staff"], expiring) == []


def test_renewal_ends_the_reminders(personas, expiring):
    _sent(personas, EXPIRES - timedelta(days=60))
    assert len(open_todos(personas["agency_a_staff"], expiring)) == 1
    _qualification(expiring.agency, until=date(2029, 6, 30))  # renewed, from 2023
    _sent(personas, EXPIRES - timedelta(days=30)).assert_nobody()
    assert open_todos(personas["agency_a_staff"], expiring) == []
    assert open_todos(personas["bureau_admin"], expiring) == []


def test_a_later_qualification_with_a_gap_or_another_kind_is_no_renewal(personas, expiring):
    _qualification(expiring.agency, until=date(2029, 6, 30), kind="testing")
    f.AgencyQualificationFactory(agency=expiring.agency, valid_from=EXPIRES + timedelta(days=30),
                                 valid_until=date(2029, 6, 30))
    _sent(personas, EXPIRES - timedelta(days=30)).assert_exactly(
        "agency_a_staff", "bureau_admin")


def test_suspended_agency_gets_none(personas, expiring):
    expiring.agency.status = "suspended"
    expiring.agency.save()
    _sent(personas, EXPIRES - timedelta(days=7)).assert_nobody()


def test_queries_constant(personas, agency_a, agency_b):
    _qualification(agency_a)
    one, n1 = _count(EXPIRES - timedelta(days=7))
    _qualification(agency_b)
    _qualification(f.AgencyFactory())
    three, n3 = _count(EXPIRES - timedelta(days=7))
    assert (n1, n3) == (1, 3) and one == three


def _count(today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        items = list(src.qualification_expiries(today))
        for due in items:
            [u.pk for u in due.recipients]
            str(due.title)
    return len(ctx.captured_queries), len(items)
