"""Reading a bank's answers back: pain.002 status reports and camt.054 notifications.

A file is applied once and whole. It is checked first — every end-to-end id must be a payment
we sent (for a status report: in the batch it answers), amounts and control sums must be ours —
and a file that fails is refused with the reason and changes nothing. Then, in one transaction,
set-at-a-time: payments move on (sent → credited or rejected; credited → returned), never
backwards; the ledger posts one movement per batch and kind; accounts the bank reports closed,
blocked or in another name are marked so; each family is told once; and the file is recorded
by its sha256, so reading it again changes nothing. A crash mid-way rolls it all back."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.utils import timezone

from bansos.audit.services import audit_record
from bansos.core.bulk_read import query_table
from bansos.core.bulk_temp import temp_table
from bansos.core.crashpoints import crash_point
from bansos.payments.iso_read import BankFile, ReportFormatError, report_read
from bansos.payments.ledger import LAPSE_REASON, ledger_post
from bansos.payments.models import Account, BankReport, Batch, Payment
from bansos.payments.notices import payments_announce
from bansos.payments.reasons import ACCOUNT_STATUS_FROM_REASON
from bansos.programs.models import Cycle

# Months and days after a credit by which unwithdrawn funds go back to the treasury.
RETURN_AFTER_MONTHS, RETURN_AFTER_DAYS = 3, 15
_ROWS = ["end_to_end_id", "status", "reason_code", "amount", "booked_on"]
_CHANGES = pa.schema([
    ("payment_id", pa.int64()), ("cycle_id", pa.int64()), ("batch_id", pa.int64()),
    ("bank", pa.string()), ("amount", pa.int64()), ("account_id", pa.int64()),
    ("end_to_end_id", pa.string()), ("old_state", pa.string()), ("new_state", pa.string()),
    ("reason_code", pa.string()), ("booked_on", pa.date32()),
    # for the announcement
    ("household_id", pa.int64()), ("person_id", pa.int64()), ("account_last4", pa.string()),
    ("program", pa.string()), ("period", pa.string()),
])


class ReportError(ValueError):
    """A bank file refused; nothing was changed. The message is in Indonesian and English."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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


def _changes_read() -> pa.Table:
    return query_table(schema=_CHANGES, sql=f"""
        SELECT p.id, p.cycle_id, p.batch_id, p.bank, p.amount, p.account_id, p.end_to_end_id,
               p.state,
               CASE WHEN r.status IN ('ACSC', 'BOOKED') AND p.state = 'sent' THEN '{Payment.State.CREDITED}'
                    WHEN r.status = 'RJCT' AND p.state = 'sent' THEN '{Payment.State.REJECTED}'
                    WHEN r.status = 'RETURNED' AND p.state = 'credited' THEN '{Payment.State.RETURNED}'
               END,
               COALESCE(r.reason_code, ''), r.booked_on,
               p.household_id, COALESCE(a.person_id, h.head_id), a.number_last4, c.program_id, c.period
        FROM report_rows r JOIN payments_payment p ON p.end_to_end_id = r.end_to_end_id
        JOIN payments_account a ON a.id = p.account_id
        JOIN registry_household h ON h.id = p.household_id
        JOIN programs_cycle c ON c.id = p.cycle_id""")


def _with_dates(changes: pa.Table, *, default_day: date) -> pa.Table:
    con = duckdb.connect()
    con.register("c", changes)
    return con.sql(f"""
        SELECT payment_id, new_state,
               CASE WHEN new_state = 'credited' THEN '' ELSE reason_code END AS reason_code,
               CASE WHEN new_state = 'credited' THEN coalesce(booked_on, DATE '{default_day}') END AS credited_on,
               CASE WHEN new_state = 'credited' THEN CAST(coalesce(booked_on, DATE '{default_day}')
                    + INTERVAL {RETURN_AFTER_MONTHS} MONTH + INTERVAL {RETURN_AFTER_DAYS} DAY AS DATE) END AS return_due_on
        FROM c WHERE new_state IS NOT NULL ORDER BY payment_id""").to_arrow_table()


def _with_days(moved: pa.Table, *, default_day: date) -> pa.Table:
    """The booking day of each moved payment (the file's day when the bank gave none)."""
    days = pc.fill_null(moved.column("booked_on"), pa.scalar(default_day, pa.date32()))
    return moved.set_column(moved.schema.get_field_index("booked_on"), "booked_on", days)


