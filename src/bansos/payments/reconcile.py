"""Reading a bank's answers back: pain.002 status reports and camt.054 notifications.

A file is applied once and whole. It is checked first — every end-to-end id must be a payment
we sent (for a status report: in the batch it answers), amounts and control sums must be ours —
and a file that fails is refused with the reason and changes nothing. Then, in one transaction,
set-at-a-time: payments move on (sent → credited or rejected; credited → returned), never
backwards; the ledger posts one movement per batch and kind; accounts the bank reports closed,
blocked or in another name are marked so; each family is told once; and the file is recorded
by its sha256, so reading it again changes nothing. A crash mid-way rolls it all back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
from django.db import connection, transaction
from django.utils import timezone

from bansos.audit.services import audit_record
from bansos.core.bulk_temp import temp_table
from bansos.core.crashpoints import crash_point
from bansos.intake.services import file_sha256
from bansos.payments.iso_read import BankFile, ReportFormatError, report_read
from bansos.payments.ledger import LAPSE_REASON, ledger_post
from bansos.payments.models import Account, BankReport, Batch, Payment
from bansos.payments.notices import payments_announce
from bansos.payments.reasons import ACCOUNT_STATUS_FROM_REASON
from bansos.programs.models import Cycle

# Months and days after a credit by which unwithdrawn funds go back to the treasury.
RETURN_AFTER_MONTHS, RETURN_AFTER_DAYS = 3, 15
_ROWS = ["end_to_end_id", "status", "reason_code", "amount", "booked_on"]


class ReportError(ValueError):
    """A bank file refused; nothing was changed. The message is in Indonesian and English."""


def _refuse(path: Path, message_id: str, message_en: str) -> ReportError:
    return ReportError(f"{path.name}: {message_id} / {message_en}")


def _status_batch(path: Path, parsed: BankFile) -> Batch:
    batch = Batch.objects.filter(message_id=parsed.original_message_id).first()
    if batch is None:
        raise _refuse(path, f"pesan asal {parsed.original_message_id!r} tidak pernah dikirim",
                      f"original message {parsed.original_message_id!r} was never sent")
    if parsed.original_count is not None and parsed.original_count != batch.payments:
        raise _refuse(path, f"jumlah transaksi asal {parsed.original_count} ≠ {batch.payments} yang dikirim",
                      f"original count {parsed.original_count} ≠ {batch.payments} sent")
    if parsed.original_total is not None and parsed.original_total != batch.total:
        raise _refuse(path, f"total asal Rp{parsed.original_total} ≠ Rp{batch.total} yang dikirim",
                      f"original total Rp{parsed.original_total} ≠ Rp{batch.total} sent")
    return batch


def _rows(parsed: BankFile, batch: Batch | None) -> pa.Table:
    rows = parsed.rows.select(_ROWS)
    if parsed.kind == "pain.002" and parsed.group_status == "RJCT" and rows.num_rows == 0:
        # The whole batch refused, with one reason for all.
        ids = list(Payment.objects.filter(batch=batch).values_list("end_to_end_id", flat=True))
        rows = pa.table({"end_to_end_id": pa.array(ids, pa.string()),
                         "status": pa.array(["RJCT"] * len(ids), pa.string()),
                         "reason_code": pa.array([parsed.group_reason or "MS03"] * len(ids), pa.string()),
                         "amount": pa.nulls(len(ids), pa.int64()),
                         "booked_on": pa.nulls(len(ids), pa.date32())})
    return rows


def _check(path: Path, batch: Batch | None) -> None:
    """Unknown ids, ids of another batch, amounts not ours: refuse (inside the transaction)."""
    other_batch = f"OR p.batch_id != {int(batch.pk)}" if batch else ""
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT r.end_to_end_id, p.id, p.batch_id, p.amount, r.amount FROM report_rows r
            LEFT JOIN payments_payment p ON p.end_to_end_id = r.end_to_end_id
            WHERE p.id IS NULL OR (r.amount IS NOT NULL AND r.amount != p.amount) {other_batch}
            ORDER BY r.end_to_end_id LIMIT 6""")
        bad = cursor.fetchall()
    if not bad:
        return
    unknown = [row[0] for row in bad if row[1] is None]
    if unknown:
        shown = ", ".join(unknown[:5])
        raise _refuse(path, f"id end-to-end tidak dikenal: {shown}", f"unknown end-to-end ids: {shown}")
    other = [row[0] for row in bad if batch and row[2] != batch.pk]
    if other:
        shown = ", ".join(other[:5])
        raise _refuse(path, f"pembayaran dari batch lain: {shown}", f"payments of another batch: {shown}")
    e2e, _, _, ours, theirs = bad[0]
    raise _refuse(path, f"{e2e}: jumlah Rp{theirs} ≠ Rp{ours} yang dikirim",
                  f"{e2e}: amount Rp{theirs} ≠ Rp{ours} sent")


