"""The hash chains of the audit tables (issue 10 §8): business events and allowance ledger
entries are chained on insert, whatever writes them; a row changed, deleted, re-linked or
written behind the seal trigger's back is found by ``verify_audit_chain`` and by the bureau's
audit-trail page, which name it; the rows stay append-only in PostgreSQL."""

from __future__ import annotations

from io import StringIO

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import InternalError, connection, transaction
from django.urls import reverse
from django.utils import translation

from allowances.choices import EntryKind, UnitType
from allowances.models import ComplianceCycle, LedgerEntry
from allowances.services import ledger
from tests import factories as f
from tests.conftest import client_for
from zhongwei_carbon import audit_chain, audit_check, events
from zhongwei_carbon.audit_check import Problem
from zhongwei_carbon.models import AuditChainHead, Event

pytestmark = pytest.mark.django_db

SEAL_ONLY = {
    "events": "core.Event:events_seal_only",
    "ledger": "allowances.LedgerEntry:ledger_entries_seal_only",
}
APPEND_ONLY = {
    "events": "core.Event:events_append_only",
    "ledger": "allowances.LedgerEntry:ledger_entries_append_only",
}


@pytest.fixture
def world():
    actor = f.UserFactory(username="chain_actor")
    cycle = ComplianceCycle.objects.create(year=2025, name="2025")
    a = ledger.account_for(f.EnterpriseFactory(name="沙坡头热电有限公司"))
    b = ledger.account_for(f.EnterpriseFactory(name="中宁硅业有限公司"))
    ledger.allocate(actor=actor, account=a, cycle=cycle, vintage=2025, quantity=1_000)
    ledger.transfer(
        actor=actor, source=a, target=b, unit_type=UnitType.CEA, vintage=2025, quantity=300
    )
    ledger.transfer(
        actor=actor, source=b, target=a, unit_type=UnitType.CEA, vintage=2025, quantity=100
    )
    audit_chain.seal_pending()
    return actor, cycle, a, b


def chain(model):
    return list(model.objects.order_by("chain_seq").values_list("pk", "chain_seq", "prev_hash", "row_hash"))


def tamper(sql: str, params, *, ignore: str) -> None:
    """Raw SQL behind the portal's back, the append-only trigger switched off for it."""
    with pgtrigger.ignore(ignore), connection.cursor() as cursor:
        cursor.execute(sql, params)


def run_command() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_audit_chain", stdout=out)
    except CommandError as exc:
        return 1, out.getvalue() + str(exc)
    return 0, out.getvalue()


def page(user) -> str:
    response = client_for(user).get(reverse("audit_trail"))
    assert response.status_code == 200
    return response.content.decode()


# --- built on insert --------------------------------------------------------------------


def test_services_chain_their_entries_and_events_in_order(world):
    entries = chain(LedgerEntry)
    # allocate: 1 entry; two transfers: 2 entries each
    assert [seq for _pk, seq, _p, _h in entries] == [1, 2, 3, 4, 5]
    assert entries[0][2] == audit_chain.GENESIS
    for (_pk, _s, _p, before), (_pk2, _s2, prev, _h) in zip(entries, entries[1:], strict=False):
        assert prev == before
    assert all(len(h) == 64 for *_x, h in entries)
    assert AuditChainHead.objects.get(chain="ledger").last_hash == entries[-1][3]
    posted = Event.objects.filter(verb="allowances.posted")
    assert posted.count() == 5  # one per account per posting
    assert not posted.filter(row_hash="").exists()
    reports = {r.chain: r for r in audit_check.verify_all()}
    assert reports["ledger"].ok and reports["ledger"].checked == 5
    assert reports["events"].ok and reports["events"].checked == Event.objects.count()


def test_a_row_is_sealed_when_its_transaction_commits_not_before(world):
    actor, _cycle, a, _b = world
    with transaction.atomic():
        event = events.record(actor=actor, verb="test.sealed", target=a.enterprise, message="x")
        assert Event.objects.get(pk=event.pk).row_hash == ""  # the seal waits for the commit
        audit_chain.seal_pending()  # what the commit does
        sealed = Event.objects.get(pk=event.pk)
    assert sealed.chain_seq == AuditChainHead.objects.get(chain="events").length
    assert len(sealed.row_hash) == 64


def test_bulk_created_events_are_chained_too(world):
    """The monthly-ledger import writes its events with bulk_create: the trigger seals them."""
    actor, _cycle, a, _b = world
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(a)
    Event.objects.bulk_create(
        Event(actor=actor, verb="test.bulk", message=str(i), target_type=ct, target_id=str(a.pk))
        for i in range(20)
    )
    audit_chain.seal_pending()
    assert not Event.objects.filter(row_hash="").exists()
    assert audit_check.verify("events").ok


AWKWARD = [
    'quotes " and \\ backslash',
    "line\nbreak\ttab\rreturn \x01\x1f control",
    "中文、全角，标点；emoji 🌿 and ǅ",
    "</script><b>&amp;</b>",
    "",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_python_check_and_sql_seal_agree_on_awkward_content(world, text):
    """The seal (SQL) and the check (Python) render every field the same way."""
    actor, _cycle, a, _b = world
    events.record(
        actor=None,
        verb="test.awkward",
        target=a.enterprise,
        message=text,
        data={"text": text, "n": 1.50, "big": 10**20, "none": None, "list": [text, {"z": 1, "a": 2}]},
    )
    ledger.transfer(
        actor=actor,
        source=a,
        target=world[3],
        unit_type=UnitType.CEA,
        vintage=2025,
        quantity=1,
        reference=text[:120],
    )
    assert audit_check.verify("events").ok
    assert audit_check.verify("ledger").ok


# --- append-only ------------------------------------------------------------------------


def test_events_and_entries_cannot_be_changed_or_deleted_even_before_the_seal(world):
    actor, _cycle, a, _b = world
    for qs in (Event.objects.all(), LedgerEntry.objects.all()):
        with pytest.raises(InternalError, match="Cannot update"), transaction.atomic():
            qs.update(reference="x") if qs.model is LedgerEntry else qs.update(message="x")
        with pytest.raises(InternalError, match="Cannot delete"), transaction.atomic():
            qs.delete()
    with transaction.atomic():  # not sealed yet: its content cannot change either
        event = events.record(actor=actor, verb="test.open", target=a.enterprise, message="x")
        with pytest.raises(InternalError, match="Cannot update"), transaction.atomic():
            Event.objects.filter(pk=event.pk).update(message="y")
        # nor can code hand it a seal of its own: only the seal trigger writes those columns
        with pytest.raises(InternalError, match="Cannot update"), transaction.atomic():
            Event.objects.filter(pk=event.pk).update(row_hash="f" * 64, chain_seq=10**9)
    # a sealed row cannot be re-sealed with another hash
    with pytest.raises(InternalError, match="Cannot update"), transaction.atomic():
        LedgerEntry.objects.filter(chain_seq=1).update(row_hash="f" * 64)


# --- tampering is found and named ---------------------------------------------------------


def test_a_changed_ledger_entry_is_named_by_the_command_and_the_page(world, bureau_admin):
    entry = LedgerEntry.objects.get(chain_seq=3)  # the 300 t arriving at 中宁硅业
    tamper(
        "UPDATE allowances_ledgerentry SET quantity = 3000 WHERE id = %s",
        [entry.pk],
        ignore=SEAL_ONLY["ledger"],
    )
    report = audit_check.verify("ledger")
    assert report.broken.problem == Problem.ALTERED
    assert report.broken.row_id == entry.pk and report.checked == 2
    assert audit_check.verify("events").ok

    status, output = run_command()
    assert status == 1
    assert f"allowances_ledgerentry, id {entry.pk}, altered" in output
    assert "中宁硅业有限公司" in output

    html = page(bureau_admin)
    assert "审计记录已被篡改" in html
    assert f"配额账户流水 #{entry.pk}（中宁硅业有限公司）" in html
    assert "+3,000 吨" in html  # the row as it reads now
    assert "在记录后被改动" in html
    assert reverse("allowances:entry_detail", kwargs={"pk": entry.pk}) in html


def test_a_changed_event_is_found_with_the_trigger_disabled(world, bureau_admin):
    """The bluntest tamperer: ALTER TABLE ... DISABLE TRIGGER, then UPDATE."""
    event = Event.objects.filter(verb="allowances.posted").order_by("chain_seq")[1]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events before ALTER
        cursor.execute("ALTER TABLE core_event DISABLE TRIGGER USER")
        cursor.execute("UPDATE core_event SET data = '{\"net\": 0}' WHERE id = %s", [event.pk])
        cursor.execute("ALTER TABLE core_event ENABLE TRIGGER USER")
    report = audit_check.verify("events")
    assert (report.broken.problem, report.broken.row_id) == (Problem.ALTERED, event.pk)
    status, output = run_command()
    assert status == 1 and f"core_event, id {event.pk}, altered" in output
    html = page(bureau_admin)
    assert f"事件 #{event.pk}「" in html and "allowances.posted" in html


def test_a_deleted_row_in_the_middle_is_found(world, bureau_admin):
    entries = list(LedgerEntry.objects.order_by("chain_seq"))
    gone, after, before = entries[1], entries[2], entries[0]
    tamper("DELETE FROM allowances_ledgerentry WHERE id = %s", [gone.pk], ignore=APPEND_ONLY["ledger"])
    report = audit_check.verify("ledger")
    b = report.broken
    assert (b.problem, b.row_id, b.previous_id) == (Problem.MISSING, after.pk, before.pk)
    assert (b.first_missing, b.last_missing) == (2, 2)
    status, output = run_command()
    assert status == 1 and f"id {after.pk}, missing" in output
    html = page(bureau_admin)
    assert "链中第 2 位缺失" in html
    assert f"账户流水 #{before.pk}" in html and f"账户流水 #{after.pk}" in html


def test_deleted_last_rows_are_found_by_the_head(world):
    last = Event.objects.order_by("-chain_seq").first()
    previous = Event.objects.get(chain_seq=last.chain_seq - 1)
    tamper("DELETE FROM core_event WHERE id = %s", [last.pk], ignore=APPEND_ONLY["events"])
    report = audit_check.verify("events")
    assert (report.broken.problem, report.broken.row_id) == (Problem.TAIL_MISSING, previous.pk)
    with translation.override("zh-hans"):
        assert "但链头记录共有" in audit_check.explain(report)


def test_a_relinked_row_is_found(world):
    entry = LedgerEntry.objects.get(chain_seq=4)
    tamper(
        "UPDATE allowances_ledgerentry SET prev_hash = %s WHERE id = %s",
        ["0" * 64, entry.pk],
        ignore=SEAL_ONLY["ledger"],
    )
    report = audit_check.verify("ledger")
    assert (report.broken.problem, report.broken.row_id) == (Problem.RELINKED, entry.pk)


def test_a_row_written_with_the_seal_switched_off_is_found(world):
    actor, _cycle, a, _b = world
    with pgtrigger.ignore("core.Event:events_chain_seal"):
        event = events.record(actor=actor, verb="test.forged", target=a.enterprise, message="x")
        audit_chain.seal_pending()  # the trigger fires, ignored
    assert Event.objects.get(pk=event.pk).row_hash == ""
    report = audit_check.verify("events")
    assert (report.broken.problem, report.broken.row_id) == (Problem.UNSEALED, event.pk)


def test_intact_chains_read_intact_on_the_page_and_in_the_command(world, bureau_admin):
    status, output = run_command()
    assert status == 0
    assert "[ledger]：共 5 行，已校验 5 行，完整" in output
    html = page(bureau_admin)
    assert "所有链均完整" in html and "已损坏" not in html


def test_the_page_is_in_the_bureau_admins_menu_only(bureau_admin, bureau_reviewer):
    url = reverse("audit_trail")
    assert f'href="{url}"' in client_for(bureau_admin).get(reverse("notifications")).content.decode()
    assert f'href="{url}"' not in client_for(bureau_reviewer).get(reverse("notifications")).content.decode()


# --- back-fill ----------------------------------------------------------------------------


def test_backfill_seals_rows_that_predate_the_chain_in_id_order(world):
    actor, _cycle, a, _b = world
    with pgtrigger.ignore("core.Event:events_chain_seal"):
        old = [
            events.record(actor=actor, verb="test.old", target=a.enterprise, message=str(i))
            for i in range(3)
        ]
        audit_chain.seal_pending()
    length = AuditChainHead.objects.get(chain="events").length
    sealed = audit_chain.backfill(
        Event,
        chain="events",
        fields=audit_chain.seal_trigger(Event).fields,
        head_model=AuditChainHead,
        using="default",
    )
    assert sealed == 3
    assert [Event.objects.get(pk=e.pk).chain_seq for e in old] == [length + 1, length + 2, length + 3]
    assert audit_check.verify("events").ok


def test_the_migrations_seal_the_fields_the_models_seal():
    from importlib import import_module

    core = import_module("zhongwei_carbon.migrations.0004_audit_chain")
    allowances = import_module("allowances.migrations.0008_ledger_audit_chain")
    assert core.FIELDS == audit_chain.seal_trigger(Event).fields
    assert allowances.FIELDS == audit_chain.seal_trigger(LedgerEntry).fields


def test_reversal_entries_join_the_chain(world):
    actor, _cycle, a, _b = world
    arrived = LedgerEntry.objects.get(chain_seq=5)  # the 100 t back to 沙坡头
    ledger.reverse(actor=actor, entry=arrived, reason="wrong account")
    assert LedgerEntry.objects.filter(kind=EntryKind.CORRECTION).get().row_hash == ""
    report = audit_check.verify("ledger")
    assert report.ok and report.checked == 6


def test_a_seal_rolled_back_with_its_savepoint_leaves_one_chain(world):
    """Sealed inside a savepoint that rolls back: the head goes back with it, and the next
    row links to the last row that stayed."""
    actor, _cycle, a, _b = world
    length = AuditChainHead.objects.get(chain="events").length
    with pytest.raises(RuntimeError), transaction.atomic():
        events.record(actor=actor, verb="test.undone", target=a.enterprise, message="x")
        audit_chain.seal_pending()
        assert AuditChainHead.objects.get(chain="events").length == length + 1
        raise RuntimeError
    assert AuditChainHead.objects.get(chain="events").length == length
    kept = events.record(actor=actor, verb="test.kept", target=a.enterprise, message="y")
    audit_chain.seal_pending()
    assert Event.objects.get(pk=kept.pk).chain_seq == length + 1
    assert audit_check.verify("events").ok


def test_a_row_deleted_before_its_commit_gets_no_link(world):
    """Deleted in its own transaction (behind the append-only trigger): the seal skips it and
    the chain goes on from the row before."""
    actor, _cycle, a, _b = world
    length = AuditChainHead.objects.get(chain="events").length
    gone = events.record(actor=actor, verb="test.gone", target=a.enterprise, message="x")
    tamper("DELETE FROM core_event WHERE id = %s", [gone.pk], ignore=APPEND_ONLY["events"])
    audit_chain.seal_pending()
    assert AuditChainHead.objects.get(chain="events").length == length
    kept = events.record(actor=actor, verb="test.kept", target=a.enterprise, message="y")
    audit_chain.seal_pending()
    assert Event.objects.get(pk=kept.pk).chain_seq == length + 1
    assert audit_check.verify("events").ok


def test_a_lost_head_is_rebuilt_from_the_last_sealed_row(world):
    """Writes go on (they are not refused) and link to the last sealed row."""
    actor, _cycle, a, _b = world
    last = Event.objects.order_by("-chain_seq").first()
    AuditChainHead.objects.filter(chain="events").delete()
    event = events.record(actor=actor, verb="test.after", target=a.enterprise, message="x")
    audit_chain.seal_pending()
    event = Event.objects.get(pk=event.pk)
    assert (event.chain_seq, event.prev_hash) == (last.chain_seq + 1, last.row_hash)
    assert audit_check.verify("events").ok
