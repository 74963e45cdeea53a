"""The SQL of the pledge invariant, shared by the ledger's and the pledges' triggers (a
module of its own, so that the ledger model needs nothing of the pledge model)."""

import pgtrigger

from allowances.choices import PledgeStatus, UnitType


def pledge_check_sql(account: str, vintage: str) -> str:
    """PL/pgSQL refusing (check_violation) an account whose CEA balance, from the ledger's
    entries, is below its active pledges: in total, and for the vintage ``vintage`` (an SQL
    expression, NULL for none) of the pledges naming that vintage."""
    active = f"p.account_id = {account} AND p.status = '{PledgeStatus.ACTIVE.value}'"
    cea = f"h.account_id = {account} AND h.unit_type = '{UnitType.CEA.value}'"
    return f"""
    IF (SELECT COALESCE(SUM(p.quantity), 0) FROM allowances_pledge AS p WHERE {active})
       > (SELECT COALESCE(SUM(e.quantity), 0) FROM allowances_ledgerentry AS e
          JOIN allowances_holding AS h ON h.id = e.holding_id WHERE {cea}) THEN
        RAISE EXCEPTION 'allowance account % would hold less than its active pledges', {account}
            USING ERRCODE = 'check_violation';
    END IF;
    IF {vintage} IS NOT NULL AND
       (SELECT COALESCE(SUM(p.quantity), 0) FROM allowances_pledge AS p
        WHERE {active} AND p.vintage = {vintage})
       > (SELECT COALESCE(SUM(e.quantity), 0) FROM allowances_ledgerentry AS e
          JOIN allowances_holding AS h ON h.id = e.holding_id
          WHERE {cea} AND h.vintage = {vintage}) THEN
        RAISE EXCEPTION 'allowance account % would hold less of vintage % than pledged',
            {account}, {vintage} USING ERRCODE = 'check_violation';
    END IF;
    """


# a CEA debit (raw SQL included) may not leave the account below its active pledges
LEDGER_DEBIT_KEEPS_PLEDGES = pgtrigger.Trigger(
    name="ledger_debit_keeps_pledges",
    operation=pgtrigger.Insert,
    when=pgtrigger.After,
    condition=pgtrigger.Q(new__quantity__lt=0),
    declare=[("acct", "bigint"), ("unit", "varchar(8)"), ("vin", "integer")],
    func=pgtrigger.Func(
        "SELECT h.account_id, h.unit_type, h.vintage INTO acct, unit, vin "
        "FROM allowances_holding AS h WHERE h.id = NEW.holding_id;\n"
        f"IF unit = '{UnitType.CEA.value}' THEN {pledge_check_sql('acct', 'vin')} END IF;\n"
        "RETURN NULL;"
    ),
)