def _moves_make(*, day: date) -> None:
    """`report_moves`: the payments this file moves on, with where to (in the database: a
    million rows never cross into Python)."""
    vendor = connection.vendor
    booked = f"COALESCE(r.booked_on, CAST('{day.isoformat()}' AS date))" if vendor == "postgresql" \
        else f"COALESCE(r.booked_on, '{day.isoformat()}')"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS report_moves")
        cursor.execute(f"""
            CREATE TEMPORARY TABLE report_moves AS
            SELECT * FROM (
                SELECT p.id, p.cycle_id, p.batch_id, p.bank, p.amount, p.account_id, p.household_id,
                       p.end_to_end_id, COALESCE(r.reason_code, '') AS reason_code, {booked} AS booked_on,
                       CASE WHEN r.status IN ('ACSC', 'BOOKED') AND p.state = 'sent' THEN '{Payment.State.CREDITED}'
                            WHEN r.status = 'RJCT' AND p.state = 'sent' THEN '{Payment.State.REJECTED}'
                            WHEN r.status = 'RETURNED' AND p.state = 'credited' THEN '{Payment.State.RETURNED}'
                       END AS new_state
                FROM report_rows r JOIN payments_payment p ON p.end_to_end_id = r.end_to_end_id) m
            WHERE m.new_state IS NOT NULL""")
        if vendor == "postgresql":
            cursor.execute("ANALYZE report_moves")


def _due_sql() -> str:
    if connection.vendor == "postgresql":
        return (f"CAST(m.booked_on + INTERVAL '{RETURN_AFTER_MONTHS} months {RETURN_AFTER_DAYS} days' AS date)")
    return f"date(m.booked_on, '+{RETURN_AFTER_MONTHS} months', '+{RETURN_AFTER_DAYS} days')"


def _payments_update(now) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"""
            UPDATE payments_payment SET state = m.new_state,
                reason_code = CASE WHEN m.new_state = 'credited' THEN '' ELSE m.reason_code END,
                status_at = %s,
                credited_on = CASE WHEN m.new_state = 'credited' THEN m.booked_on ELSE payments_payment.credited_on END,
                return_due_on = CASE WHEN m.new_state = 'credited' THEN {_due_sql()}
                                     ELSE payments_payment.return_due_on END
            FROM report_moves m WHERE payments_payment.id = m.id""", [now])


def _accounts_mark(now) -> int:
    """What rejections say about accounts: closed, blocked, or held in another name."""
    cases = " ".join(f"WHEN '{code}' THEN '{status}'" for code, status in ACCOUNT_STATUS_FROM_REASON.items())
    codes = ", ".join(f"'{code}'" for code in (*ACCOUNT_STATUS_FROM_REASON, "BE01"))
    with connection.cursor() as cursor:
        cursor.execute(f"""
            UPDATE payments_account SET
                status = COALESCE(CASE k.reason_code {cases} END, payments_account.status),
                name_check = CASE WHEN k.reason_code = 'BE01' THEN '{Account.NameCheck.MISMATCH}'
                                  ELSE payments_account.name_check END,
                revision = payments_account.revision + 1, updated_at = %s
            FROM (SELECT account_id, MIN(reason_code) AS reason_code FROM report_moves
                  WHERE new_state = 'rejected' AND reason_code IN ({codes}) GROUP BY account_id) k
            WHERE payments_account.id = k.account_id""", [now])
        return cursor.rowcount


