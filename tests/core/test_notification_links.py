"""A notification opens the page where its recipient acts (issue 9, point 10): every kind
sent by reporting and allowances, opened from the inbox by its recipient."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.test_url_matrix import ctx  # noqa: F401  (builds a row of every kind)
from zhongwei_carbon import events
from zhongwei_carbon.models import Notification


def _url(name, obj):
    return lambda c: reverse(name, kwargs={"pk": c[obj].pk})


REPORT = {"report_id": lambda c: c["report_v"].pk}
ALLOCATION = {"allocation_id": lambda c: c["allocation_a"].pk}

# event, payload, recipient, the page where that recipient acts
KINDS = [
    ("report.submit", REPORT, "official_a", _url("reporting:report_county_check", "report_v")),
    ("report.county_return", REPORT, "ent_a", _url("reporting:report_detail", "report_v")),
    ("report.county_pass", REPORT, "bureau_admin", _url("reporting:verification_assign", "report_v")),
    ("report.assign", REPORT, "agency_a_staff", _url("reporting:verification_detail", "report_v")),
    ("report.recheck_return", REPORT, "agency_a_staff",
     _url("reporting:verification_detail", "report_v")),
    ("report.objection_uphold", REPORT, "agency_a_staff",
     _url("reporting:verification_detail", "report_v")),
    ("report.file_verification", REPORT, "bureau_reviewer", _url("reporting:recheck", "report_v")),
    ("report.object", REPORT, "bureau_admin", _url("reporting:objection_decide", "objection_v")),
    ("report.final", REPORT, "ent_a", _url("reporting:objection_file", "report_v")),
    ("allocation.notified", ALLOCATION, "ent_a", _url("allowances:allocation_object", "allocation_a")),
    ("allocation.objection_filed", ALLOCATION, "bureau_admin",
     _url("allowances:allocation_detail", "allocation_a")),
    ("allocation.objection_decided", ALLOCATION, "ent_a",
     _url("allowances:allocation_detail", "allocation_a")),
    ("allocation.issued", ALLOCATION, "ent_a", _url("allowances:account_detail", "account_a")),
    ("penalty.opened", {"case_id": lambda c: c["penalty_a"].pk}, "ent_a",
     lambda c: reverse("allowances:surrender_new") + f"?cycle={c['penalty_a'].cycle.year}"),
    ("penalty.correction_deadline", {"case_id": lambda c: c["penalty_a"].pk}, "ent_a",
     _url("allowances:penalty_detail", "penalty_a")),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("event", "payload", "recipient", "page"), KINDS, ids=[k[0] for k in KINDS])
def test_notification_opens_where_the_recipient_acts(
    event, payload, recipient, page, ctx, django_capture_on_commit_callbacks  # noqa: F811
):
    user = ctx[recipient]
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(event, **{k: v(ctx) for k, v in payload.items()})
    note = Notification.objects.get(recipient=user)
    client = client_for(user)
    opened = client.get(reverse("notification_open", kwargs={"pk": note.pk}))
    assert opened.status_code == 302
    assert opened["Location"] == page(ctx)
    # a page they may open (a step already taken redirects to the record, never to a refusal)
    landed = client.get(opened["Location"], follow=True)
    assert landed.status_code == 200 and "/accounts/login/" not in landed.request["PATH_INFO"]
