"""Who hears about the registry's steps (issue 15): an account application is a to-do of the
bureau administrators (not the reviewers) until decided; a drafted list waits for publication;
a published list tells the enterprises entering it and their area's officials, and no one
else."""

from decimal import Decimal

import pytest
from django.urls import reverse

from registry.services import lists, registration
from tests import factories as f
from tests.notified import notified, open_todos

pytestmark = pytest.mark.django_db

PASSWORD = "Tanpaifang-2026!"


def _apply(enterprise, username="mali"):
    return registration.registration_submit(
        uscc_code=enterprise.uscc, enterprise_name=enterprise.name, applicant_name="马丽",
        phone="13995550000", email="mali@example.com", username=username, password=PASSWORD,
    )


def test_application_is_a_todo_of_the_admins_until_approved(
        personas, enterprise_a, django_capture_on_commit_callbacks):
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        application = _apply(enterprise_a)
    [note] = got.assert_exactly("bureau_admin", todo=True)
    assert "马丽" in note.subject and enterprise_a.name in note.subject
    assert note.link == reverse("registry:registration_detail", args=[application.pk])
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        user = registration.registration_approve(actor=personas["bureau_admin"],
                                                 application=application)
    assert open_todos(personas["bureau_admin"]) == []
    # the new account's welcome, nobody else
    assert {n.recipient for n in got.notes} == {user}
    assert enterprise_a.name in got.notes[0].subject


def test_refused_application_resolves_the_todo(personas, enterprise_a,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = _apply(enterprise_a)
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        registration.registration_refuse(actor=personas["bureau_admin"],
                                         application=application, reason="信息不符")
    got.assert_nobody()
    assert open_todos(personas["bureau_admin"]) == []


def test_list_draft_then_publish(personas, enterprise_a, enterprise_b,
                                 django_capture_on_commit_callbacks):
    # enterprise_a enters the 2026 list (25,000 t in 2025 is under the threshold for b)
    f.EmissionRecordFactory(enterprise=enterprise_a, year=2025, emissions_tco2e=Decimal("30000"))
    f.EmissionRecordFactory(enterprise=enterprise_b, year=2025, emissions_tco2e=Decimal("9000"),
                            energy_tce=Decimal("1000"))
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        key_list = lists.key_list_draft(actor=personas["bureau_admin"], year=2026)
    got.assert_exactly("bureau_admin", todo=True)
    with notified(personas) as got, django_capture_on_commit_callbacks(execute=True):
        lists.key_list_publish(actor=personas["bureau_admin"], key_list=key_list,
                               document_number="卫环发〔2026〕1号")
    notes = got.assert_exactly("ent_a", "official_a", todo=False)
    assert all("卫环发〔2026〕1号" in n.subject for n in notes)
    assert open_todos(personas["bureau_admin"]) == []


def test_publication_notices_take_the_same_queries_for_one_or_many_enterprises(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.notifications import key_list_published

    def publish(year, n):
        es = []
        for i in range(n):
            e = f.EnterpriseFactory(name=f"企业{year}-{i}")
            f.make_member(f"u{year}_{i}", f.Role.ENTERPRISE_USER, enterprise=e)
            f.EmissionRecordFactory(enterprise=e, year=year - 1, emissions_tco2e=Decimal("30000"))
            es.append(e)
        key_list = lists.key_list_draft(actor=personas["bureau_admin"], year=year)
        from registry.models import KeyEmitterList

        KeyEmitterList.objects.filter(pk=key_list.pk).update(status="published",
                                                              document_number="文号")
        with CaptureQueriesContext(connection) as ctx:
            key_list_published(key_list_id=key_list.pk)
        return len(ctx.captured_queries)

    assert publish(2026, 1) == publish(2027, 4)
