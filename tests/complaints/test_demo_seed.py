"""The complaints demo: one complaint in each state, through the services; a second
run adds nothing."""

import pytest

from complaints import demo_seed
from complaints.models import Complaint, FilerIdentity
from tests import factories as f
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_seed(published, bureau_admin, area_a, area_b, agency_a, enterprise_b):
    from registry.models import KeyEmitterListEntry

    f.make_member("shapotou", Role.AREA_OFFICIAL, area=area_a)
    f.make_member("zhongning", Role.AREA_OFFICIAL, area=area_b)
    f.make_member("reviewer", Role.BUREAU_REVIEWER)
    f.listed(published.year, enterprise_b)  # a Zhongning key emitter on the published list
    assert KeyEmitterListEntry.objects.filter(enterprise=enterprise_b).exists()
    demo_seed.seed(actor=bureau_admin)
    states = sorted(Complaint.objects.values_list("status", flat=True))
    # one in each state of the workflow (complaints.choices.Status)
    from complaints.choices import Status

    assert states == sorted(Status.values)
    assert FilerIdentity.objects.count() == 1
    merged = Complaint.objects.get(status="merged")
    assert merged.merged_into.status == "assigned"
    pending = Complaint.objects.get(status="reply_pending")
    assert pending.enterprise == enterprise_b and pending.handler.username == "zhongning"
    answered = Complaint.objects.get(status="answered")
    assert answered.agency == agency_a and answered.approved_by == bureau_admin
    accepted = Complaint.objects.get(status="accepted")
    assert accepted.target_kind == "official" and accepted.area.code == "640522"
    demo_seed.seed(actor=bureau_admin)
    assert Complaint.objects.count() == len(Status.values)
