"""What the channel keeps about the public: the throttle of filing and tracking stores a keyed
hash of the address (never the address) and nothing past the window once the purge has run
(service, command, beat task); the throttle still holds after a purge."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import throttle
from accounts.models import FormSubmission
from complaints import retention, tasks
from complaints.models import Complaint, SpentChallenge
from tests.complaints.conftest import answer

pytestmark = pytest.mark.django_db
ADDRESS = "203.0.113.77"


def _file(client):
    return client.post(reverse("complaints_public:complaint_new"), {
        "category": "other", "description": "x", "target_text": "某厂", **answer(),
    })


def _all_stored_text() -> str:
    """Every column of the throttle and human-check tables, as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_formsubmission")
        rows = cursor.fetchall()
        cursor.execute("SELECT * FROM complaints_spentchallenge")
        rows += cursor.fetchall()
    return repr(rows)


def test_filing_and_tracking_store_no_raw_address():
    client = Client(REMOTE_ADDR=ADDRESS)
    assert _file(client).status_code == 302
    client.post(reverse("complaints_public:complaint_track"),
                {"number": "TS2026-00001", "secret": "guess"})
    rows = list(FormSubmission.objects.order_by("form").values_list("form", "address_hash"))
    assert [form for form, _ in rows] == [retention.FILE_FORM, retention.TRACK_FORM]
    assert ADDRESS not in _all_stored_text() and "203.0.113" not in _all_stored_text()
    keyed = throttle.address_key(ADDRESS)
    assert {h for _, h in rows} == {keyed} and len(keyed) == 64
    # keyed with the secret key: a plain hash of the address does not find it
    import hashlib

    assert hashlib.sha256(ADDRESS.encode()).hexdigest() != keyed
    with override_settings(SECRET_KEY="another-secret-key-0123456789abcdefghijklmnop"):
        assert throttle.address_key(ADDRESS) != keyed


@override_settings(PUBLIC_FORM_LIMIT=2)
def test_purge_removes_rows_past_the_window_and_the_throttle_still_holds():
    client = Client(REMOTE_ADDR=ADDRESS)
    assert _file(client).status_code == 302
    assert _file(client).status_code == 302
    assert _file(client).status_code == 429  # the limit holds
    window = settings.PUBLIC_FORM_WINDOW
    # an hour and a minute later: the rows are past the window ...
    old = timezone.now() - window - timedelta(minutes=1)
    FormSubmission.objects.update(submitted_at=old)
    SpentChallenge.objects.update(spent_at=old - window)
    other = FormSubmission.objects.create(form="registration", address_hash="x" * 64,
                                          submitted_at=old)
    # two filings counted (the refused one is not) and their two human checks
    assert retention.throttles_purge() == {"submissions": 2, "challenges": 2}
    assert not FormSubmission.objects.filter(form__startswith="complaint").exists()
    assert not SpentChallenge.objects.exists()
    assert FormSubmission.objects.filter(pk=other.pk).exists()  # not the complaint channel's
    # ... and nothing is left that ties the address to the filing times; it may file again
    assert _file(client).status_code == 302
    assert _file(client).status_code == 302
    assert _file(client).status_code == 429
    assert Complaint.objects.count() == 4


def test_purge_keeps_rows_inside_the_window_and_runs_twice_harmlessly():
    assert _file(Client(REMOTE_ADDR=ADDRESS)).status_code == 302
    assert retention.throttles_purge() == {"submissions": 0, "challenges": 0}
    assert FormSubmission.objects.count() == 1 and SpentChallenge.objects.count() == 1


def test_the_command_and_the_beat_task_purge(capsys):
    old = timezone.now() - settings.PUBLIC_FORM_WINDOW - timedelta(seconds=1)
    FormSubmission.objects.create(form=retention.FILE_FORM, address_hash="a" * 64,
                                  submitted_at=old)
    call_command("purge_complaint_throttles")
    assert not FormSubmission.objects.exists()
    assert "1" in capsys.readouterr().out
    FormSubmission.objects.create(form=retention.TRACK_FORM, address_hash="b" * 64,
                                  submitted_at=old)
    assert tasks.purge_throttles.delay().get() == {"submissions": 1, "challenges": 0}
    assert "complaints.purge_throttles" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
