"""The simulated bank's files: the ISO 20022 answers it writes (pain.002.001.12 status reports,
camt.054.001.08 notifications), its CSV files, and the small state it keeps in the outbox.

XML is written as text in chunks, like the ministry's pain.001 writer, so a million-payment
answer costs seconds; each file is written beside its name and renamed into place, so a crash
never leaves half a file under the real name. Element order follows the XSDs (the tests
validate every file against them with both lxml and xmlschema)."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

PAIN002 = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.12"
CAMT054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
CURRENCY = "IDR"
STATE = ".bank_sim"  # the bank's memory, inside its outbox
CREDITS_SCHEMA = pa.schema([
    ("message_id", pa.string()), ("bank", pa.string()), ("debtor_account", pa.string()),
    ("end_to_end_id", pa.string()), ("account", pa.string()), ("name", pa.string()),
    ("amount", pa.int64()), ("booked_on", pa.date32()),
])  # fmt: skip
RETURNS_SCHEMA = pa.schema([
    ("instruction", pa.string()), ("bank", pa.string()), ("debtor_account", pa.string()),
    ("message_id", pa.string()), ("end_to_end_id", pa.string()), ("account", pa.string()),
    ("amount", pa.int64()), ("returned_on", pa.date32()),
])  # fmt: skip
ACCOUNTS_SCHEMA = pa.schema([
    ("request", pa.string()), ("bank", pa.string()), ("nik", pa.string()), ("name", pa.string()),
    ("account", pa.string()), ("phone", pa.string()), ("program", pa.string()),
])  # fmt: skip
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def unit(seed: int, *parts: str) -> float:
    """A number in [0, 1) fixed by the seed and the parts: the bank's only source of chance."""
    digest = hashlib.sha256(":".join((str(seed), *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def safe_name(text: str) -> str:
    """A message id or file stem as a file-name part."""
    return _UNSAFE.sub("_", text).strip("._") or "_"


def message_id(prefix: str, original: str) -> str:
    """`<prefix>-<original>`, or a hash of the original when that passes 35 characters (Max35Text)."""
    text = f"{prefix}-{original}"
    if len(text) <= 35:
        return text
    return f"{prefix}-{hashlib.sha256(original.encode()).hexdigest()}"[:35]


def escaped(values: pa.Array | pa.ChunkedArray) -> list[str]:
    """XML-escaped text of a column, all at once (escaping row by row costs seconds at a
    million rows)."""
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        values = pc.replace_substring(values, raw, entity)
    return values.to_pylist()


def stamp(on: date) -> str:
    """The creation time of the bank's answers for a day: end of the business day, WIB."""
    return f"{on.isoformat()}T18:00:00+07:00"


def atomic_write(path: Path, chunks: Iterable[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        for chunk in chunks:
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    return path


def csv_write(path: Path, header: list[str], rows: Iterable[Iterable[object]]) -> Path:
    def chunks() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        for count, row in enumerate(rows, 1):
            writer.writerow(["" if value is None else value for value in row])
            if count % 50_000 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return atomic_write(path, chunks())


def _header_key(name: str) -> str:
    return re.sub(r"[\s._/\\-]+", "", name).upper()


def csv_rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows keyed by normalised header (`No. Rekening` → `NOREKENING`); the
    delimiter (`,` `;` tab `|`) is taken from the header line."""
    text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [_header_key(cell) for cell in next(reader, [])]
    return [dict(zip(header, (cell.strip() for cell in row), strict=False)) for row in reader
            if any(cell.strip() for cell in row)]


# --- state ----------------------------------------------------------------------------------


def state_dir(outbox: Path, part: str) -> Path:
    return outbox / STATE / part


def state_write(outbox: Path, part: str, name: str, table: pa.Table) -> None:
    path = state_dir(outbox, part) / f"{safe_name(name)}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    pq.write_table(table, partial)
    os.replace(partial, path)


def state_read(outbox: Path, part: str, schema: pa.Schema, *, except_name: str = "") -> pa.Table:
    """Everything the bank remembers of one kind, without the file of `except_name` (the one
    being answered again)."""
    skip = f"{safe_name(except_name)}.parquet" if except_name else ""
    files = sorted(p for p in state_dir(outbox, part).glob("*.parquet") if p.name != skip)
    tables = [pq.read_table(p, schema=schema) for p in files]
    return pa.concat_tables(tables) if tables else schema.empty_table()


# --- ISO 20022 ------------------------------------------------------------------------------


def status_report_chunks(*, head: dict, rows: Iterable[tuple[str, int, str, str | None]],
                         counts: dict[str, tuple[int, int]], group_status: str,
                         group_reason: str | None, on: date, chunk: int = 20_000) -> Iterator[str]:
    """pain.002.001.12 answering one pain.001: `head` holds message_id (ours), bank_name, bic,
    original (the pain.001 header); rows are (end_to_end_id, amount, status, reason), text
    already escaped."""
    original, created = head["original"], stamp(on)
    reason = f"<StsRsnInf><Rsn><Cd>{group_reason}</Cd></Rsn></StsRsnInf>" if group_reason else ""
    per_status = "".join(
        f"<NbOfTxsPerSts><DtldNbOfTxs>{n}</DtldNbOfTxs><DtldSts>{status}</DtldSts>"
        f"<DtldCtrlSum>{total}</DtldCtrlSum></NbOfTxsPerSts>" for status, (n, total) in counts.items())
    original_created = original["created_at"].isoformat() if original["created_at"] else None
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="{PAIN002}">\n<CstmrPmtStsRpt>\n'
        f"<GrpHdr><MsgId>{escape(head['message_id'])}</MsgId><CreDtTm>{created}</CreDtTm>"
        f"<InitgPty><Nm>{escape(head['bank_name'])}</Nm></InitgPty>"
        f"<DbtrAgt><FinInstnId><BICFI>{head['bic']}</BICFI></FinInstnId></DbtrAgt></GrpHdr>\n"
        f"<OrgnlGrpInfAndSts><OrgnlMsgId>{escape(original['message_id'])}</OrgnlMsgId>"
        f"<OrgnlMsgNmId>{original['message']}</OrgnlMsgNmId>"
        + (f"<OrgnlCreDtTm>{original_created}</OrgnlCreDtTm>" if original_created else "")
        + f"<OrgnlNbOfTxs>{original['count']}</OrgnlNbOfTxs><OrgnlCtrlSum>{original['total']}</OrgnlCtrlSum>"
        f"<GrpSts>{group_status}</GrpSts>{reason}{per_status}</OrgnlGrpInfAndSts>\n"
        f"<OrgnlPmtInfAndSts><OrgnlPmtInfId>{escape(original['payment_information_id'])}</OrgnlPmtInfId>"
        f"<OrgnlNbOfTxs>{original['count']}</OrgnlNbOfTxs><OrgnlCtrlSum>{original['total']}</OrgnlCtrlSum>"
        f"<PmtInfSts>{group_status}</PmtInfSts>{reason}\n")
    accepted = f"<AccptncDtTm>{created}</AccptncDtTm>"
    parts: list[str] = []
    for end_to_end, amount, status, code in rows:
        parts.append(
            f"<TxInfAndSts><OrgnlEndToEndId>{end_to_end}</OrgnlEndToEndId><TxSts>{status}</TxSts>"
            + (f"<StsRsnInf><Rsn><Cd>{code}</Cd></Rsn></StsRsnInf>" if code else accepted)
            + f'<OrgnlTxRef><Amt><InstdAmt Ccy="{CURRENCY}">{amount}</InstdAmt></Amt></OrgnlTxRef>'
            "</TxInfAndSts>\n")
        if len(parts) >= chunk:
            yield "".join(parts)
            parts = []
    yield "".join(parts) + "</OrgnlPmtInfAndSts>\n</CstmrPmtStsRpt>\n</Document>\n"


def _code(domain: str, family: str, sub_family: str) -> str:
    return (f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub_family}"
            "</SubFmlyCd></Fmly></Domn></BkTxCd>")


def _entry_head(*, reference: str, amount: int, indicator: str, on: date, sub_family: str) -> str:
    day = f"<Dt>{on.isoformat()}</Dt>"
    return (f"<Ntry><NtryRef>{escape(reference)}</NtryRef><Amt Ccy=\"{CURRENCY}\">{amount}</Amt>"
            f"<CdtDbtInd>{indicator}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt>{day}</BookgDt>"
            f"<ValDt>{day}</ValDt><AcctSvcrRef>{escape(reference)}</AcctSvcrRef>"
            + _code("PMNT", "ICDT", sub_family))


def batch_entry_chunks(*, reference: str, original: dict, rows: Iterable[tuple[str, int, str, str]],
                       count: int, total: int, on: date, chunk: int = 20_000) -> Iterator[str]:
    """One batch-booked debit of the escrow account for the credited payments of one pain.001;
    rows are (end_to_end_id, amount, creditor name, creditor account), text already escaped."""
    refs = (f"<MsgId>{escape(original['message_id'])}</MsgId>"
            f"<PmtInfId>{escape(original['payment_information_id'])}</PmtInfId>")
    yield (_entry_head(reference=reference, amount=total, indicator="DBIT", on=on, sub_family="DMCT")
           + f"<NtryDtls><Btch>{refs}<NbOfTxs>{count}</NbOfTxs><TtlAmt Ccy=\"{CURRENCY}\">{total}"
           "</TtlAmt><CdtDbtInd>DBIT</CdtDbtInd></Btch>\n")
    parts: list[str] = []
    for end_to_end, amount, name, account in rows:
        parts.append(
            f"<TxDtls><Refs>{refs}<EndToEndId>{end_to_end}</EndToEndId></Refs>"
            f"<Amt Ccy=\"{CURRENCY}\">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
            f"<RltdPties><Cdtr><Pty><Nm>{name}</Nm></Pty></Cdtr>"
            f"<CdtrAcct><Id><Othr><Id>{account}</Id></Othr></Id></CdtrAcct></RltdPties>"
            "</TxDtls>\n")
        if len(parts) >= chunk:
            yield "".join(parts)
            parts = []
    yield "".join(parts) + "</NtryDtls></Ntry>\n"


def return_entry(*, reference: str, message: str, end_to_end: str, amount: int, reason: str,
                 note: str, on: date) -> str:
    """One credit of the escrow account: a payment's funds returned, with the reason."""
    refs = f"<MsgId>{escape(message)}</MsgId>" if message else ""
    info = f"<AddtlInf>{escape(note[:105])}</AddtlInf>" if note else ""
    return (_entry_head(reference=reference, amount=amount, indicator="CRDT", on=on, sub_family="RRTN")
            + f"<NtryDtls><TxDtls><Refs>{refs}<EndToEndId>{escape(end_to_end)}</EndToEndId></Refs>"
            f"<Amt Ccy=\"{CURRENCY}\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
            f"<RtrInf><Rsn><Prtry>{reason}</Prtry></Rsn>{info}</RtrInf></TxDtls></NtryDtls></Ntry>\n")


def notification_chunks(*, message: str, on: date,
                        accounts: Iterable[tuple[str, Iterable[str]]]) -> Iterator[str]:
    """camt.054.001.08: one Ntfctn per (escrow account, its entries' text chunks)."""
    created = stamp(on)
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<Document xmlns="{CAMT054}">\n<BkToCstmrDbtCdtNtfctn>\n'
           f"<GrpHdr><MsgId>{escape(message)}</MsgId><CreDtTm>{created}</CreDtTm></GrpHdr>\n")
    for number, (account, entries) in enumerate(accounts, 1):
        notification = message if number == 1 else message_id(f"{number}", message)
        yield (f"<Ntfctn><Id>{escape(notification)}</Id><CreDtTm>{created}</CreDtTm>"
               f"<Acct><Id><Othr><Id>{escape(account)}</Id></Othr></Id><Ccy>{CURRENCY}</Ccy></Acct>\n")
        yield from entries
        yield "</Ntfctn>\n"
    yield "</BkToCstmrDbtCdtNtfctn>\n</Document>\n"
