"""Readers of the ISO 20022 files banks send back (pain.002 status reports, camt.054 debit and
credit notifications) and of pain.001 files (for the simulated bank).

Streaming: lxml's iterparse stops only at the few elements we need (one transaction at a time)
and each is cleared once read, so a file of a million transactions is read in seconds in
bounded memory. Elements are found by local name inside the document's own namespace, so every
version of a message (pain.002.001.03…15, camt.054.001.02…14) reads the same way; entities are
never resolved and nothing is fetched from the network (a bank file is untrusted input).

Errors are `ReportFormatError`, in Indonesian and English, naming the file, the line and the
element, never a value read from the file (it could be an account number)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

import pyarrow as pa
from lxml import etree

ISO_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:((pain\.002|camt\.054|pain\.001)\.\d{3}\.\d{2})$")
CURRENCY = "IDR"
ROW_SCHEMA = pa.schema([
    ("end_to_end_id", pa.string()), ("status", pa.string()), ("reason_code", pa.string()),
    ("amount", pa.int64()), ("booked_on", pa.date32()), ("original_message_id", pa.string()),
])  # fmt: skip
PAIN001_SCHEMA = pa.schema([
    ("end_to_end_id", pa.string()), ("amount", pa.int64()), ("creditor_name", pa.string()),
    ("creditor_account", pa.string()),
])  # fmt: skip


class ReportFormatError(ValueError):
    """A bank file that cannot be read: not XML, not a known message, or a bad value."""


@dataclass(frozen=True)
class BankFile:
    kind: str  # "pain.002" | "camt.054"
    message: str  # the full message id, e.g. "pain.002.001.12"
    message_id: str  # GrpHdr/MsgId
    created_at: datetime | None
    original_message_id: str  # pain.002: OrgnlGrpInfAndSts/OrgnlMsgId; camt.054: "" unless given
    group_status: str  # pain.002 GrpSts (ACCP, ACSC, PART, RJCT…) or ""
    group_reason: str
    original_count: int | None
    original_total: int | None  # rupiah
    skipped: int  # camt.054 entries not booked (Sts other than BOOK) or without transactions
    rows: pa.Table  # ROW_SCHEMA


class _Doc:
    """One file being read: its name for messages, its namespace for element names."""

    def __init__(self, path: Path, namespace: str) -> None:
        self.path, self.ns = path, namespace
        self.paths: dict[str, str] = {}

    def q(self, path: str) -> str:
        """`A/B` → `{ns}A/{ns}B`, for find() (memoised: called per transaction)."""
        if path not in self.paths:
            self.paths[path] = "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))
        return self.paths[path]

    def fail(self, element: etree._Element | None, name: str, indonesian: str, english: str
             ) -> NoReturn:
        line = element.sourceline if element is not None else "?"
        where = f"{self.path.name}, %s {line}, {name}"
        raise ReportFormatError(f"{where % 'baris'}: {indonesian} / {where % 'line'}: {english}")

    def text(self, element: etree._Element, path: str) -> str:
        found = element.find(self.q(path))
        return (found.text or "").strip() if found is not None else ""

    def rupiah(self, element: etree._Element, path: str) -> int | None:
        """The amount at `path` as whole rupiah, None when absent."""
        found = element.find(self.q(path))
        if found is None:
            return None
        value, currency = _whole(found.text), found.get("Ccy")
        if currency is not None and currency != CURRENCY:
            self.fail(found, f"{etree.QName(element).localname}/{path}", "mata uang bukan IDR",
                      "currency is not IDR")
        if value is None:
            self.fail(found, f"{etree.QName(element).localname}/{path}", "jumlah bukan rupiah bulat",
                      "amount is not a whole rupiah amount")
        return value

    def day(self, element: etree._Element, path: str, memo: dict[str, date]) -> date | None:
        """The date of an ISODate or ISODateTime at `path` (a choice `Dt`/`DtTm` is looked into)."""
        found = element.find(self.q(path))
        if found is not None and len(found):  # DateAndDateTime2Choice
            found = found[0]
        if found is None:
            return None
        text = (found.text or "").strip()
        if text not in memo:
            try:
                if len(text) != 10 and text[10:11] != "T":
                    raise ValueError(text)
                memo[text] = date.fromisoformat(text[:10])
            except ValueError:
                self.fail(found, f"{etree.QName(element).localname}/{path}", "tanggal tidak sah",
                          "invalid date")
        return memo[text]

    def moment(self, element: etree._Element, path: str) -> datetime | None:
        found = element.find(self.q(path))
        if found is None:
            return None
        try:
            return datetime.fromisoformat((found.text or "").strip())
        except ValueError:
            self.fail(found, path, "waktu tidak sah", "invalid date and time")

    def stream(self, *names: str) -> Iterator[etree._Element]:
        """The elements named, each at its end, cleared (with earlier siblings of its name)
        after the caller's loop body has run."""
        tags = [f"{{{self.ns}}}{name}" for name in names]
        try:
            for _, element in etree.iterparse(str(self.path), events=("end",), tag=tags,
                                              resolve_entities=False, no_network=True,
                                              huge_tree=True):
                yield element
                element.clear(keep_tail=False)
                parent, tag = element.getparent(), element.tag
                while (before := element.getprevious()) is not None and before.tag == tag:
                    parent.remove(before)
        except etree.XMLSyntaxError as error:
            raise _not_xml(self.path, error) from error


def _not_xml(path: Path, error: etree.XMLSyntaxError) -> ReportFormatError:
    line = error.lineno or "?"
    return ReportFormatError(f"{path.name}, baris {line}: bukan XML yang sah / "
                             f"{path.name}, line {line}: not well-formed XML")


def _whole(text: str | None) -> int | None:
    """Decimal text as an int when it is a whole number (`750000`, `750000.00`), else None."""
    whole, dot, fraction = (text or "").strip().partition(".")
    if not (whole.isascii() and whole.isdigit()) and not (dot and whole == "" and fraction):
        return None
    if dot and fraction and not (fraction.isascii() and fraction.isdigit() and fraction.strip("0") == ""):
        return None
    return int(whole or "0")


def _root(path: Path) -> tuple[str, int]:
    """(the ISO 20022 message of the root element's namespace or "", its line); reads only
    the first few kilobytes."""
    try:
        for _, element in etree.iterparse(str(path), events=("start",), resolve_entities=False,
                                          no_network=True, huge_tree=True):
            found = ISO_NAMESPACE.match(etree.QName(element).namespace or "")
            return (found.group(1) if found else ""), element.sourceline or 1
    except etree.XMLSyntaxError as error:
        raise _not_xml(path, error) from error
    return "", 1


def message_of(*, path: Path) -> str:
    """The ISO 20022 message of a file from its Document namespace (`pain.002.001.12`), or ""
    (raises ReportFormatError when the file is not XML)."""
    return _root(path)[0]


def _document(path: Path, kinds: tuple[str, ...]) -> tuple[_Doc, str]:
    message, line = _root(path)
    if message[:8] not in kinds:
        raise ReportFormatError(
            f"{path.name}, baris {line}, Document: jenis pesan tidak dikenal (harus "
            f"{' atau '.join(kinds)}) / {path.name}, line {line}, Document: unknown message type "
            f"(must be {' or '.join(kinds)})")
    return _Doc(path, f"urn:iso:std:iso:20022:tech:xsd:{message}"), message


def report_read(*, path: Path) -> BankFile:
    """A pain.002 status report or camt.054 notification as a BankFile (module docstring)."""
    doc, message = _document(path, ("pain.002", "camt.054"))
    reader = _pain002 if message.startswith("pain.002") else _camt054
    return reader(doc, message)


class _Rows:
    def __init__(self) -> None:
        self.columns: dict[str, list] = {field.name: [] for field in ROW_SCHEMA}

    def add(self, **values: object) -> None:
        for name, column in self.columns.items():
            column.append(values[name])

    def table(self) -> pa.Table:
        return pa.table({f.name: pa.array(self.columns[f.name], f.type) for f in ROW_SCHEMA},
                        schema=ROW_SCHEMA)


def _reason(doc: _Doc, element: etree._Element, path: str) -> str | None:
    """The code of a StsRsnInf/Rsn or RtrInf/Rsn choice (`Cd`, else `Prtry`)."""
    return doc.text(element, f"{path}/Cd") or doc.text(element, f"{path}/Prtry") or None


def _pain002(doc: _Doc, message: str) -> BankFile:
    head: dict = {"message_id": "", "created_at": None, "original_message_id": "",
                  "group_status": "", "group_reason": "", "original_count": None,
                  "original_total": None}
    rows, dates, block_status = _Rows(), {}, ""
    for element in doc.stream("GrpHdr", "OrgnlGrpInfAndSts", "PmtInfSts", "OrgnlPmtInfAndSts",
                              "TxInfAndSts"):
        name = etree.QName(element).localname
        if name == "TxInfAndSts":
            end_to_end = doc.text(element, "OrgnlEndToEndId")
            if not end_to_end:
                doc.fail(element, "TxInfAndSts/OrgnlEndToEndId", "tidak ada", "missing")
            status = doc.text(element, "TxSts") or block_status or head["group_status"]
            if not status:
                doc.fail(element, "TxInfAndSts/TxSts", "tidak ada status", "no status")
            amount = doc.rupiah(element, "OrgnlTxRef/Amt/InstdAmt")
            rows.add(end_to_end_id=end_to_end, status=status,
                     reason_code=_reason(doc, element, "StsRsnInf/Rsn"),
                     amount=amount if amount is not None else doc.rupiah(element, "OrgnlTxRef/IntrBkSttlmAmt"),
                     booked_on=doc.day(element, "AccptncDtTm", dates)
                     or doc.day(element, "FctvIntrBkSttlmDt", dates),
                     original_message_id=head["original_message_id"] or None)
        elif name == "PmtInfSts":
            block_status = (element.text or "").strip()
        elif name == "OrgnlPmtInfAndSts":
            block_status = ""
        elif name == "GrpHdr":
            head["message_id"] = doc.text(element, "MsgId")
            head["created_at"] = doc.moment(element, "CreDtTm")
        else:  # OrgnlGrpInfAndSts comes before the payment blocks
            count = doc.text(element, "OrgnlNbOfTxs")
            head.update(original_message_id=doc.text(element, "OrgnlMsgId"),
                        group_status=doc.text(element, "GrpSts"),
                        group_reason=_reason(doc, element, "StsRsnInf/Rsn") or "",
                        original_count=int(count) if count.isdigit() else None,
                        original_total=doc.rupiah(element, "OrgnlCtrlSum"))
    return BankFile(kind="pain.002", message=message, skipped=0, rows=rows.table(), **head)


@dataclass
class _Entry:
    """What a camt.054 entry says that its transactions need, read at its first transaction."""

    element: etree._Element
    booked: bool
    credit: bool
    booked_on: date | None
    batch_message: str
    transactions: int = 0
    first_row: int = -1
    first_amount_missing: bool = False


def _camt054(doc: _Doc, message: str) -> BankFile:
    rows, dates, skipped = _Rows(), {}, 0
    message_id, created_at, original = "", None, ""
    entry: _Entry | None = None
    for element in doc.stream("GrpHdr", "TxDtls", "Ntry"):
        name = etree.QName(element).localname
        if name == "GrpHdr":
            message_id, created_at = doc.text(element, "MsgId"), doc.moment(element, "CreDtTm")
            original = doc.text(element, "OrgnlBizQry/MsgId")
            continue
        if name == "Ntry":
            if entry is None or entry.element is not element:
                entry = _entry(doc, element, dates)
            if not entry.booked or entry.transactions == 0:
                skipped += 1
            elif entry.transactions == 1 and entry.first_amount_missing:
                rows.columns["amount"][entry.first_row] = doc.rupiah(element, "Amt")
            entry = None
            continue
        details = element.getparent()
        ntry = details.getparent() if details is not None else None
        if ntry is None:
            continue
        if entry is None or entry.element is not ntry:
            entry = _entry(doc, ntry, dates)
        entry.transactions += 1
        if not entry.booked:
            continue
        end_to_end = doc.text(element, "Refs/EndToEndId")
        if not end_to_end:
            doc.fail(element, "TxDtls/Refs/EndToEndId", "tidak ada", "missing")
        amount = doc.rupiah(element, "Amt")
        for path in ("AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
            amount = amount if amount is not None else doc.rupiah(element, path)
        if entry.transactions == 1:
            entry.first_row, entry.first_amount_missing = len(rows.columns["amount"]), amount is None
        returned = element.find(doc.q("RtrInf")) is not None
        indicator = doc.text(element, "CdtDbtInd")
        credit = indicator == "CRDT" if indicator else entry.credit
        # A credit back to the escrow account naming a payment is that payment coming back.
        rows.add(end_to_end_id=end_to_end, status="RETURNED" if returned or credit else "BOOKED",
                 reason_code=_reason(doc, element, "RtrInf/Rsn"), amount=amount,
                 booked_on=entry.booked_on,
                 original_message_id=(doc.text(element, "Refs/MsgId") or doc.text(element, "Refs/PmtInfId")
                                      or entry.batch_message or None))
    return BankFile(kind="camt.054", message=message, message_id=message_id, created_at=created_at,
                    original_message_id=original, group_status="", group_reason="",
                    original_count=None, original_total=None, skipped=skipped, rows=rows.table())


def _entry(doc: _Doc, ntry: etree._Element, dates: dict[str, date]) -> _Entry:
    status = doc.text(ntry, "Sts/Cd") or doc.text(ntry, "Sts/Prtry") or doc.text(ntry, "Sts")
    batch = ntry.find(doc.q("NtryDtls/Btch"))
    batch_message = ""
    if batch is not None:
        batch_message = doc.text(batch, "MsgId") or doc.text(batch, "PmtInfId")
    return _Entry(element=ntry, booked=status == "BOOK", credit=doc.text(ntry, "CdtDbtInd") == "CRDT",
                  booked_on=doc.day(ntry, "BookgDt", dates), batch_message=batch_message)


def pain001_read(*, path: Path) -> tuple[dict, pa.Table]:
    """A pain.001 file's header (message, message_id, created_at, count, total, debtor_account, bic,
    execution_date, payment_information_id, payment_blocks; from the first PmtInf) and its
    transactions (PAIN001_SCHEMA)."""
    doc, message = _document(path, ("pain.001",))
    head: dict = {"message": message, "message_id": "", "created_at": None, "count": None, "total": None,
                  "debtor_account": "", "bic": "", "execution_date": None,
                  "payment_information_id": "", "payment_blocks": 0}
    columns: dict[str, list] = {field.name: [] for field in PAIN001_SCHEMA}
    block = None
    for element in doc.stream("GrpHdr", "CdtTrfTxInf", "PmtInf"):
        name = etree.QName(element).localname
        if name == "GrpHdr":
            count = doc.text(element, "NbOfTxs")
            head.update(message_id=doc.text(element, "MsgId"), created_at=doc.moment(element, "CreDtTm"),
                        count=int(count) if count.isdigit() else None,
                        total=doc.rupiah(element, "CtrlSum"))
            continue
        parent = element if name == "PmtInf" else element.getparent()
        if parent is not block:  # a new payment block: its header precedes its transactions
            block = parent
            head["payment_blocks"] += 1
            if head["payment_blocks"] == 1:
                head.update(
                    payment_information_id=doc.text(block, "PmtInfId"),
                    debtor_account=doc.text(block, "DbtrAcct/Id/Othr/Id") or doc.text(block, "DbtrAcct/Id/IBAN"),
                    bic=doc.text(block, "DbtrAgt/FinInstnId/BICFI") or doc.text(block, "DbtrAgt/FinInstnId/BIC"),
                    execution_date=doc.day(block, "ReqdExctnDt", {}))
        if name == "PmtInf":
            continue
        end_to_end = doc.text(element, "PmtId/EndToEndId")
        if not end_to_end:
            doc.fail(element, "CdtTrfTxInf/PmtId/EndToEndId", "tidak ada", "missing")
        amount = doc.rupiah(element, "Amt/InstdAmt")
        if amount is None:
            doc.fail(element, "CdtTrfTxInf/Amt/InstdAmt", "tidak ada", "missing")
        columns["end_to_end_id"].append(end_to_end)
        columns["amount"].append(amount)
        columns["creditor_name"].append(doc.text(element, "Cdtr/Nm"))
        columns["creditor_account"].append(doc.text(element, "CdtrAcct/Id/Othr/Id")
                                           or doc.text(element, "CdtrAcct/Id/IBAN"))
    table = pa.table({f.name: pa.array(columns[f.name], f.type) for f in PAIN001_SCHEMA},
                     schema=PAIN001_SCHEMA)
    return head, table
