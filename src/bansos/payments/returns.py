"""Funds not withdrawn within 3 months and 15 days of the credit go back to the treasury.

`returns_flag` runs daily: credited payments whose family has not withdrawn by the return date
are flagged (once) and written into a return instruction per bank, which the bank answers with
a camt.054 return notification (read by `reconcile`, which moves the money to `kas_negara`).
Families whose date is near are warned first, once, so that few funds lapse at all."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import transaction

from bansos.audit.services import audit_record
from bansos.core.bulk_read import query_table
from bansos.core.protected import decrypt_many
from bansos.notify.outbox import messages_enqueue
from bansos.payments.ledger import LAPSE_REASON
from bansos.payments.models import Payment

WARN_DAYS = 30
_FLAGGED = pa.schema([("end_to_end_id", pa.string()), ("bank", pa.string()),
                      ("creditor_account", pa.binary()), ("amount", pa.int64())])
_WARN = pa.schema([("key", pa.string()), ("household_id", pa.int64()), ("person_id", pa.int64()),
                   ("program", pa.string()), ("period", pa.string()), ("amount", pa.int64()),
                   ("bank", pa.string()), ("due", pa.date32())])


def _warn(on: date) -> int:
    rows = query_table(schema=_WARN, sql=f"""
        SELECT p.end_to_end_id || ':return_warning', p.household_id, COALESCE(a.person_id, h.head_id),
               c.program_id, c.period, p.amount, p.bank, p.return_due_on
        FROM payments_payment p
        JOIN payments_account a ON a.id = p.account_id
        JOIN registry_household h ON h.id = p.household_id
        JOIN programs_cycle c ON c.id = p.cycle_id
        WHERE p.state = '{Payment.State.CREDITED}' AND p.withdrawn_on IS NULL
          AND p.return_due_on > '{on.isoformat()}' AND p.return_due_on <= '{(on + timedelta(days=WARN_DAYS)).isoformat()}'
        ORDER BY p.end_to_end_id""")
    if not rows.num_rows:
        return 0
    names = ("program", "period", "amount", "bank", "due")
    params = [json.dumps(dict(zip(names, values, strict=True)), default=str)
              for values in zip(*(rows.column(c).to_pylist() for c in names), strict=True)]
    return messages_enqueue(kind="payment_return_warning", rows=pa.table({
        "key": rows.column("key"), "household_id": rows.column("household_id"),
        "person_id": rows.column("person_id"), "params": pa.array(params, pa.string())}))


def _instruction_write(*, path: Path, flagged: pa.Table) -> None:
    accounts = decrypt_many(flagged.column("creditor_account").to_pylist(), purpose="account")
    table = pa.table({"END_TO_END_ID": flagged.column("end_to_end_id"),
                      "NO_REKENING": pa.array(accounts, pa.string()),
                      "JUMLAH": flagged.column("amount"),
                      "ALASAN": pa.array([LAPSE_REASON] * flagged.num_rows, pa.string())})
    partial = path.with_name(path.name + ".partial")
    pacsv.write_csv(table, partial)
    os.replace(partial, path)


def returns_flag(*, on: date, out_dir: Path, by: str) -> dict:
    """Flag what is due on `on`, write `return-<BANK>-<on>.csv` per bank, warn the families
    whose date is within WARN_DAYS. Running it again the same day rewrites the same files."""
    out_dir = Path(out_dir)
    with transaction.atomic():
        flagged_now = Payment.objects.filter(
            state=Payment.State.CREDITED, withdrawn_on__isnull=True, return_due_on__lte=on,
            return_flagged_on__isnull=True).update(return_flagged_on=on)
        warned = _warn(on)
        if flagged_now:
            audit_record(actor=by, action="payments.returns_flag", target_type="Payment", target_id="",
                         data={"on": on.isoformat(), "flagged": flagged_now})
    flagged = query_table(schema=_FLAGGED, sql=f"""
        SELECT end_to_end_id, bank, creditor_account, amount FROM payments_payment
        WHERE return_flagged_on = '{on.isoformat()}' AND state = '{Payment.State.CREDITED}'
        ORDER BY bank, end_to_end_id""")
    files = {}
    if flagged.num_rows:
        out_dir.mkdir(parents=True, exist_ok=True)
    for bank in sorted(set(flagged.column("bank").to_pylist())):
        part = flagged.filter(pc.equal(flagged.column("bank"), bank))
        path = out_dir / f"return-{bank}-{on.isoformat()}.csv"
        _instruction_write(path=path, flagged=part)
        files[bank] = {"file": path.name, "payments": part.num_rows,
                       "total": int(pc.sum(part.column("amount")).as_py())}
    return {"on": on.isoformat(), "flagged": flagged_now, "warned": warned, "files": files}
