"""`payments export`: a frozen cycle's payments as pain.001 files, one per batch, and a manifest.

Order, so that a crash anywhere loses and doubles nothing: (1) payments, their batches and the
batches' funding are made in one transaction (`prepare`); (2) each batch's file is written
beside its name and renamed, then checked against the XSD; (3) only then is the batch marked
`exported` with the file's sha256. Re-running after a crash at any point repeats the missing
steps: files are rewritten with the same bytes (everything in them is frozen in the payment
rows and the batch), and the unique keys refuse a second payment or a second funding."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bansos.audit.services import audit_record
from bansos.core.bulk_read import query_table
from bansos.core.crashpoints import crash_point
from bansos.core.protected import decrypt_many
from bansos.payments.banks import BANKS
from bansos.payments.models import AccountRequest, Batch
from bansos.payments.pain001 import BatchHeader, pain001_write
from bansos.payments.prepare import PaymentError, payments_prepare
from bansos.payments.xsd import xml_check
from bansos.programs.cycles import cycle_advance
from bansos.programs.models import Cycle

_ITEMS = pa.schema([("end_to_end_id", pa.string()), ("amount", pa.int64()),
                    ("creditor_name", pa.string()), ("creditor_account", pa.binary())])


def _items(batch: Batch) -> pa.Table:
    table = query_table(schema=_ITEMS, sql=f"""
        SELECT end_to_end_id, amount, creditor_name, creditor_account FROM payments_payment
        WHERE batch_id = {int(batch.pk)} ORDER BY end_to_end_id""")
    accounts = decrypt_many(table.column("creditor_account").to_pylist(), purpose="account")
    return table.set_column(3, "creditor_account", pa.array(accounts, pa.string()))


def _header(batch: Batch) -> BatchHeader:
    escrow = settings.BANSOS_ESCROW_ACCOUNTS.get(batch.bank)
    if not escrow:
        raise PaymentError(f"rekening penampung di {batch.bank} belum diatur (BANSOS_ESCROW_ACCOUNTS) / "
                           f"no escrow account at {batch.bank} is configured")
    cycle = batch.cycle
    return BatchHeader(message_id=batch.message_id, created_at=batch.created_at,
                       execution_date=batch.execution_date, initiator=settings.BANSOS_PAYER_NAME,
                       debtor_account=escrow, bank_bic=BANKS[batch.bank].bic,
                       remittance=f"BANSOS {cycle.program_id} {cycle.period}")


def batch_write(*, batch: Batch, out_dir: Path) -> tuple[Path, str]:
    """Write (or rewrite) the batch's file and check it; the bytes must be those recorded
    when it was first exported."""
    path = out_dir / f"{batch.message_id}.xml"
    count, total, sha256 = pain001_write(path=path, header=_header(batch), payments=_items(batch))
    crash_point("payments.export.file_written")
    if count != batch.payments or total != batch.total:
        raise PaymentError(f"{batch.message_id}: isi berkas ({count}, Rp{total}) berbeda dari batch "
                           f"({batch.payments}, Rp{batch.total}) / the file differs from the batch")
    if batch.file_sha256 and batch.file_sha256 != sha256:
        raise PaymentError(f"{batch.message_id}: berkas berbeda dari yang sudah dikirim / the file differs "
                           f"from the one already sent (sha256 {batch.file_sha256[:12]}…)")
    xml_check(path=path, message="pain.001.001.09")
    return path, sha256


def _batch_sent(*, batch: Batch, path: Path, sha256: str, by: str) -> None:
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != Batch.State.PREPARED:
            return
        batch.state, batch.file_name, batch.file_sha256 = Batch.State.EXPORTED, path.name, sha256
        batch.exported_at = timezone.now()
        batch.save()
        audit_record(actor=by, action="payments.batch_sent", target_type="Batch", target_id=batch.pk,
                     data={"message_id": batch.message_id, "payments": batch.payments,
                           "total": batch.total, "sha256": sha256})


def cycle_export(*, cycle: Cycle, out_dir: Path, by: str) -> dict:
    """Prepare and write every batch of the cycle; returns its part of the manifest."""
    prepared = payments_prepare(cycle=cycle, by=by)
    cycle.refresh_from_db()
    if cycle.state == Cycle.State.APPROVED:
        cycle = cycle_advance(cycle=cycle, by=by)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for batch in Batch.objects.filter(cycle=cycle).select_related("cycle").order_by("bank", "sequence"):
        path, sha256 = batch_write(batch=batch, out_dir=out_dir)
        _batch_sent(batch=batch, path=path, sha256=sha256, by=by)
        crash_point("payments.export.batch_sent")
        files.append({"file": path.name, "message_id": batch.message_id, "bank": batch.bank,
                      "sequence": batch.sequence, "payments": batch.payments, "total": batch.total,
                      "sha256": sha256})
    banks: dict[str, dict[str, int]] = {}
    for item in files:
        entry = banks.setdefault(item["bank"], {"batches": 0, "payments": 0, "total": 0})
        entry["batches"] += 1
        entry["payments"] += item["payments"]
        entry["total"] += item["total"]
    return {"cycle": cycle.pk, "program": cycle.program_id, "period": cycle.period,
            "entitled_households": cycle.households, "entitled_total": cycle.total,
            "payments": sum(f["payments"] for f in files), "total": sum(f["total"] for f in files),
            "held": prepared["held"], "held_by_reason": prepared["held_by_reason"],
            "account_requests_open": AccountRequest.objects.filter(
                program=cycle.program_id, status=AccountRequest.Status.REQUESTED).count(),
            "banks": banks, "files": files}


def payable_cycles() -> list[Cycle]:
    """Approved or paying cycles of programs that pay families (PBI-JK pays the insurer)."""
    from bansos.targeting.rules import rules_parse

    cycles = Cycle.objects.filter(state__in=[Cycle.State.APPROVED, Cycle.State.PAYING]).select_related(
        "rule_version").order_by("pk")
    return [c for c in cycles if rules_parse(c.rule_version.body, source=c.rule_version.source).payee
            == "household"]


def payments_export(*, cycles: list[Cycle], out_dir: Path, by: str) -> dict:
    """Export the cycles and write `manifest.json` (counts and totals per cycle and bank, each
    file's sha256) beside the files; the manifest, like the files, is the same on a re-run."""
    out_dir = Path(out_dir)
    parts = [cycle_export(cycle=cycle, out_dir=out_dir, by=by) for cycle in cycles]
    banks: dict[str, dict[str, int]] = {}
    for part in parts:
        for bank, entry in part["banks"].items():
            total = banks.setdefault(bank, {"batches": 0, "payments": 0, "total": 0})
            for key in total:
                total[key] += entry[key]
    manifest = {"format": "pain.001.001.09", "payer": settings.BANSOS_PAYER_NAME,
                "payments": sum(p["payments"] for p in parts), "total": sum(p["total"] for p in parts),
                "banks": dict(sorted(banks.items())), "cycles": parts}
    path = out_dir / "manifest.json"
    partial = path.with_name("manifest.json.partial")
    partial.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return manifest
