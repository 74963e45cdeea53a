"""Issue 9, point 13: the verification queue never shows "round 0": a report not verified yet
says 尚未核查; a verified one shows its round."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.models import AnnualReport
from reporting.services import verification as svc
from tests import factories as f

pytestmark = pytest.mark.django_db


def round_cells(response) -> list[str]:
    html = response.content.decode()
    return [re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r'<td class="num" data-col="round">(.*?)</td>', html, re.S)]


def test_queue_shows_no_round_zero(client_as, enterprise_a, ent_a, enterprise_b, ent_b,
                                    bureau_admin, agency_a, agency_a_staff):
    f.verification_reporting_year(2024)
    waiting = f.verification_report_passed(enterprise_a, ent_a)  # not assigned yet
    assigned = f.verification_report_passed(enterprise_b, ent_b)
    svc.verification_assign(actor=bureau_admin, report=assigned, agency=agency_a,
                            due=timezone.localdate() + timedelta(days=30))
    AnnualReport.objects.filter(pk=waiting.pk).update(verification_round=0)
    for user in (bureau_admin, agency_a_staff):
        cells = round_cells(client_as(user).get(reverse("reporting:verification_queue")))
        assert cells and "0" not in cells
        assert all(c == "尚未核查" for c in cells)
    AnnualReport.objects.filter(pk=assigned.pk).update(verification_round=2, status="verified")
    cells = round_cells(client_as(bureau_admin).get(reverse("reporting:verification_queue")))
    assert sorted(cells) == ["2", "尚未核查"]
