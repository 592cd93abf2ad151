"""From a frozen cycle to payments in batches, set-at-a-time and idempotent.

Payments are written straight into a new batch per bank, as `sent` (handed to the bank's
batch), and each batch's total is moved from the budget to the bank's escrow in the same
transaction; the file itself is written after (export), and rewritten identically as often as
needed. No payment row is written twice: a million-row update costs as much as the insert.

Each approved entitlement is paid into the family's usable account: the program's own account
if it has one, else the family's account for every program; usable means active, the holder's
name not a mismatch, and the bank allowed in the province (BSI in Aceh, a Himbara bank
elsewhere). The end-to-end id is derived (`BSS-<cycle>-<household>-<attempt>`), and the database
refuses a second attempt with the same number and a second live payment of an entitlement, so
running this again, or after a crash, adds nothing twice. Families without a usable account are
held with a reason; for those with none (or a closed one, or a non-BSI one in Aceh) a collective
account opening request (burekol) is made.

A rejected payment is retried as the next attempt, with a new end-to-end id linked to the
rejected one, once the family's usable account differs from the one that failed (another
account, or the same one at a later revision: fixed by an officer or a newer bank list)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from bansos.audit.services import audit_record
from bansos.core.bulk_read import query_table
from bansos.core.bulk_temp import temp_table
from bansos.core.crashpoints import crash_point
from bansos.payments.banks import ACEH, BANKS
from bansos.payments.ledger import ledger_post
from bansos.payments.models import Account, AccountRequest, Batch, Payment
from bansos.programs.models import Cycle, Entitlement
from bansos.targeting.rules import rules_parse

# Where a family with no account anywhere gets one opened outside Aceh: the bank with the
# widest rural network.
DEFAULT_BANK = "BRI"
E2E_PREFIX = "BSS"


class PaymentError(Exception):
    """A payment operation refused, with the reason in Indonesian and English."""


def _usable(alias: str) -> str:
    """SQL: account `alias` may be paid into for entitlement `e`."""
    return (f"{alias}.status = '{Account.Status.ACTIVE}' AND {alias}.name_check != "
            f"'{Account.NameCheck.MISMATCH}' AND ((substr(e.district_code, 1, 2) = '{ACEH}' "
            f"AND {alias}.bank = 'BSI') OR (substr(e.district_code, 1, 2) != '{ACEH}' "
            f"AND {alias}.bank != 'BSI'))")


def _chosen_sql() -> str:
    """Per approved entitlement of the cycle: the account to pay into (or NULL)."""
    return f"""
        SELECT e.id AS entitlement_id, e.household_id, e.amount, e.district_code,
               COALESCE(ap.id, ag.id) AS account_id
        FROM programs_entitlement e
        LEFT JOIN payments_account ap ON ap.household_id = e.household_id
             AND ap.program = %(program)s AND {_usable('ap')}
        LEFT JOIN payments_account ag ON ag.household_id = e.household_id
             AND ag.program = '' AND {_usable('ag')}
        WHERE e.cycle_id = %(cycle)s AND e.state = '{Entitlement.State.APPROVED}'"""


def _e2e_sql(attempt: str) -> str:
    if connection.vendor == "postgresql":
        return (f"'{E2E_PREFIX}-' || lpad(e.cycle_id::text, 6, '0') || '-' || "
                f"lpad(e.household_id::text, 10, '0') || '-' || lpad(({attempt})::text, 2, '0')")
    return f"printf('{E2E_PREFIX}-%%06d-%%010d-%%02d', e.cycle_id, e.household_id, {attempt})"


def end_to_end_id(*, cycle_id: int, household_id: int, attempt: int) -> str:
    """The same id the SQL derives, for tests and lookups."""
    return f"{E2E_PREFIX}-{cycle_id:06d}-{household_id:010d}-{attempt:02d}"


def _batch_case(batches: dict[str, int]) -> str:
    """SQL: the open batch of the payment's bank (ids are integers we made)."""
    whens = " ".join(f"WHEN '{bank}' THEN {int(pk)}" for bank, pk in batches.items())
    return f"CASE a.bank {whens} END"


