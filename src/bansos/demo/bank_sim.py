"""A simulated distributing bank: the other side of the ministry's host-to-host link, for the demo
and the tests. It reads and writes files only (it is the bank's side: it knows nothing of our
models), keeps what it must remember in a small state folder inside its outbox, and decides
everything from a seed, so a run can be repeated byte for byte.

- `bank_answer`: a pain.001 in; a pain.002.001.12 status report and a camt.054.001.08 debit
  notification of the escrow account out (`pain002-<MsgId>.xml`, `camt054-<MsgId>.xml`).
- `activity_report` (bank_sim_activity): the monthly account activity CSV.
- `returns_answer` (bank_sim_activity): funds pulled back on the ministry's instruction.
- `accounts_open` (bank_sim_accounts): collective account opening (burekol).
- `inbox_answer` (behind `bansos bank_simulate`): all of the above for an inbox, once per file.

State in `<outbox>/.bank_sim/`: `credits/<MsgId>.parquet` (what was credited to which account,
when), `returns/<stem>.parquet`, `accounts/<BANK>-<stem>.parquet` (accounts opened),
`answered.json` (inbox files answered, by sha256).

Outcomes: a file whose NbOfTxs or CtrlSum disagrees with its transactions is refused whole
(AM18, AM10). Per payment, with a book of accounts, an unknown account is AC01, a closed one
AC04, a dormant or blocked one AC06, a clearly different holder name BE01; an end-to-end id the
bank has already credited from another file, or twice in one file, is AM05 (a payment sent
twice is paid once). On top of that, failures at `rates`, drawn from sha256(seed, end-to-end
id): a retry, which carries a new end-to-end id, may succeed."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa

from bansos.demo.bank_sim_accounts import accounts_open, book_read, opened_book
from bansos.demo.bank_sim_activity import activity_report, returns_answer
from bansos.demo.bank_sim_files import (
    CREDITS_SCHEMA,
    STATE,
    atomic_write,
    batch_entry_chunks,
    csv_rows,
    escaped,
    message_id,
    notification_chunks,
    safe_name,
    state_read,
    state_write,
    status_report_chunks,
    unit,
)
from bansos.payments.banks import BANKS
from bansos.payments.iso_read import ReportFormatError, message_of, pain001_read, report_read

__all__ = ["DEFAULT_RATES", "NO_FAILURES", "FailureRates", "accounts_open", "activity_report",
           "bank_answer", "book_read", "inbox_answer", "names_differ", "returns_answer"]

Book = dict[str, tuple[str, str]]  # account number → (holder name, AKTIF/TUTUP/DORMAN/BLOKIR)


@dataclass(frozen=True)
class FailureRates:
    """Shares of payments failing at random (on top of what the book decides)."""

    closed: float = 0.008  # AC04 account closed
    blocked: float = 0.012  # AC06 dormant or blocked
    name_mismatch: float = 0.005  # BE01 holder name inconsistent with the creditor name
    wrong_account: float = 0.0  # AC01 incorrect account number
    not_allowed: float = 0.0  # AG01 transaction forbidden on this type of account

    def thresholds(self) -> list[tuple[float, str]]:
        bounds, total = [], 0.0
        for share, code in ((self.closed, "AC04"), (self.blocked, "AC06"),
                            (self.name_mismatch, "BE01"), (self.wrong_account, "AC01"),
                            (self.not_allowed, "AG01")):
            total += share
            bounds.append((total, code))
        return bounds


DEFAULT_RATES = FailureRates()
NO_FAILURES = FailureRates(closed=0.0, blocked=0.0, name_mismatch=0.0)
BOOK_REASONS = {"TUTUP": "AC04", "DORMAN": "AC06", "BLOKIR": "AC06"}


def bank_code(bic: str) -> str:
    for bank in BANKS.values():
        if bank.bic == bic[:8]:
            return bank.code
    return bic or "BANK"


def names_differ(*, held: list[str], given: list[str]) -> list[bool]:
    """Whether each account holder's name is clearly not the creditor name, after case,
    punctuation, titles and honorifics, and old spellings are set aside: no common word in half
    of the longer name and little else alike."""
    from difflib import SequenceMatcher

    from bansos.linkage.normalize import name_parts

    plain = [" ".join(a.upper().split()) != " ".join(b.upper().split()) for a, b in zip(held, given, strict=True)]
    rows = [i for i, differ in enumerate(plain) if differ]
    if not rows:
        return plain
    keys = name_parts(values=pa.array([held[i] for i in rows] + [given[i] for i in rows], pa.string()))
    keys = keys["name_key"].to_pylist()
    out = [False] * len(held)
    for k, row in enumerate(rows):
        a, b = keys[k] or "", keys[k + len(rows)] or ""
        words_a, words_b = set(a.split()), set(b.split())
        shared = len(words_a & words_b) / max(len(words_a), len(words_b), 1)
        out[row] = a != b and shared < 0.5 and SequenceMatcher(None, a, b).ratio() < 0.8
    return out


def _outcomes(*, ids: list[str], accounts: list[str], names: list[str], seed: int, book: Book | None,
              rates: FailureRates, credited_before: set[str]) -> list[str | None]:
    """The rejection reason of each payment, None when it is credited."""
    reasons: list[str | None] = [None] * len(ids)
    if book is not None:
        held = [book.get(account) for account in accounts]
        checked = [i for i, entry in enumerate(held) if entry is not None and entry[1] == "AKTIF"]
        differ = names_differ(held=[held[i][0] for i in checked], given=[names[i] for i in checked])
        for i, entry in enumerate(held):
            reasons[i] = "AC01" if entry is None else BOOK_REASONS.get(entry[1])
        for i, mismatch in zip(checked, differ, strict=True):
            reasons[i] = "BE01" if mismatch else None
    bounds, seen = rates.thresholds(), set()
    for i, end_to_end in enumerate(ids):
        if end_to_end in credited_before or end_to_end in seen:
            reasons[i] = "AM05"  # duplication: never credit one end-to-end id twice
        seen.add(end_to_end)
        if reasons[i] is None and bounds[-1][0] > 0:
            u = unit(seed, end_to_end)
            reasons[i] = next((code for bound, code in bounds if u < bound), None)
    return reasons


def _credits_remember(*, outbox: Path, head: dict, bank: str, credited: pa.Table, on: date) -> None:
    """What the bank credited from one file, kept in its state under the file's message id
    (answering the file again replaces it)."""
    n = credited.num_rows
    state_write(outbox, "credits", head["message_id"], pa.table({
        "message_id": pa.array([head["message_id"]] * n, pa.string()),
        "bank": pa.array([bank] * n, pa.string()),
        "debtor_account": pa.array([head["debtor_account"]] * n, pa.string()),
        "end_to_end_id": credited["end_to_end_id"], "account": credited["creditor_account"],
        "name": credited["creditor_name"], "amount": credited["amount"],
        "booked_on": pa.array([on] * n, pa.date32()),
    }, schema=CREDITS_SCHEMA))


def bank_answer(*, pain001: Path, outbox: Path, on: date, seed: int, book: Book | None = None,
                rates: FailureRates = DEFAULT_RATES) -> dict:
    """Answer one pain.001 (module docstring); returns a summary with counts per status and
    reason, totals and the two files' paths."""
    head, payments = pain001_read(path=pain001)
    if head["payment_blocks"] != 1:
        raise ValueError(f"{pain001.name}: bank simulasi hanya menjawab satu PmtInf / the simulated "
                         f"bank answers files with exactly one PmtInf")
    bank = bank_code(head["bic"])
    original_id = head["message_id"]
    ids = payments["end_to_end_id"].to_pylist()
    amounts = payments["amount"].to_pylist()
    names = payments["creditor_name"].to_pylist()
    accounts = payments["creditor_account"].to_pylist()
    credited = state_read(outbox, "credits", CREDITS_SCHEMA, except_name=original_id)
    # A file whose header disagrees with its transactions is refused whole, as banks do.
    group_reason = ("AM18" if head["count"] != len(ids) else
                    "AM10" if head["total"] != sum(amounts) else None)
    if group_reason:
        reasons: list[str | None] = [group_reason] * len(ids)
    else:
        reasons = _outcomes(ids=ids, accounts=accounts, names=names, seed=seed, book=book,
                            rates=rates, credited_before=set(credited["end_to_end_id"].to_pylist()))
    accepted = [i for i, reason in enumerate(reasons) if reason is None]
    accepted_total = sum(amounts[i] for i in accepted)
    rejected_total = sum(amounts) - accepted_total
    group_status = ("ACSC" if len(accepted) == len(ids) else "RJCT" if not accepted else "PART")
    counts = {status: value for status, value in (
        ("ACSC", (len(accepted), accepted_total)),
        ("RJCT", (len(ids) - len(accepted), rejected_total))) if value[0]}
    bank_name = BANKS[bank].name if bank in BANKS else bank
    original = {**head, "count": head["count"] or 0, "total": head["total"] or 0}
    ids_xml, names_xml, accounts_xml = (escaped(payments[c]) for c in ("end_to_end_id", "creditor_name",
                                                                        "creditor_account"))
    status_path = outbox / f"pain002-{safe_name(original_id)}.xml"
    atomic_write(status_path, status_report_chunks(
        head={"message_id": message_id(f"{bank}-STS", original_id), "bank_name": bank_name,
              "bic": head["bic"], "original": original},
        rows=((ids_xml[i], amounts[i], "RJCT" if reasons[i] else "ACSC", reasons[i]) for i in range(len(ids))),
        counts=counts, group_status=group_status, group_reason=group_reason, on=on))
    notice_id = message_id(f"{bank}-NTF", original_id)
    entries = batch_entry_chunks(reference=notice_id, original=original, count=len(accepted),
                                 total=accepted_total, on=on,
                                 rows=((ids_xml[i], amounts[i], names_xml[i], accounts_xml[i]) for i in accepted))
    notice_path = outbox / f"camt054-{safe_name(original_id)}.xml"
    atomic_write(notice_path, notification_chunks(
        message=notice_id, on=on, accounts=[(head["debtor_account"], entries if accepted else [])]))
    _credits_remember(outbox=outbox, head=head, bank=bank, credited=payments.take(pa.array(accepted, pa.int64())), on=on)
    return {"bank": bank, "message_id": original_id, "transactions": len(ids), "total": sum(amounts),
            "group_status": group_status, "group_reason": group_reason or "",
            "credited": len(accepted), "credited_total": accepted_total,
            "rejected": len(ids) - len(accepted), "rejected_total": rejected_total,
            "reasons": dict(sorted(Counter(r for r in reasons if r).items())),
            "status_report": str(status_path), "notification": str(notice_path)}


