"""The bank's monthly account activity list: balance, last transaction, last withdrawal and
status of every account it credited. Applied once per file: accounts take the reported figures
(oversight reads them for dormant accounts and idle balances), a status the bank changed raises
the account's revision, and payments credited before the last withdrawal count as withdrawn
(they no longer lapse). A row with a bad value refuses the whole file, naming row and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection, transaction
from django.utils import timezone

from bansos.audit.services import audit_record
from bansos.core.bulk_temp import temp_table
from bansos.core.protected import keyring
from bansos.intake.services import file_sha256
from bansos.payments.models import BankReport
from bansos.payments.reconcile import ReportError

COLUMNS = ("NO_REKENING", "SALDO", "TGL_TRANSAKSI_TERAKHIR", "TGL_TARIK_TERAKHIR", "STATUS_REKENING")
_STATUS = {"AKTIF": "active", "DORMAN": "dormant", "BLOKIR": "blocked", "TUTUP": "closed"}


def _refuse(path: Path, row: int, column: str, message_id: str, message_en: str) -> ReportError:
    return ReportError(f"{path.name} baris/row {row}, kolom/column {column}: {message_id} / {message_en}")


def _date(path: Path, row: int, column: str, text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _refuse(path, row, column, "tanggal bukan YYYY-MM-DD", "date is not YYYY-MM-DD") from None


def activity_read(*, path: Path, bank: str | None = None) -> pa.Table:
    """The file as bank, number_index, balance, last_activity_on, last_withdrawal_on, status;
    the account number is turned into its blind index at once and never kept. The bank is the
    file's BANK column, or `bank` for a list of one bank without it."""
    try:
        table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in (*COLUMNS, "BANK")}, strings_can_be_null=True))
    except pa.ArrowInvalid as error:
        raise ReportError(f"{path.name}: bukan CSV yang terbaca / not a readable CSV ({error})") from error
    missing = [c for c in COLUMNS if c not in table.column_names]
    if "BANK" not in table.column_names and not bank:
        missing.append("BANK")
    if missing:
        raise ReportError(f"{path.name}: kolom hilang / missing columns: {', '.join(missing)}")
    numbers, balances, active, withdrawn, statuses = ([], [], [], [], [])
    for i, (number, balance, last, drawn, status) in enumerate(
            zip(*(table.column(c).to_pylist() for c in COLUMNS), strict=True), start=2):
        if not number or not number.strip().isdigit():
            raise _refuse(path, i, "NO_REKENING", "nomor rekening bukan angka", "account number is not digits")
        if not balance or not balance.strip().lstrip("-").isdigit():
            raise _refuse(path, i, "SALDO", "saldo bukan angka rupiah bulat", "balance is not whole rupiah")
        code = (status or "").strip().upper()
        if code not in _STATUS:
            raise _refuse(path, i, "STATUS_REKENING", f"status {code!r} tidak dikenal", f"unknown status {code!r}")
        numbers.append(number.strip())
        balances.append(int(balance))
        active.append(_date(path, i, "TGL_TRANSAKSI_TERAKHIR", last))
        withdrawn.append(_date(path, i, "TGL_TARIK_TERAKHIR", drawn))
        statuses.append(_STATUS[code])
    banks = ([b.strip().upper() if b else "" for b in table.column("BANK").to_pylist()]
             if "BANK" in table.column_names else [bank] * table.num_rows)
    if bank:
        wrong = next((i for i, b in enumerate(banks, start=2) if b != bank), None)
        if wrong:
            raise _refuse(path, wrong, "BANK", f"bukan {bank}", f"not {bank}")
    return pa.table({"bank": pa.array(banks, pa.string()),
                     "number_index": pa.array(keyring().index_many(numbers, purpose="account"), pa.string()),
                     "balance": pa.array(balances, pa.int64()),
                     "last_activity_on": pa.array(active, pa.date32()),
                     "last_withdrawal_on": pa.array(withdrawn, pa.date32()),
                     "status": pa.array(statuses, pa.string())})


def activity_apply(*, path: Path, by: str, bank: str | None = None) -> tuple[BankReport, bool]:
    """Apply one activity list (of `bank`, when given); returns the report and whether it was
    new."""
    path = Path(path)
    sha256 = file_sha256(path=path)
    seen = BankReport.objects.filter(sha256=sha256).first()
    if seen is not None:
        return seen, False
    rows = activity_read(path=path, bank=bank)
    now = timezone.now()
    with transaction.atomic(), temp_table(name="activity_rows", table=rows), connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM activity_rows r WHERE NOT EXISTS (
                SELECT 1 FROM payments_account a WHERE a.number_index = r.number_index AND a.bank = r.bank)""")
        unknown = cursor.fetchone()[0]
        cursor.execute("""
            UPDATE payments_account SET balance = r.balance, last_activity_on = r.last_activity_on,
                last_withdrawal_on = r.last_withdrawal_on,
                revision = payments_account.revision + CASE WHEN payments_account.status != r.status THEN 1 ELSE 0 END,
                status = r.status, updated_at = %s
            FROM activity_rows r WHERE payments_account.number_index = r.number_index
              AND payments_account.bank = r.bank""", [now])
        accounts = cursor.rowcount
        cursor.execute("""
            UPDATE payments_payment SET withdrawn_on = a.last_withdrawal_on
            FROM payments_account a
            WHERE payments_payment.account_id = a.id
              AND a.number_index IN (SELECT number_index FROM activity_rows)
              AND payments_payment.state = 'credited' AND payments_payment.withdrawn_on IS NULL
              AND a.last_withdrawal_on IS NOT NULL AND a.last_withdrawal_on >= payments_payment.credited_on""")
        withdrawn = cursor.rowcount
        counts = {"accounts": accounts, "unknown_accounts": unknown, "payments_withdrawn": withdrawn}
        report = BankReport.objects.create(kind=BankReport.Kind.ACTIVITY, bank=bank or "", file_name=path.name,
                                           sha256=sha256, rows=rows.num_rows, counts=counts, received_by=by)
        audit_record(actor=by, action="payments.activity_apply", target_type="BankReport",
                     target_id=report.pk, data={"file": path.name, **counts})
    return report, True