def _ledger(report: BankReport) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT cycle_id, batch_id, bank,
                   CASE new_state WHEN 'credited' THEN 'credit' WHEN 'rejected' THEN 'refund'
                        ELSE CASE WHEN reason_code = '{LAPSE_REASON}' THEN 'lapse' ELSE 'return' END END,
                   SUM(amount), COUNT(*)
            FROM report_moves GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""")
        groups = cursor.fetchall()
    cycles = {c.pk: c for c in Cycle.objects.filter(pk__in={g[0] for g in groups})}
    for cycle_id, batch_id, bank, kind, amount, count in groups:
        ledger_post(key=f"{kind}:{report.pk}:{batch_id}", kind=kind, bank=bank, cycle=cycles[cycle_id],
                    amount=int(amount), payments=int(count), batch_id=batch_id, report_id=report.pk)


def _batches_settle(batch_ids: list[int]) -> None:
    """A batch none of whose payments waits for an answer is reconciled."""
    waiting = set(Payment.objects.filter(batch_id__in=batch_ids, state=Payment.State.SENT)
                  .values_list("batch_id", flat=True).distinct())
    Batch.objects.filter(pk__in=set(batch_ids) - waiting, state=Batch.State.EXPORTED).update(
        state=Batch.State.RECONCILED)


def report_apply(*, path: Path, by: str) -> tuple[BankReport, bool]:
    """Apply a bank file; returns the report and whether it was new (False: read before)."""
    path = Path(path)
    sha256 = file_sha256(path=path)
    seen = BankReport.objects.filter(sha256=sha256).first()
    if seen is not None:
        return seen, False
    try:
        parsed = report_read(path=path)
    except ReportFormatError as error:
        raise ReportError(str(error)) from error
    now = timezone.now()
    with transaction.atomic():
        batch = _status_batch(path, parsed) if parsed.kind == "pain.002" else None
        rows = _rows(parsed, batch)
        day = (parsed.created_at or now).date()
        with temp_table(name="report_rows", table=rows):
            _check(path, batch)
            _moves_make(day=day)
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT bank FROM report_moves")
            banks = sorted(row[0] for row in cursor.fetchall())
        if len(banks) > 1:
            raise _refuse(path, f"satu berkas untuk beberapa bank: {banks}", f"one file for several banks: {banks}")
        report = BankReport.objects.create(
            kind=parsed.kind, bank=banks[0] if banks else (batch.bank if batch else ""),
            file_name=path.name, sha256=sha256, message_id=parsed.message_id[:35], rows=rows.num_rows,
            received_by=by)
        _payments_update(now)
        crash_point("payments.reconcile.updated")
        _ledger(report)
        marked = _accounts_mark(now)
        announced = payments_announce()
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT batch_id FROM report_moves")
            _batches_settle(sorted(row[0] for row in cursor.fetchall() if row[0] is not None))
        report.counts = _counts(rows=rows.num_rows, marked=marked, announced=announced, skipped=parsed.skipped)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS report_moves")
        report.save(update_fields=["counts"])
        audit_record(actor=by, action="payments.report_apply", target_type="BankReport",
                     target_id=report.pk, data={"file": path.name, "kind": parsed.kind,
                                                "sha256": sha256, **report.counts})
    return report, True


def _counts(*, rows: int, marked: int, announced: int, skipped: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT new_state, COUNT(*) FROM report_moves GROUP BY new_state")
        moved = dict(cursor.fetchall())
        cursor.execute("""SELECT reason_code, COUNT(*) FROM report_moves
                          WHERE new_state IN ('rejected', 'returned') GROUP BY reason_code ORDER BY reason_code""")
        reasons = dict(cursor.fetchall())
    return {"credited": moved.get("credited", 0), "rejected": moved.get("rejected", 0),
            "returned": moved.get("returned", 0), "unchanged": rows - sum(moved.values()),
            "reasons": reasons, "accounts_marked": marked, "announced": announced,
            "skipped_entries": skipped}
