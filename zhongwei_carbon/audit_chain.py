"""Hash chains over the audit tables (issue 10 §8): business events and allowance ledger entries.

Each chained row stores its position in its chain (``chain_seq``), the hash of the row before
it (``prev_hash``, 64 zeros for the first) and its own hash::

    row_hash = sha256(prev_hash + canonical(row))

``canonical`` is a stable text of the fields that matter: a JSON object with sorted keys and
no spaces, foreign keys as ids (``actor_id``), times in UTC to the microsecond as strings,
text JSON-escaped, a JSON field as PostgreSQL prints it, plus the row's ``seq``. Changing any
of these fields, deleting a row, or re-linking rows breaks the chain at that row.

How the chain is built (the choice, and why)
--------------------------------------------
PostgreSQL builds it, so no code path can forget it (``bulk_create``, the admin, a shell, a
data migration): a *deferred* constraint trigger (``AFTER INSERT ... DEFERRABLE INITIALLY
DEFERRED``) seals each new row when its transaction commits. At that moment it takes one
transaction-level advisory lock shared by every chain (``pg_advisory_xact_lock``), reads the
chain head (``core_auditchainhead``, one row per chain) and moves it, computing the new hash
in the same statement, then writes ``chain_seq``/``prev_hash``/``row_hash`` on the row. The lock is held from
the seal to the commit, so concurrent transactions append one after another and the chain
never forks; rows land in commit order.

Sealing at commit rather than at insert keeps the lock short: a service that records an event
and then locks an allowance holding, or an import that writes events batch by batch, does
not hold the whole portal's audit lock while it works (holding it from the insert would make
every such pair of transactions a deadlock candidate). The price is one UPDATE per new row
at commit; ``bench/audit_chain.py`` prints the cost.

The rows stay append-only in PostgreSQL (pgtrigger ``Protect``): no DELETE at all, and the
only UPDATE ever allowed is the seal itself (a row without a hash gets one, no other column
changes, and the seal says it is sealing in a transaction-local setting, so no code writes the
chain columns by mistake). The head row lets the check see rows deleted at the end of a chain.

Reading a chain back: ``audit_check.verify`` recomputes every hash in Python, independently of the SQL
that wrote it, and names the first broken row. Tests (and ``verify``) call ``seal_pending``
to seal rows written earlier in the still open transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC

import pgtrigger
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, transaction
from django.db.models import TextField
from django.db.models.functions import Cast

GENESIS = "0" * 64
# One advisory lock for every chain: a transaction that seals rows of two chains takes it once,
# so two committing transactions never wait on each other's heads in opposite orders.
LOCK_KEY = 7_240_408_108
CHAIN_FIELDS = ("chain_seq", "prev_hash", "row_hash")
SEALING = "zw_audit_chain.sealing"  # 'on' while the seal writes a row's chain columns
SQL_TIME = """'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'"""


# --- fields --------------------------------------------------------------------------


def chain_fields() -> tuple[models.Field, models.Field, models.Field]:
    """The three columns every chained model declares (``chain_seq, prev_hash, row_hash``)."""
    return (
        models.BigIntegerField(null=True, blank=True, unique=True, editable=False),
        models.CharField(max_length=64, default="", db_default="", blank=True, editable=False),
        models.CharField(max_length=64, default="", db_default="", blank=True, editable=False),
    )


def _kind(model, name: str) -> tuple[str, str]:
    """(key in the canonical text, kind) of one chained field."""
    f = model._meta.get_field(name)
    if isinstance(f, models.ForeignKey):
        return f.attname, "int"
    if isinstance(f, models.DateTimeField):
        return f.attname, "time"
    if isinstance(f, models.IntegerField | models.AutoField):
        return f.attname, "int"
    if isinstance(f, models.CharField | models.TextField):
        return f.attname, "text"
    if isinstance(f, models.JSONField):
        return f.attname, "json"
    if isinstance(f, models.BooleanField):
        return f.attname, "bool"
    # a Decimal or a date would need its own rendering, identical in SQL and Python
    raise ImproperlyConfigured(f"{model.__name__}.{name}: no canonical form for {type(f).__name__}")


def _columns(model, names: Iterable[str]) -> list[tuple[str, str, str]]:
    """[(key, kind, column)] sorted by key: the canonical order."""
    out = []
    for name in names:
        key, kind = _kind(model, name)
        out.append((key, kind, model._meta.get_field(name).column))
    return sorted(out)


# --- the triggers ----------------------------------------------------------------------


def _sql_value(kind: str, ref: str) -> str:
    if kind == "int":
        return f"COALESCE({ref}::text, 'null')"
    if kind == "text":
        return f"COALESCE(to_jsonb({ref})::text, 'null')"
    if kind == "time":
        return f"""COALESCE('"' || to_char({ref} AT TIME ZONE 'UTC', {SQL_TIME}) || '"', 'null')"""
    if kind == "json":
        return f"COALESCE({ref}::text, 'null')"
    if kind == "bool":
        return f"COALESCE({ref}::text, 'null')"
    raise AssertionError(kind)


class Seal(pgtrigger.Trigger):
    """Seals each new row of a chained model at commit (see the module docstring)."""

    when = pgtrigger.After
    operation = pgtrigger.Insert
    timing = pgtrigger.Deferred

    def __init__(self, *, name: str, chain: str, fields: Iterable[str]):
        self.chain = chain
        self.fields = tuple(fields)
        super().__init__(name=name)

    def get_declare(self, model):
        return [
            ("_length", "BIGINT"),
            ("_prev", "VARCHAR(64)"),
            ("_hash", "VARCHAR(64)"),
            ("_at", "TID"),
            ("_sealed", "INTEGER"),
        ]

    def get_func(self, model):
        # NEW is the row as inserted: its content cannot have changed since (seal-only
        # trigger); if it was changed behind that trigger's back, the seal keeps the inserted
        # content and the check reports the row as altered.
        #
        # The head moves and hashes in one statement (``length`` and ``last_hash`` in SET are
        # the values before the update). A transaction sealing many rows updates the one head
        # row many times: it finds the head's newest version by its ctid, kept for the rest
        # of the transaction in a setting, instead of walking every version it made.
        table = model._meta.db_table
        head = apps.get_model("core", "AuditChainHead")._meta.db_table
        pk = model._meta.pk.column
        values = {key: _sql_value(kind, f"NEW.{col}") for key, kind, col in _columns(model, self.fields)}
        values["seq"] = "(length + 1)::text"
        canonical = " || ',' || ".join(f"'\"{key}\":' || {values[key]}" for key in sorted(values))
        setting = f"zw_audit_chain.head_{self.chain}"

        def move_head(where: str) -> str:
            return f"""
                UPDATE {head} SET
                    length = length + 1,
                    previous_hash = last_hash,
                    last_hash = encode(sha256(convert_to(
                        last_hash || '{{' || {canonical} || '}}', 'UTF8')), 'hex')
                WHERE {where}
                RETURNING ctid, length, previous_hash, last_hash INTO _at, _length, _prev, _hash;"""

        return f"""
            PERFORM pg_advisory_xact_lock({LOCK_KEY});
            IF COALESCE(current_setting('{setting}', true), '') <> '' THEN
                {move_head(f"ctid = current_setting('{setting}')::tid AND chain = '{self.chain}'")}
            END IF;
            IF _at IS NULL THEN
                {move_head(f"chain = '{self.chain}'")}
            END IF;
            IF _at IS NULL THEN
                -- no head: the first row ever, or the head was lost (the chain goes on from
                -- its last sealed row rather than refusing every commit)
                SELECT chain_seq, prev_hash, row_hash INTO _length, _prev, _hash FROM {table}
                    WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
                INSERT INTO {head} (chain, length, previous_hash, last_hash) VALUES (
                    '{self.chain}', COALESCE(_length, 0), COALESCE(_prev, '{GENESIS}'),
                    COALESCE(_hash, '{GENESIS}'));
                {move_head(f"chain = '{self.chain}'")}
            END IF;
            PERFORM set_config('{setting}', _at::text, true);
            PERFORM set_config('{SEALING}', 'on', true);
            UPDATE {table} SET chain_seq = _length, prev_hash = _prev, row_hash = _hash
                WHERE {pk} = NEW.{pk};
            GET DIAGNOSTICS _sealed = ROW_COUNT;
            PERFORM set_config('{SEALING}', 'off', true);
            IF _sealed = 0 THEN  -- deleted in its own transaction behind the triggers' back
                UPDATE {head} SET length = length - 1, last_hash = previous_hash
                    WHERE chain = '{self.chain}';
                PERFORM set_config('{setting}', '', true);
            END IF;
            RETURN NULL;
        """


class _SealOnly(pgtrigger.Condition):
    """UPDATE is refused unless it is the seal (the seal trigger or the back-fill, which say
    so in a transaction-local setting) giving an unsealed row its hash and changing nothing
    else. So no code writes the chain columns by mistake, and a sealed row never changes."""

    def __init__(self):
        pass

    def resolve(self, model):
        content = [f.column for f in model._meta.concrete_fields if f.name not in CHAIN_FIELDS]
        changed = " OR ".join(f'OLD."{c}" IS DISTINCT FROM NEW."{c}"' for c in content)
        return (
            f"""(COALESCE(current_setting('{SEALING}', true), '') <> 'on'"""
            f""" OR OLD."row_hash" <> '' OR NEW."row_hash" = '' OR {changed})"""
        )


def triggers(*, prefix: str, chain: str, fields: Iterable[str]) -> list[pgtrigger.Trigger]:
    """The triggers of a chained model: the seal, no DELETE, no UPDATE but the seal."""
    return [
        Seal(name=f"{prefix}_chain_seal", chain=chain, fields=fields),
        pgtrigger.Protect(name=f"{prefix}_append_only", operation=pgtrigger.Delete),
        pgtrigger.Protect(
            name=f"{prefix}_seal_only", operation=pgtrigger.Update, condition=_SealOnly()
        ),
    ]


def seal_trigger(model) -> Seal | None:
    return next((t for t in getattr(model._meta, "triggers", []) if isinstance(t, Seal)), None)


def chained_models() -> dict[str, type[models.Model]]:
    """{chain name: model} of every model with a ``Seal`` trigger."""
    found = {}
    for model in apps.get_models():
        trigger = seal_trigger(model)
        if trigger is not None:
            found[trigger.chain] = model
    return found


def seal_pending(using: str = "default") -> None:
    """Seal the rows written earlier in the open transaction (at commit this happens by
    itself). Outside a transaction there is nothing to seal."""
    conn = transaction.get_connection(using)
    if not conn.in_atomic_block:
        return
    names = ", ".join(seal_trigger(m).get_pgid(m) for m in chained_models().values())
    with conn.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
        cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


# --- the canonical text, in Python ---------------------------------------------------


def _py_value(kind: str, value) -> str:
    if value is None:
        return "null"
    if kind == "int":
        return str(int(value))
    if kind == "text":
        return json.dumps(value, ensure_ascii=False)
    if kind == "time":
        return '"' + value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") + '"'
    if kind == "json":
        return value  # PostgreSQL's own text of the stored JSON
    if kind == "bool":
        return "true" if value else "false"
    raise AssertionError(kind)


def canonical(values: dict[str, str]) -> str:
    """``{"key":value,...}``, keys sorted, values already rendered."""
    return "{" + ",".join(f'"{k}":{values[k]}' for k in sorted(values)) + "}"


def row_hash(prev_hash: str, text: str) -> str:
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def rendered_rows(qs, fields: tuple[str, ...]):
    """(pk, chain_seq, prev_hash, row_hash, {key: rendered value}) for each row of ``qs``."""
    model = qs.model
    cols = _columns(model, fields)
    json_text = {
        f"_json_{key}": Cast(model._meta.get_field(key).name, TextField())
        for key, kind, _c in cols
        if kind == "json"
    }
    names = [f"_json_{key}" if kind == "json" else key for key, kind, _c in cols]
    rows = qs.annotate(**json_text).values_list("pk", "chain_seq", "prev_hash", "row_hash", *names)
    for pk, seq, prev, stored, *values in rows.iterator(chunk_size=5000):
        rendered = {key: _py_value(kind, v) for (key, kind, _c), v in zip(cols, values, strict=True)}
        yield pk, seq, prev, stored, rendered


# --- back-fill (data migrations) -------------------------------------------------------


def backfill(model, *, chain: str, fields: Iterable[str], head_model, using: str) -> int:
    """Seal the rows that exist before the chain did, in id order (a data migration; the
    seal-only trigger lets an unsealed row get its hash). Returns the number sealed."""
    conn = connections[using]
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        cursor.execute("SELECT set_config(%s, 'on', true)", [SEALING])
    head, _created = head_model.objects.using(using).get_or_create(
        chain=chain, defaults={"length": 0, "last_hash": GENESIS, "previous_hash": GENESIS}
    )
    length, prev, before = head.length, head.last_hash, head.previous_hash
    table, pk_column = model._meta.db_table, model._meta.pk.column
    sql = f"UPDATE {table} SET chain_seq = %s, prev_hash = %s, row_hash = %s WHERE {pk_column} = %s"
    batch: list[tuple[int, str, str, int]] = []
    unsealed = model._base_manager.using(using).filter(row_hash="").order_by("pk")
    for pk, _seq, _prev, _stored, values in rendered_rows(unsealed, tuple(fields)):
        length += 1
        values["seq"] = str(length)
        digest = row_hash(prev, canonical(values))
        batch.append((length, prev, digest, pk))
        before, prev = prev, digest
        if len(batch) >= 2000:
            with conn.cursor() as cursor:
                cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        with conn.cursor() as cursor:
            cursor.executemany(sql, batch)
    with conn.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'off', true)", [SEALING])
    head_model.objects.using(using).filter(chain=chain).update(
        length=length, last_hash=prev, previous_hash=before
    )
    return length - head.length
