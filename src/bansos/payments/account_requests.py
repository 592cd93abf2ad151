"""Collective account opening requests (burekol) as files to the banks.

Each open request not yet sent goes into `burekol-<BANK>-<day>.csv` (the family head's NIK,
name, address and village, the program): the bank opens the accounts and answers with its
account list, which comes back through intake and `accounts_sync`. The family is told an
account is being opened and what to bring. Running it again the same day rewrites the same
files with the same requests."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import transaction
from django.utils import timezone

from bansos.audit.services import audit_record
from bansos.core.bulk_read import query_table
from bansos.core.protected import decrypt_many
from bansos.notify.outbox import messages_enqueue
from bansos.payments.models import AccountRequest

_OPEN = pa.schema([("request_id", pa.int64()), ("household_id", pa.int64()), ("person_id", pa.int64()),
                   ("nik", pa.binary()), ("name", pa.string()), ("address", pa.string()),
                   ("village", pa.string()), ("program", pa.string()), ("bank", pa.string()),
                   ("file_name", pa.string())])


def _requests_read(day: date) -> pa.Table:
    """Requests not sent yet, and those sent today (so a re-run rewrites today's files)."""
    return query_table(schema=_OPEN, sql=f"""
        SELECT r.id, r.household_id, p.id, p.nik, p.full_name, h.address, h.village_id, r.program, r.bank,
               r.file_name
        FROM payments_accountrequest r
        JOIN registry_household h ON h.id = r.household_id
        JOIN registry_person p ON p.id = h.head_id
        WHERE r.status = '{AccountRequest.Status.REQUESTED}'
          AND (r.file_name = '' OR r.file_name LIKE 'burekol-%-{day.isoformat()}.csv')
        ORDER BY r.bank, r.id""")


def account_requests_write(*, out_dir: Path, by: str, day: date | None = None) -> dict:
    day = day or timezone.localdate()
    out_dir = Path(out_dir)
    rows = _requests_read(day)
    files = {}
    if rows.num_rows:
        out_dir.mkdir(parents=True, exist_ok=True)
    for bank in sorted(set(rows.column("bank").to_pylist())):
        part = rows.filter(pc.equal(rows.column("bank"), bank))
        name = f"burekol-{bank}-{day.isoformat()}.csv"
        table = pa.table({
            "NIK": pa.array(decrypt_many(part.column("nik").to_pylist(), purpose="nik"), pa.string()),
            "NAMA": part.column("name"), "ALAMAT": part.column("address"),
            "KODE_DESA": part.column("village"), "PROGRAM": part.column("program"),
            "BANK": part.column("bank")})
        partial = out_dir / f"{name}.partial"
        pacsv.write_csv(table, partial)
        os.replace(partial, out_dir / name)
        with transaction.atomic():
            ids = part.column("request_id").to_pylist()
            AccountRequest.objects.filter(pk__in=ids).update(file_name=name, updated_at=timezone.now())
            messages_enqueue(kind="account_requested", rows=pa.table({
                "key": pa.array([f"account_request:{i}" for i in ids], pa.string()),
                "household_id": part.column("household_id"), "person_id": part.column("person_id"),
                "params": pa.array([json.dumps({"program": p, "bank": bank})
                                    for p in part.column("program").to_pylist()], pa.string())}))
            audit_record(actor=by, action="payments.account_requests", target_type="AccountRequest",
                         target_id="", data={"file": name, "requests": part.num_rows})
        files[bank] = {"file": name, "requests": part.num_rows}
    return {"day": day.isoformat(), "files": files}
