"""Readers of the ISO 20022 files banks send back (pain.002 status reports, camt.054 debit and
credit notifications) and of pain.001 files (for the simulated bank).

Streaming (see `iso_stream`): transactions are read a chunk at a time and checked column-wise,
so a file of a million transactions reads in seconds in bounded memory. Elements are matched
by local name inside the document's own namespace, so every version of a message
(pain.002.001.03…15, camt.054.001.02…14) reads the same way; entities are never resolved and
nothing is fetched from the network (a bank file is untrusted input).

Errors are `ReportFormatError`, in Indonesian and English, naming the file, the line and the
element, never a value read from the file (it could be an account number)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

import pyarrow as pa
import pyarrow.compute as pc
from lxml import etree

from bansos.payments.iso_stream import PARSE, Chunk, Shape, chunks

ISO_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:((pain\.002|camt\.054|pain\.001)\.\d{3}\.\d{2})$")
CURRENCY = "IDR"
WHOLE = r"^[0-9]+(\.0*)?$"  # a decimal amount that is whole rupiah
DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T.*)?$"  # an ISODate, or the date of an ISODateTime
ROW_SCHEMA = pa.schema([
    ("end_to_end_id", pa.string()), ("status", pa.string()), ("reason_code", pa.string()),
    ("amount", pa.int64()), ("booked_on", pa.date32()), ("original_message_id", pa.string()),
])  # fmt: skip
PAIN001_SCHEMA = pa.schema([
    ("end_to_end_id", pa.string()), ("amount", pa.int64()), ("creditor_name", pa.string()),
    ("creditor_account", pa.string()),
])  # fmt: skip
_NULL = pa.scalar(None, pa.string())


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


PAIN002 = Shape(
    name="pain.002", root="CstmrPmtStsRpt", container="OrgnlPmtInfAndSts", inner=".", record="TxInfAndSts",
    variables=(("block", "string(p:PmtInfSts)"),),
    fields=(("e2e", "p:OrgnlEndToEndId"), ("status", "p:TxSts"), ("block", "$block"),
            ("reason", "p:StsRsnInf[1]/p:Rsn/*[1]"), ("day", "p:AccptncDtTm"),
            ("amount", "p:OrgnlTxRef/p:Amt/p:InstdAmt"), ("ccy", "p:OrgnlTxRef/p:Amt/p:InstdAmt/@Ccy")),
    headers=("GrpHdr", "OrgnlGrpInfAndSts"))
CAMT054 = Shape(
    name="camt.054", root="BkToCstmrDbtCdtNtfctn", container="Ntry", inner="NtryDtls", record="TxDtls",
    # transactions of the entry, with those of earlier chunks when it spans chunks
    variables=(("total", "count(p:NtryDtls/p:TxDtls) + $carried * number(position() = 1)"),),
    entry=(("status", "normalize-space(p:Sts)"), ("total", "$total"), ("indicator", "p:CdtDbtInd"),
           ("amount", "p:Amt"), ("ccy", "p:Amt/@Ccy"), ("day", "p:BookgDt/*[1]"),
           ("single", "number($total = 1 and not($open = position()))"),
           ("batch", "concat(p:NtryDtls[1]/p:Btch/p:MsgId, '|', p:NtryDtls[1]/p:Btch/p:PmtInfId)")),
    fields=(("e2e", "p:Refs/p:EndToEndId"), ("message", "p:Refs/p:MsgId"), ("block", "p:Refs/p:PmtInfId"),
            ("amount", "p:Amt"), ("ccy", "p:Amt/@Ccy"),
            ("tx_amount", "p:AmtDtls/p:TxAmt/p:Amt", "not(p:Amt)"),
            ("tx_ccy", "p:AmtDtls/p:TxAmt/p:Amt/@Ccy", "not(p:Amt)"),
            ("instructed", "p:AmtDtls/p:InstdAmt/p:Amt", "not(p:Amt)"),
            ("instructed_ccy", "p:AmtDtls/p:InstdAmt/p:Amt/@Ccy", "not(p:Amt)"),
            ("indicator", "p:CdtDbtInd"), ("returned", "count(p:RtrInf)"), ("reason", "p:RtrInf/p:Rsn/*[1]")),
    headers=("GrpHdr",))
PAIN001 = Shape(
    name="pain.001", root="CstmrCdtTrfInitn", container="PmtInf", inner=".", record="CdtTrfTxInf",
    entry=(("id", "p:PmtInfId"), ("account", "concat(p:DbtrAcct/p:Id/p:Othr/p:Id, p:DbtrAcct/p:Id/p:IBAN)"),
           ("bic", "concat(p:DbtrAgt/p:FinInstnId/p:BICFI, p:DbtrAgt/p:FinInstnId/p:BIC)"),
           ("day", "concat(p:ReqdExctnDt/p:Dt, p:ReqdExctnDt/p:DtTm, p:ReqdExctnDt[not(*)])")),
    fields=(("e2e", "p:PmtId/p:EndToEndId"), ("amount", "p:Amt/p:InstdAmt"),
            ("ccy", "p:Amt/p:InstdAmt/@Ccy"), ("name", "p:Cdtr/p:Nm"),
            ("account", "concat(p:CdtrAcct/p:Id/p:Othr/p:Id, p:CdtrAcct/p:Id/p:IBAN)")),
    headers=("GrpHdr",))


class _Doc:
    """One file being read: its name for messages, its namespace for element names."""

    def __init__(self, path: Path, namespace: str) -> None:
        self.path, self.ns = path, namespace

    def fail(self, element: etree._Element | None, name: str, indonesian: str, english: str
             ) -> NoReturn:
        line = element.sourceline if element is not None else "?"
        where = f"{self.path.name}, %s {line}, {name}"
        raise ReportFormatError(f"{where % 'baris'}: {indonesian} / {where % 'line'}: {english}")

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        return element.find("/".join(f"{{{self.ns}}}{part}" for part in path.split("/")))

    def text(self, element: etree._Element, path: str) -> str:
        found = self.find(element, path)
        return (found.text or "").strip() if found is not None else ""

    def rupiah(self, element: etree._Element, path: str) -> int | None:
        """A header amount (CtrlSum, OrgnlCtrlSum) as whole rupiah, None when absent."""
        found = self.find(element, path)
        if found is None:
            return None
        text = (found.text or "").strip()
        if not re.match(WHOLE, text):
            self.fail(found, path, "jumlah bukan rupiah bulat", "amount is not a whole rupiah amount")
        return int(text.split(".")[0])

    def moment(self, element: etree._Element, path: str) -> datetime | None:
        found = self.find(element, path)
        if found is None:
            return None
        try:
            return datetime.fromisoformat((found.text or "").strip())
        except ValueError:
            self.fail(found, path, "waktu tidak sah", "invalid date and time")

    # --- column checks of a chunk of transactions ------------------------------------------

    def where(self, chunk: Chunk, mask: pa.ChunkedArray | pa.Array) -> int | None:
        """The chunk row (`_k`) of the first true value of `mask`, or None."""
        index = pc.index(pc.fill_null(mask, False), True).as_py()
        return None if index < 0 else chunk.rows["_k"][index].as_py()

    def fail_at(self, chunk: Chunk, k: int, record: str, path: str, indonesian: str, english: str
                ) -> NoReturn:
        element = chunk.locate(k)
        found = self.find(element, path) if path else None
        self.fail(found if found is not None else element, f"{record}/{path}" if path else record,
                  indonesian, english)

    def required(self, chunk: Chunk, column: str, record: str, path: str) -> None:
        k = self.where(chunk, pc.equal(chunk.rows[column], ""))
        if k is not None:
            self.fail_at(chunk, k, record, path, "tidak ada", "missing")

    def amounts(self, chunk: Chunk, values: pa.ChunkedArray, currencies: pa.ChunkedArray,
                record: str, path: str) -> pa.ChunkedArray:
        """Whole-rupiah amounts as int64 (null where empty)."""
        present = pc.not_equal(values, "")
        k = self.where(chunk, pc.and_(present, pc.invert(pc.match_substring_regex(values, WHOLE))))
        if k is not None:
            self.fail_at(chunk, k, record, path, "jumlah bukan rupiah bulat", "amount is not a whole rupiah amount")
        k = self.where(chunk, pc.and_(present, pc.and_(pc.not_equal(currencies, ""),
                                                       pc.not_equal(currencies, CURRENCY))))
        if k is not None:
            self.fail_at(chunk, k, record, path, "mata uang bukan IDR", "currency is not IDR")
        digits = pc.replace_substring_regex(values, r"\.0*$", "")
        k = self.where(chunk, pc.greater(pc.utf8_length(digits), 18))
        if k is not None:
            self.fail_at(chunk, k, record, path, "jumlah terlalu besar", "amount too large")
        return pc.cast(pc.if_else(present, digits, _NULL), pa.int64())

    def days(self, chunk: Chunk, values: pa.ChunkedArray, record: str, path: str) -> pa.Array:
        """ISODate / ISODateTime values as date32 (null where empty)."""
        present = pc.not_equal(values, "")
        k = self.where(chunk, pc.and_(present, pc.invert(pc.match_substring_regex(values, DAY))))
        prefixes = pc.utf8_slice_codeunits(values, 0, 10)
        parsed: dict[str, date] = {}
        for text in pc.unique(prefixes).to_pylist():
            try:
                parsed[text] = date.fromisoformat(text) if text else None
            except ValueError:
                k = self.where(chunk, pc.equal(prefixes, text)) if k is None else k
        if k is not None:
            self.fail_at(chunk, k, record, path, "tanggal tidak sah", "invalid date")
        known = pa.array(list(parsed), pa.string())
        return pa.array(list(parsed.values()), pa.date32()).take(pc.index_in(prefixes, value_set=known))


def _not_xml(path: Path, error: etree.XMLSyntaxError) -> ReportFormatError:
    line = error.lineno or "?"
    return ReportFormatError(f"{path.name}, baris {line}: bukan XML yang sah / "
                             f"{path.name}, line {line}: not well-formed XML")


def _root(path: Path) -> tuple[str, int]:
    """(the ISO 20022 message of the root element's namespace or "", its line); reads only
    the first few kilobytes."""
    try:
        for _, element in etree.iterparse(str(path), events=("start",), **PARSE):
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


def _empty_null(values: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(pc.equal(values, ""), _NULL, values)


def _table(parts: list[pa.Table], schema: pa.Schema) -> pa.Table:
    return pa.concat_tables(parts) if parts else schema.empty_table()


def _first_part(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """`MsgId|PmtInfId` → the first of them that is given."""
    parts = pc.split_pattern(values, "|")
    first, second = pc.list_element(parts, 0), pc.list_element(parts, 1)
    return pc.if_else(pc.equal(first, ""), second, first)


def report_read(*, path: Path) -> BankFile:
    """A pain.002 status report or camt.054 notification as a BankFile (module docstring)."""
    doc, message = _document(path, ("pain.002", "camt.054"))
    reader = _pain002 if message.startswith("pain.002") else _camt054
    return reader(doc, message)


def _pain002(doc: _Doc, message: str) -> BankFile:
    head: dict = {"message_id": "", "created_at": None, "original_message_id": "",
                  "group_status": "", "group_reason": "", "original_count": None,
                  "original_total": None}

    def on_element(name: str, element: etree._Element) -> None:
        if name == "GrpHdr":
            head.update(message_id=doc.text(element, "MsgId"), created_at=doc.moment(element, "CreDtTm"))
        elif name == "OrgnlGrpInfAndSts":  # comes before the payment blocks
            count = doc.text(element, "OrgnlNbOfTxs")
            head.update(original_message_id=doc.text(element, "OrgnlMsgId"),
                        group_status=doc.text(element, "GrpSts"),
                        group_reason=doc.text(element, "StsRsnInf/Rsn/Cd") or doc.text(element, "StsRsnInf/Rsn/Prtry"),
                        original_count=int(count) if count.isdigit() else None,
                        original_total=doc.rupiah(element, "OrgnlCtrlSum"))

    parts = []
    for chunk in chunks(path=doc.path, namespace=doc.ns, shape=PAIN002, on_element=on_element,
                        not_xml=lambda error: _not_xml(doc.path, error)):
        rows = chunk.rows
        doc.required(chunk, "e2e", "TxInfAndSts", "OrgnlEndToEndId")
        status = pc.coalesce(_empty_null(rows["status"]), _empty_null(rows["block"]),
                             pa.scalar(head["group_status"] or None, pa.string()))
        k = doc.where(chunk, pc.is_null(status))
        if k is not None:
            doc.fail_at(chunk, k, "TxInfAndSts", "", "tidak ada status (TxSts)", "no status (TxSts)")
        parts.append(pa.table({
            "end_to_end_id": rows["e2e"], "status": status, "reason_code": _empty_null(rows["reason"]),
            "amount": doc.amounts(chunk, rows["amount"], rows["ccy"], "TxInfAndSts", "OrgnlTxRef/Amt/InstdAmt"),
            "booked_on": doc.days(chunk, rows["day"], "TxInfAndSts", "AccptncDtTm"),
            "original_message_id": pa.array([head["original_message_id"] or None] * len(rows), pa.string()),
        }, schema=ROW_SCHEMA))
    return BankFile(kind="pain.002", message=message, skipped=0, rows=_table(parts, ROW_SCHEMA), **head)


def _camt054(doc: _Doc, message: str) -> BankFile:
    head: dict = {"message_id": "", "created_at": None, "original_message_id": ""}

    def on_element(name: str, element: etree._Element) -> None:
        if name == "GrpHdr":
            head.update(message_id=doc.text(element, "MsgId"), created_at=doc.moment(element, "CreDtTm"),
                        original_message_id=doc.text(element, "OrgnlBizQry/MsgId"))

    parts, skipped = [], 0
    for chunk in chunks(path=doc.path, namespace=doc.ns, shape=CAMT054, on_element=on_element,
                        not_xml=lambda error: _not_xml(doc.path, error)):
        entries = chunk.entries
        skipped += pc.sum(pc.or_(pc.not_equal(entries["status"], "BOOK"),
                                 pc.equal(entries["total"], "0"))).as_py() or 0
        entry = chunk.every_entry.take(chunk.rows["_e"])  # each transaction's entry
        booked = pc.equal(entry["status"], "BOOK")
        chunk.rows, entry = chunk.rows.filter(booked), entry.filter(booked)
        rows = chunk.rows
        doc.required(chunk, "e2e", "TxDtls", "Refs/EndToEndId")
        single = pc.equal(entry["single"], "1")
        amount, currency = rows["amount"], rows["ccy"]  # the first amount given, in this order
        for other, other_currency in ((rows["tx_amount"], rows["tx_ccy"]),
                                      (rows["instructed"], rows["instructed_ccy"]),
                                      (pc.if_else(single, entry["amount"], ""), entry["ccy"])):
            missing = pc.equal(amount, "")
            amount = pc.if_else(missing, other, amount)
            currency = pc.if_else(missing, other_currency, currency)
        indicator = pc.if_else(pc.equal(rows["indicator"], ""), entry["indicator"], rows["indicator"])
        # A credit back to the escrow account naming a payment is that payment coming back.
        returned = pc.or_(pc.not_equal(rows["returned"], "0"), pc.equal(indicator, "CRDT"))
        parts.append(pa.table({
            "end_to_end_id": rows["e2e"],
            "status": pc.if_else(returned, "RETURNED", "BOOKED"),
            "reason_code": _empty_null(rows["reason"]),
            "amount": doc.amounts(chunk, amount, currency, "TxDtls", "Amt"),
            "booked_on": doc.days(chunk, entry["day"], "Ntry", "BookgDt"),
            "original_message_id": pc.coalesce(_empty_null(rows["message"]), _empty_null(rows["block"]),
                                               _empty_null(_first_part(entry["batch"]))),
        }, schema=ROW_SCHEMA))
    return BankFile(kind="camt.054", message=message, group_status="", group_reason="",
                    original_count=None, original_total=None, skipped=skipped,
                    rows=_table(parts, ROW_SCHEMA), **head)


def _block_day(doc: _Doc, chunk: Chunk, text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        element = chunk.xpath("//p:PmtInf/p:ReqdExctnDt")[0]
        doc.fail(element, "PmtInf/ReqdExctnDt", "tanggal tidak sah", "invalid date")


def pain001_read(*, path: Path) -> tuple[dict, pa.Table]:
    """A pain.001 file's header (message, message_id, created_at, count, total, debtor_account,
    bic, execution_date, payment_information_id from the first PmtInf; payment_blocks) and its
    transactions (PAIN001_SCHEMA)."""
    doc, message = _document(path, ("pain.001",))
    head: dict = {"message": message, "message_id": "", "created_at": None, "count": None,
                  "total": None, "debtor_account": "", "bic": "", "execution_date": None,
                  "payment_information_id": "", "payment_blocks": 0}

    def on_element(name: str, element: etree._Element) -> None:
        count = doc.text(element, "NbOfTxs")  # GrpHdr
        head.update(message_id=doc.text(element, "MsgId"), created_at=doc.moment(element, "CreDtTm"),
                    count=int(count) if count.isdigit() else None, total=doc.rupiah(element, "CtrlSum"))

    parts = []
    for chunk in chunks(path=doc.path, namespace=doc.ns, shape=PAIN001, on_element=on_element,
                        not_xml=lambda error: _not_xml(doc.path, error)):
        head["payment_blocks"] += chunk.entries.num_rows
        if not head["payment_information_id"]:  # the first block's header, once it is whole
            block = chunk.entries.to_pylist()[:1] or ([chunk.open_entry] if chunk.rows.num_rows else [])
            if block:
                head.update(payment_information_id=block[0]["id"], debtor_account=block[0]["account"],
                            bic=block[0]["bic"], execution_date=_block_day(doc, chunk, block[0]["day"]))
        rows = chunk.rows
        doc.required(chunk, "e2e", "CdtTrfTxInf", "PmtId/EndToEndId")
        doc.required(chunk, "amount", "CdtTrfTxInf", "Amt/InstdAmt")
        parts.append(pa.table({
            "end_to_end_id": rows["e2e"],
            "amount": doc.amounts(chunk, rows["amount"], rows["ccy"], "CdtTrfTxInf", "Amt/InstdAmt"),
            "creditor_name": rows["name"], "creditor_account": rows["account"],
        }, schema=PAIN001_SCHEMA))
    return head, _table(parts, PAIN001_SCHEMA)
