"""The demo's disbursement, as it would run over a few months between the ministry and the
simulated banks (which only ever see files):

1. accounts from the lists (PKH's KKS accounts), name-checked; pain.001 files per bank for every
   payable cycle, and collective account requests (burekol) for families without an account;
2. the banks answer (pain.002 + camt.054) and open the requested accounts; the answers are
   applied, and the new account lists come back through intake (placed by exact NIK);
3. a second export pays the families whose accounts were opened;
4. months later, the banks' activity lists show who withdrew; funds not withdrawn within
   3 months and 15 days are flagged and returned to the treasury;
5. every message is put in the family's inbox, and the first SMS_IN_DEMO of them are sent
   through a local SMS gateway (one HTTP request each, as real gateways take them); the rest
   wait in the outbox for `bansos notify send` with a gateway (`bansos sms_gateway`)."""

from __future__ import annotations

import secrets
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.test.utils import override_settings

from bansos.demo.bank_sim import accounts_open, activity_report, bank_answer, returns_answer
from bansos.demo.sms_gateway import gateway_start
from bansos.intake.services import list_import_run
from bansos.notify.send import notify_send
from bansos.payments.account_requests import account_requests_write
from bansos.payments.accounts import accounts_sync
from bansos.payments.activity import activity_apply
from bansos.payments.export import payable_cycles, payments_export
from bansos.payments.ledger import ledger_check
from bansos.payments.queries import cycle_payment_summary
from bansos.payments.reconcile import report_apply
from bansos.payments.returns import returns_flag

# The banks' activity lists arrive some months after the credits; the day funds lapse is
# 3 months and 15 days after them.
ACTIVITY_AFTER_DAYS = 80
LAPSE_CHECK_AFTER_DAYS = 110
SMS_IN_DEMO = 1_000
GATEWAY_USER, GATEWAY_SECRET = "demo", secrets.token_urlsafe(12)


def _answer_new(*, out: Path, bank: Path, on: date, seed: int, answered: set[str]) -> list[Path]:
    files = []
    for path in sorted(out.glob("BSS-*.xml")):
        if path.name in answered:
            continue
        result = bank_answer(pain001=path, outbox=bank, on=on, seed=seed)
        answered.add(path.name)
        files += [Path(result["status_report"]), Path(result["notification"])]
    return files


def _apply(files: list[Path]) -> None:
    for path in files:
        report_apply(path=path, by="bank-h2h")


def demo_payments(*, work_dir: Path, on: date, seed: int, area_code: str, progress=None) -> dict[str, Any]:
    ministry, bank = work_dir / "ke-bank", work_dir / "bank"
    # A fresh demo database starts with fresh bank folders: files of an earlier demo would
    # name batches this database never sent.
    shutil.rmtree(work_dir, ignore_errors=True)
    answered: set[str] = set()
    accounts = accounts_sync(by="demo")
    payments_export(cycles=payable_cycles(), out_dir=ministry, by="demo")
    requests = account_requests_write(out_dir=ministry, by="demo", day=on)
    _apply(_answer_new(out=ministry, bank=bank, on=on + timedelta(days=1), seed=seed, answered=answered))
    if progress:
        progress("penyaluran / payments", 1, 4)

    # The banks open the requested accounts; their lists come in like any other list.
    opened = 0
    for bank_code, item in requests["files"].items():
        answer = accounts_open(request=ministry / item["file"], outbox=bank, bank=bank_code, seed=seed)
        imported = list_import_run(path=answer, source_code="BANK", area_code=area_code, today=on)
        opened += imported.rows_staged
    if opened:
        accounts_sync(by="demo")
        payments_export(cycles=payable_cycles(), out_dir=ministry, by="demo")
        _apply(_answer_new(out=ministry, bank=bank, on=on + timedelta(days=8), seed=seed, answered=answered))
    if progress:
        progress("penyaluran / payments", 2, 4)

    # Months later: who withdrew, and what lapses.
    activity_day = on + timedelta(days=ACTIVITY_AFTER_DAYS)
    activity_apply(path=activity_report(outbox=bank, on=activity_day, seed=seed), by="bank-h2h")
    lapse_day = on + timedelta(days=LAPSE_CHECK_AFTER_DAYS)
    flagged = returns_flag(on=lapse_day, out_dir=ministry, by="demo")
    for item in flagged["files"].values():
        report_apply(path=returns_answer(instruction=ministry / item["file"], outbox=bank, on=lapse_day),
                     by="bank-h2h")
    if progress:
        progress("penyaluran / payments", 3, 4)

    record = work_dir / "sms-gateway.jsonl"
    url, stop = gateway_start(record=record, user=GATEWAY_USER, password=GATEWAY_SECRET)
    try:
        # The demo's own gateway for this run; a deployment sets BANSOS_SMS_* in its environment.
        with override_settings(BANSOS_SMS_URL=url, BANSOS_SMS_USER=GATEWAY_USER,
                               BANSOS_SMS_PASSWORD=GATEWAY_SECRET):
            sent = notify_send(limit=SMS_IN_DEMO)
    finally:
        stop()
    if progress:
        progress("penyaluran / payments", 4, 4)
    cycles = {}
    for cycle in payable_cycles():
        summary = cycle_payment_summary(cycle=cycle)
        cycles[cycle.program_id] = {state: summary["all"][state] for state in summary["all"]}
        cycles[cycle.program_id]["ledger_problems"] = ledger_check(cycle=cycle)
    return {"accounts": accounts, "account_requests": sum(i["requests"] for i in requests["files"].values()),
            "accounts_opened": opened, "payments": cycles, "lapsed": flagged["flagged"],
            "messages": sent, "sms_record": str(record), "files": str(ministry)}