def _payments_update(updates: pa.Table, now) -> None:
    with temp_table(name="payment_changes", table=updates), connection.cursor() as cursor:
        cursor.execute("""
            UPDATE payments_payment SET state = ch.new_state, reason_code = ch.reason_code,
                status_at = %s,
                credited_on = COALESCE(ch.credited_on, payments_payment.credited_on),
                return_due_on = COALESCE(ch.return_due_on, payments_payment.return_due_on)
            FROM payment_changes ch WHERE payments_payment.id = ch.payment_id""", [now])


def _accounts_mark(changes: pa.Table, now) -> int:
    """What rejections say about accounts: closed, blocked, or held in another name."""
    con = duckdb.connect()
    con.register("c", changes)
    cases = " ".join(f"WHEN '{code}' THEN '{status}'" for code, status in ACCOUNT_STATUS_FROM_REASON.items())
    marks = con.sql(f"""
        SELECT DISTINCT account_id, CASE reason_code {cases} END AS status,
               reason_code = 'BE01' AS name_refused
        FROM c WHERE new_state = 'rejected'
          AND (reason_code = 'BE01' OR reason_code IN ({','.join(f"'{c}'" for c in ACCOUNT_STATUS_FROM_REASON)}))
        """).to_arrow_table()
    if not marks.num_rows:
        return 0
    with temp_table(name="account_marks", table=marks), connection.cursor() as cursor:
        cursor.execute(f"""
            UPDATE payments_account SET
                status = COALESCE(m.status, payments_account.status),
                name_check = CASE WHEN m.name_refused THEN '{Account.NameCheck.MISMATCH}'
                                  ELSE payments_account.name_check END,
                revision = payments_account.revision + 1, updated_at = %s
            FROM account_marks m WHERE payments_account.id = m.account_id""", [now])
    return marks.num_rows


def _ledger(changes: pa.Table, report: BankReport) -> None:
    con = duckdb.connect()
    con.register("c", changes)
    groups = con.sql(f"""
        SELECT cycle_id, batch_id, bank,
               CASE new_state WHEN 'credited' THEN 'credit' WHEN 'rejected' THEN 'refund'
                    ELSE CASE WHEN reason_code = '{LAPSE_REASON}' THEN 'lapse' ELSE 'return' END END AS kind,
               sum(amount)::BIGINT AS amount, count(*) AS payments
        FROM c WHERE new_state IS NOT NULL GROUP BY ALL ORDER BY ALL""").fetchall()
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
    sha256 = _sha256(path)
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
        with temp_table(name="report_rows", table=rows):
            _check(path, batch)
            changes = _changes_read()
        banks = sorted(set(changes.column("bank").to_pylist()))
        if len(banks) > 1:
            raise _refuse(path, f"satu berkas untuk beberapa bank: {banks}", f"one file for several banks: {banks}")
        report = BankReport.objects.create(
            kind=parsed.kind, bank=banks[0] if banks else (batch.bank if batch else ""),
            file_name=path.name, sha256=sha256, message_id=parsed.message_id[:35], rows=rows.num_rows,
            received_by=by)
        day = (parsed.created_at or now).date()
        updates = _with_dates(changes, default_day=day)
        if updates.num_rows:
            _payments_update(updates, now)
        crash_point("payments.reconcile.updated")
        moved = changes.filter(pc.is_valid(changes.column("new_state")))
        _ledger(moved, report)
        marked = _accounts_mark(moved, now)
        announced = payments_announce(changes=_with_days(moved, default_day=day))
        _batches_settle(sorted({b for b in changes.column("batch_id").to_pylist() if b is not None}))
        report.counts = _counts(changes, marked=marked, announced=announced, skipped=parsed.skipped)
        report.save(update_fields=["counts"])
        audit_record(actor=by, action="payments.report_apply", target_type="BankReport",
                     target_id=report.pk, data={"file": path.name, "kind": parsed.kind,
                                                "sha256": sha256, **report.counts})
    return report, True


def _counts(changes: pa.Table, *, marked: int, announced: int, skipped: int) -> dict:
    con = duckdb.connect()
    con.register("c", changes)
    moved = dict(con.sql("SELECT new_state, count(*) FROM c WHERE new_state IS NOT NULL GROUP BY 1").fetchall())
    unchanged = con.sql("SELECT count(*) FROM c WHERE new_state IS NULL").fetchall()[0][0]
    reasons = dict(con.sql("""SELECT reason_code, count(*) FROM c
                              WHERE new_state IN ('rejected', 'returned') GROUP BY 1 ORDER BY 1""").fetchall())
    return json.loads(json.dumps({"credited": moved.get("credited", 0), "rejected": moved.get("rejected", 0),
                                  "returned": moved.get("returned", 0), "unchanged": unchanged,
                                  "reasons": reasons, "accounts_marked": marked,
                                  "announced": announced, "skipped_entries": skipped}))