def inbox_answer(*, inbox: Path, outbox: Path, on: date, seed: int, book_path: Path | None = None,
                 rates: FailureRates = DEFAULT_RATES) -> dict:
    """Answer everything in `inbox` not answered before (the outbox remembers files by their
    sha256): account requests (`burekol-*.csv`, one answer per bank named in them) first, so
    their accounts are in the book; then pain.001 files (`*.xml` in the pain.001 namespace);
    then return instructions (`return-*.csv`); then write the activity report of `on`. The
    book is `book_path` (bank.toml format) plus the accounts opened here; without `book_path`
    there is no book and every account exists."""
    answered_path = outbox / STATE / "answered.json"
    answered: dict = json.loads(answered_path.read_text()) if answered_path.exists() else {}
    files = sorted(p for p in inbox.iterdir() if p.is_file()) if inbox.is_dir() else []
    summary: dict = {"accounts": [], "payments": [], "returns": [], "ignored": [], "errors": [],
                     "already_answered": 0}

    def fresh(path: Path, kind: str) -> bool:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in answered:
            summary["already_answered"] += 1
            return False
        answered[digest] = {"file": path.name, "kind": kind, "answered_on": on.isoformat()}
        return True

    def remember() -> None:
        atomic_write(answered_path, [json.dumps(answered, indent=1, sort_keys=True)])

    def named(prefix: str, path: Path) -> bool:
        return path.name.lower().startswith(prefix) and path.suffix.lower() == ".csv"

    for path in (p for p in files if named("burekol-", p)):
        if fresh(path, "burekol"):
            # the banks named in the rows, else the one in the name (`burekol-<BANK>-...`)
            named_bank = path.stem.split("-")[1].upper() if path.stem.count("-") else ""
            banks = sorted({row.get("BANK", "").upper() or named_bank for row in csv_rows(path)} & set(BANKS))
            for bank in banks:
                opened = accounts_open(request=path, outbox=outbox, bank=bank, seed=seed)
                summary["accounts"].append({"request": path.name, "bank": bank, "answer": str(opened),
                                            "opened": len(csv_rows(opened))})
            remember()
    book = {**book_read(path=book_path), **opened_book(outbox=outbox)} if book_path else None
    for path in (p for p in files if p.suffix.lower() == ".xml"):
        try:  # a broken file is reported, and looked at again next time (it may be replaced)
            if not message_of(path=path).startswith("pain.001"):
                summary["ignored"].append(path.name)
            elif fresh(path, "pain.001"):
                summary["payments"].append(bank_answer(pain001=path, outbox=outbox, on=on, seed=seed,
                                                       book=book, rates=rates))
                remember()
        except ReportFormatError as error:
            answered.pop(hashlib.sha256(path.read_bytes()).hexdigest(), None)
            summary["errors"].append(str(error))
    for path in (p for p in files if named("return-", p)):
        if fresh(path, "return"):
            notice = returns_answer(instruction=path, outbox=outbox, on=on, seed=seed)
            summary["returns"].append({"instruction": path.name, "notification": str(notice),
                                       "returned": report_read(path=notice).rows.num_rows,
                                       "refused": len(csv_rows(outbox / f"ditolak-{safe_name(path.stem)}.csv"))})
            remember()
    summary["activity"] = str(activity_report(outbox=outbox, on=on, seed=seed, book=book))
    return summary
