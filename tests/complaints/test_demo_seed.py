"""The complaints demo: one complaint in each main state, through the services; a second
run adds nothing."""

import pytest

from complaints import demo_seed
from complaints.models import Complaint, FilerIdentity
from tests import factories as f
from zhongwei_carbon.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_seed(published, bureau_admin, area_a, agency_a):
    f.make_member("shapotou", Role.AREA_OFFICIAL, area=area_a)
    f.make_member("reviewer", Role.BUREAU_REVIEWER)
    demo_seed.seed(actor=bureau_admin)
    states = sorted(Complaint.objects.values_list("status", flat=True))
    assert states == ["answered", "assigned", "received", "rejected"]
    assert FilerIdentity.objects.count() == 1
    answered = Complaint.objects.get(status="answered")
    assert answered.agency == agency_a and answered.approved_by == bureau_admin
    demo_seed.seed(actor=bureau_admin)
    assert Complaint.objects.count() == 4
