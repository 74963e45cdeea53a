"""The public credit page: final grades of published years only, searchable, paginated, with
the rule set's and the publication's document numbers."""

import pytest
from django.urls import reverse

from credit.choices import EventKind, GradingStatus
from credit.models import CreditYear
from tests import factories as f
from tests.conftest import client_for
from tests.credit import helpers as h

pytestmark = pytest.mark.django_db


def test_nothing_is_public_before_publication(enterprise_a):
    h.rule_set(2024)
    h.frozen_year(2025, subjects=[enterprise_a])
    anonymous = client_for(None)
    page = anonymous.get(reverse("credit_public:index"))
    assert page.status_code == 200 and enterprise_a.name not in page.content.decode()
    assert anonymous.get(reverse("credit_public:year", args=[2025])).status_code == 404


def test_published_grades_by_year_searchable_with_the_documents(enterprise_a, enterprise_b):
    h.rule_set(2024)
    h.event(enterprise_b, kind=EventKind.VIOLATION_ART22)
    h.frozen_year(2025, subjects=[enterprise_a, enterprise_b], status=GradingStatus.FINAL,
                  document_number="中环发〔2026〕9号")
    h.frozen_year(2026, subjects=[enterprise_a])  # provisional: never shown
    anonymous = client_for(None)
    assert anonymous.get(reverse("credit_public:index")).url == reverse(
        "credit_public:year", args=[2025])
    body = anonymous.get(reverse("credit_public:year", args=[2025])).content.decode()
    assert enterprise_a.name in body and enterprise_b.name in body
    assert "中环发〔2026〕9号" in body and h.DOC in body
    assert reverse("credit_public:year", args=[2026]) not in body
    red = anonymous.get(reverse("credit_public:year", args=[2025]), {"grade": "red"})
    assert enterprise_b.name in red.content.decode()
    assert enterprise_a.name not in red.content.decode()
    found = anonymous.get(reverse("credit_public:year", args=[2025]), {"q": "沙坡头"})
    assert enterprise_b.name not in found.content.decode()


def test_the_public_list_is_paginated():
    h.rule_set(2024)
    ents = f.EnterpriseFactory.create_batch(30)
    h.frozen_year(2025, subjects=ents, status=GradingStatus.FINAL)
    page = client_for(None).get(reverse("credit_public:year", args=[2025]))
    assert 'data-total="30"' in page.content.decode()
    assert CreditYear.objects.get().status == GradingStatus.FINAL


def test_the_public_home_links_to_the_credit_grades():
    body = client_for(None).get(reverse("public:home")).content.decode()
    assert reverse("credit_public:index") in body