def _insert_first(cycle: Cycle, now, batches: dict[str, int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO payments_payment (cycle_id, entitlement_id, household_id, account_id,
                account_revision, batch_id, bank, creditor_name, creditor_account, amount,
                end_to_end_id, attempt, state, reason_code, created_at)
            SELECT e.cycle_id, e.id, e.household_id, a.id, a.revision, {_batch_case(batches)}, a.bank,
                   a.holder_name, a.number, e.amount, {_e2e_sql('1')}, 1, '{Payment.State.SENT}', '', %(now)s
            FROM ({_chosen_sql()}) c
            JOIN programs_entitlement e ON e.id = c.entitlement_id
            JOIN payments_account a ON a.id = c.account_id
            WHERE true  -- SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT
            ON CONFLICT DO NOTHING""", {"cycle": cycle.pk, "program": cycle.program_id, "now": now})
        return cursor.rowcount


def _insert_retries(cycle: Cycle, now, batches: dict[str, int]) -> int:
    """The next attempt of each entitlement whose latest payment was rejected and whose usable
    account has changed since."""
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO payments_payment (cycle_id, entitlement_id, household_id, account_id,
                account_revision, batch_id, bank, creditor_name, creditor_account, amount,
                end_to_end_id, attempt, retry_of_id, state, reason_code, created_at)
            SELECT e.cycle_id, e.id, e.household_id, a.id, a.revision, {_batch_case(batches)}, a.bank,
                   a.holder_name, a.number, e.amount, {_e2e_sql('p.attempt + 1')}, p.attempt + 1, p.id,
                   '{Payment.State.SENT}', '', %(now)s
            FROM ({_chosen_sql()}) c
            JOIN programs_entitlement e ON e.id = c.entitlement_id
            JOIN payments_account a ON a.id = c.account_id
            JOIN payments_payment p ON p.entitlement_id = e.id AND p.state = '{Payment.State.REJECTED}'
            WHERE p.cycle_id = %(cycle)s
              AND NOT EXISTS (SELECT 1 FROM payments_payment q
                              WHERE q.entitlement_id = p.entitlement_id AND q.attempt > p.attempt)
              AND (a.id != p.account_id OR a.revision > p.account_revision)
            ON CONFLICT DO NOTHING""", {"cycle": cycle.pk, "program": cycle.program_id, "now": now})
        return cursor.rowcount


_HELD = pa.schema([("household_id", pa.int64()), ("district_code", pa.string()),
                   ("reason", pa.string()), ("bank", pa.string())])


def held_read(*, cycle: Cycle) -> pa.Table:
    """Approved entitlements with no payment and no usable account, with why: household_id,
    district_code, reason (no_account, account_<status>, name_mismatch, aceh_requires_bsi,
    bank_not_allowed) and the bank a new account would be opened at."""
    cycle_id, program = int(cycle.pk), cycle.program_id
    if not program.isalnum():
        raise PaymentError(f"kode program tidak sah / invalid program code {program!r}")
    aceh = f"substr(e.district_code, 1, 2) = '{ACEH}'"
    return query_table(schema=_HELD, sql=f"""
        SELECT e.household_id, e.district_code,
               CASE WHEN a.id IS NULL THEN 'no_account'
                    WHEN a.status != '{Account.Status.ACTIVE}' THEN 'account_' || a.status
                    WHEN a.name_check = '{Account.NameCheck.MISMATCH}' THEN 'name_mismatch'
                    WHEN {aceh} THEN 'aceh_requires_bsi'
                    ELSE 'bank_not_allowed' END,
               CASE WHEN {aceh} THEN 'BSI' WHEN a.bank IS NULL OR a.bank = 'BSI' THEN '{DEFAULT_BANK}'
                    ELSE a.bank END
        FROM (SELECT e0.household_id, e0.district_code FROM programs_entitlement e0
              WHERE e0.cycle_id = {cycle_id} AND e0.state = '{Entitlement.State.APPROVED}'
                AND NOT EXISTS (SELECT 1 FROM payments_payment p WHERE p.entitlement_id = e0.id)) e
        LEFT JOIN payments_account a ON a.id = (
            SELECT a2.id FROM payments_account a2 WHERE a2.household_id = e.household_id
               AND a2.program IN ('', '{program}') ORDER BY a2.program DESC LIMIT 1)
        ORDER BY e.household_id""")


# Holds that a new account answers; a name mismatch or a dormant account needs the family or
# an officer, not a new account.
_REQUEST_FOR = ("no_account", "account_closed", "aceh_requires_bsi", "bank_not_allowed")


def _requests_make(cycle: Cycle, held: pa.Table, now) -> int:
    wanted = held.filter(pc.is_in(held.column("reason"), pa.array(_REQUEST_FOR)))
    if not wanted.num_rows:
        return 0
    with temp_table(name="account_wanted", table=wanted.select(["household_id", "reason", "bank"])), \
            connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO payments_accountrequest (household_id, program, bank, reason, status,
                cycle_id, file_name, created_at, updated_at)
            SELECT w.household_id, %(program)s, w.bank, w.reason, '{AccountRequest.Status.REQUESTED}',
                   %(cycle)s, '', %(now)s, %(now)s
            FROM account_wanted w WHERE true
            ON CONFLICT DO NOTHING""", {"program": cycle.program_id, "cycle": cycle.pk, "now": now})
        return cursor.rowcount


def _batches_open(cycle: Cycle, now) -> dict[str, int]:
    """A new batch per bank for this round's payments (those left empty are removed after)."""
    opened = {}
    last = dict(Batch.objects.filter(cycle=cycle).values("bank").annotate(m=Max("sequence"))
                .values_list("bank", "m"))
    for bank in BANKS:
        sequence = (last.get(bank) or 0) + 1
        opened[bank] = Batch.objects.create(
            cycle=cycle, bank=bank, sequence=sequence,
            message_id=f"{E2E_PREFIX}-{cycle.pk:06d}-{bank}-{sequence:03d}",
            execution_date=max(cycle.starts_on, now.date()), created_at=now.replace(microsecond=0)).pk
    return opened


def _batches_close(cycle: Cycle, opened: dict[str, int]) -> list[Batch]:
    """Count what went into each new batch, drop the empty ones, and fund the others: the
    batch total moves from the program's budget to the bank's escrow (keyed by the batch)."""
    filled = {row["batch_id"]: row for row in Payment.objects.filter(batch_id__in=opened.values())
              .values("batch_id").annotate(n=Count("id"), total=Sum("amount"))}
    Batch.objects.filter(pk__in=[pk for pk in opened.values() if pk not in filled]).delete()
    batches = list(Batch.objects.filter(pk__in=filled).order_by("bank"))
    for batch in batches:
        batch.payments, batch.total = filled[batch.pk]["n"], int(filled[batch.pk]["total"])
        batch.save(update_fields=["payments", "total"])
        ledger_post(key=f"fund:{batch.message_id}", kind="fund", bank=batch.bank, cycle=cycle,
                    amount=batch.total, payments=batch.payments, batch_id=batch.pk)
    return batches


def payments_prepare(*, cycle: Cycle, by: str, retry: bool = True) -> dict:
    """Make the cycle's missing payments (first attempts, and retries when `retry`), batch
    them per bank and request accounts for families without one. Idempotent."""
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.state not in (Cycle.State.APPROVED, Cycle.State.PAYING):
            raise PaymentError(f"siklus {cycle} belum disetujui / cycle {cycle} is not approved "
                               f"(state {cycle.state})")
        payee = rules_parse(cycle.rule_version.body, source=cycle.rule_version.source).payee
        if payee != "household":
            raise PaymentError(f"{cycle.program_id} dibayarkan kepada {payee}, bukan ke rekening keluarga / "
                               f"{cycle.program_id} is paid to the {payee}, not to families' accounts")
        now = timezone.now()
        opened = _batches_open(cycle, now)
        made = _insert_first(cycle, now, opened)
        retried = _insert_retries(cycle, now, opened) if retry else 0
        crash_point("payments.prepare.inserted")
        batches = _batches_close(cycle, opened)
        held = held_read(cycle=cycle)
        requested = _requests_make(cycle, held, now)
        held_counts = dict(sorted(_count(held.column("reason").to_pylist()).items()))
        summary = {"cycle": cycle.pk, "new_payments": made, "retries": retried,
                   "batches": [b.message_id for b in batches], "held": held.num_rows,
                   "held_by_reason": held_counts, "account_requests": requested}
        if made or retried or requested:
            audit_record(actor=by, action="payments.prepare", target_type="Cycle", target_id=cycle.pk,
                         data=summary)
    return summary


def _count(values: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts
