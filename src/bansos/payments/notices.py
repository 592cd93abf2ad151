"""What families are told about their payments, through the notification outbox, in the same
transaction as the change: credited, rejected (why, and what to do), returned, and the warning
before unwithdrawn funds go back. Each event has a key, so it is announced once.

The messages are made by one query per kind over the payments the bank file moved
(`report_moves`), so a million announcements never cross into Python."""

from __future__ import annotations

from django.db import connection

from bansos.notify.outbox import messages_enqueue_query
from bansos.payments.reasons import REASONS

_KIND = {"credited": "payment_credited", "rejected": "payment_rejected", "returned": "payment_returned"}


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reason_sql() -> str:
    whens = " ".join(f"WHEN {_quoted(code)} THEN {_quoted(texts[0])}" for code, texts in REASONS.items())
    return f"CASE m.reason_code {whens} ELSE m.reason_code END"


def _params_sql() -> str:
    pairs = {"program": "c.program_id", "period": "c.period", "amount": "m.amount", "bank": "m.bank",
             "account_last4": "COALESCE(a.number_last4, '')", "reason": _reason_sql()}
    if connection.vendor == "postgresql":
        pairs["date"] = "to_char(m.booked_on, 'YYYY-MM-DD')"
        args = ", ".join(f"'{k}', {v}" for k, v in pairs.items())
        return f"CAST(json_build_object({args}) AS text)"
    pairs["date"] = "m.booked_on"
    return "json_object(" + ", ".join(f"'{k}', {v}" for k, v in pairs.items()) + ")"


def payments_announce() -> int:
    """Enqueue one message (inbox and SMS) per payment in `report_moves`; returns how many."""
    written = 0
    for state, kind in _KIND.items():
        written += messages_enqueue_query(kind=kind, params={"state": state}, select_sql=f"""
            SELECT m.end_to_end_id || ':' || m.new_state AS key, m.household_id,
                   COALESCE(a.person_id, h.head_id) AS person_id, {_params_sql()} AS params
            FROM report_moves m
            JOIN payments_account a ON a.id = m.account_id
            JOIN registry_household h ON h.id = m.household_id
            JOIN programs_cycle c ON c.id = m.cycle_id
            WHERE m.new_state = %(state)s""")
    return written
