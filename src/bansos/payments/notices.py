"""What families are told about their payments, through the notification outbox, in the same
transaction as the change: credited, rejected (why, and what to do), returned, and the warning
before unwithdrawn funds go back. Each event has a key, so it is announced once."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from bansos.notify.outbox import messages_enqueue
from bansos.payments.reasons import REASONS

_KIND = {"credited": "payment_credited", "rejected": "payment_rejected", "returned": "payment_returned"}


def _reasons_table() -> pa.Table:
    return pa.table({"reason_code": list(REASONS), "reason_text": [t[0] for t in REASONS.values()]})


def payments_announce(*, changes: pa.Table) -> int:
    """Enqueue one message per moved payment. `changes` has end_to_end_id, new_state,
    household_id, person_id, program, period, amount, bank, account_last4, reason_code and
    booked_on. Returns the number of messages written."""
    if not changes.num_rows:
        return 0
    con = duckdb.connect()
    con.register("c", changes)
    con.register("reasons", _reasons_table())
    written = 0
    for state, kind in _KIND.items():
        rows = con.sql(f"""
            SELECT c.end_to_end_id || ':{state}' AS key, c.household_id, c.person_id,
                   json_object('program', c.program, 'period', c.period, 'amount', c.amount,
                               'bank', c.bank, 'account_last4', coalesce(c.account_last4, ''),
                               'date', strftime(c.booked_on, '%Y-%m-%d'),
                               'reason', coalesce(r.reason_text, c.reason_code))::VARCHAR AS params
            FROM c LEFT JOIN reasons r USING (reason_code)
            WHERE c.new_state = '{state}' ORDER BY c.end_to_end_id""").to_arrow_table()
        if rows.num_rows:
            written += messages_enqueue(kind=kind, rows=rows)
    return written
