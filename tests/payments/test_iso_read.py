"""The ISO 20022 readers: pain.002 and camt.054 of any version into one row schema, pain.001 for
the simulated bank; streaming in chunks that never change the result; errors that name file,
line and element in both languages and never an account number. No database."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest
from lxml import etree

from bansos.demo.bank_sim import NO_FAILURES, FailureRates, bank_answer
from bansos.payments import iso_stream
from bansos.payments.iso_read import (
    PAIN001_SCHEMA,
    ROW_SCHEMA,
    ReportFormatError,
    message_of,
    pain001_read,
    report_read,
)
from bansos.payments.pain001 import BatchHeader, pain001_write

ON = date(2025, 10, 3)
ESCROW = "000101000123456"
SCHEMAS = Path(etree.__file__).parent.parent  # site-packages


def payments(n: int, *, start: int = 0) -> pa.Table:
    return pa.table({
        "end_to_end_id": [f"BSS-000012-{i:010d}-01" for i in range(start, start + n)],
        "amount": pa.array([600_000 + 150_000 * (i % 4) for i in range(start, start + n)], pa.int64()),
        "creditor_name": [("SITI AMINAH & ANAK" if i % 5 == 0 else f"WARGA <{i}>") for i in range(start, start + n)],
        "creditor_account": [f"{888_000_000_000_000 + i:015d}" for i in range(start, start + n)],
    })


def pain001(path: Path, table: pa.Table, *, message_id: str = "BSS-000012-BRI-001") -> Path:
    header = BatchHeader(message_id=message_id, created_at=datetime(2025, 10, 1, 8, 0), execution_date=ON,
                         initiator="KEMENTERIAN SOSIAL RI", debtor_account=ESCROW, bank_bic="BRINIDJA",
                         remittance="BANSOS PKH 2025-Q4")
    pain001_write(path=path, header=header, payments=table)
    return path


@pytest.fixture
def answered(tmp_path):
    """A 600-payment pain.001 answered by the simulated bank, some payments rejected."""
    table = payments(600)
    source = pain001(tmp_path / "BSS-000012-BRI-001.xml", table)
    rates = FailureRates(closed=0.05, blocked=0.05, name_mismatch=0.02)
    summary = bank_answer(pain001=source, outbox=tmp_path / "bank", on=ON, seed=11, rates=rates)
    return table, summary


def test_status_report_round_trip_one_row_per_payment(answered):
    table, summary = answered
    report = report_read(path=Path(summary["status_report"]))
    assert report.kind == "pain.002" and report.message == "pain.002.001.12"
    assert report.rows.schema == ROW_SCHEMA
    assert report.message_id == "BRI-STS-BSS-000012-BRI-001"
    assert report.created_at == datetime.fromisoformat("2025-10-03T18:00:00+07:00")
    assert report.original_message_id == "BSS-000012-BRI-001"
    assert report.original_count == 600 and report.original_total == sum(table["amount"].to_pylist())
    assert report.group_status == "PART" and report.skipped == 0
    rows = report.rows.to_pylist()
    assert [r["end_to_end_id"] for r in rows] == table["end_to_end_id"].to_pylist()
    assert [r["amount"] for r in rows] == table["amount"].to_pylist()
    credited = [r for r in rows if r["status"] == "ACSC"]
    rejected = [r for r in rows if r["status"] == "RJCT"]
    assert len(credited) == summary["credited"] and len(rejected) == summary["rejected"] > 0
    assert sum(r["amount"] for r in credited) == summary["credited_total"]
    assert {r["reason_code"] for r in rejected} <= {"AC04", "AC06", "BE01"}
    assert all(r["reason_code"] is None and r["booked_on"] == ON for r in credited)
    assert all(r["booked_on"] is None for r in rejected)
    assert {r["original_message_id"] for r in rows} == {"BSS-000012-BRI-001"}


def test_notification_round_trip_books_the_credited_payments(answered):
    table, summary = answered
    status = report_read(path=Path(summary["status_report"])).rows
    notice = report_read(path=Path(summary["notification"]))
    assert notice.kind == "camt.054" and notice.message == "camt.054.001.08"
    assert notice.rows.schema == ROW_SCHEMA
    assert notice.group_status == "" and notice.original_count is None and notice.skipped == 0
    credited = [r for r in status.to_pylist() if r["status"] == "ACSC"]
    rows = notice.rows.to_pylist()
    assert [(r["end_to_end_id"], r["amount"]) for r in rows] == [(r["end_to_end_id"], r["amount"]) for r in credited]
    assert {(r["status"], r["reason_code"], r["booked_on"], r["original_message_id"]) for r in rows} == \
        {("BOOKED", None, ON, "BSS-000012-BRI-001")}


def test_pain001_read_gives_back_what_was_written(tmp_path):
    table = payments(250)
    head, read = pain001_read(path=pain001(tmp_path / "p.xml", table))
    assert read.schema == PAIN001_SCHEMA and read.equals(table)  # `&` and `<` unescaped again
    assert head == {"message": "pain.001.001.09", "message_id": "BSS-000012-BRI-001",
                    "created_at": datetime(2025, 10, 1, 8, 0), "count": 250,
                    "total": sum(table["amount"].to_pylist()), "debtor_account": ESCROW, "bic": "BRINIDJA",
                    "execution_date": ON, "payment_information_id": "BSS-000012-BRI-001", "payment_blocks": 1}


@pytest.mark.parametrize("payments_count, feed", [(40, 61), (40, 997), (600, 4096)])
def test_chunk_size_never_changes_the_result(tmp_path, monkeypatch, payments_count, feed):
    """Blocks cut anywhere (inside a name, a tag, an entry) read the same: what the parser is
    still inside waits for the next chunk."""
    table = payments(payments_count)
    source = pain001(tmp_path / "p.xml", table)
    summary = bank_answer(pain001=source, outbox=tmp_path / "bank", on=ON, seed=11,
                          rates=FailureRates(closed=0.2))
    files = [Path(summary["status_report"]), Path(summary["notification"]), HAND["c02.xml"](tmp_path),
             HAND["p03.xml"](tmp_path)]
    whole = [report_read(path=f) for f in files]
    head, read = pain001_read(path=source)
    monkeypatch.setattr(iso_stream, "FEED", feed)
    assert [report_read(path=f) for f in files] == whole
    assert pain001_read(path=source) == (head, read)


def test_many_entries_across_many_chunks(tmp_path, monkeypatch):
    """camt.054 with one entry per transaction, over several notifications and chunks."""
    entries = "".join(
        f'<Ntry><Amt Ccy="IDR">{1000 + i}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>{"BOOK" if i % 7 else "PDNG"}</Cd></Sts>'
        f"<BookgDt><Dt>2025-10-{1 + i % 28:02d}</Dt></BookgDt>"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"<NtryDtls><TxDtls><Refs><EndToEndId>E{i}</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>\n"
        for i in range(300))
    notification = '<Ntfctn><Id>N{}</Id><Acct><Id><Othr><Id>1</Id></Othr></Id></Acct>{}</Ntfctn>\n'
    path = tmp_path / "many.xml"
    path.write_text(f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>'
                    f"<GrpHdr><MsgId>M</MsgId><CreDtTm>2025-10-31T00:00:00</CreDtTm></GrpHdr>"
                    f"{notification.format(1, entries)}{notification.format(2, entries)}"
                    "</BkToCstmrDbtCdtNtfctn></Document>")
    whole = report_read(path=path)
    booked = [i for i in range(300) if i % 7]
    assert whole.rows["end_to_end_id"].to_pylist() == [f"E{i}" for i in booked] * 2
    assert whole.rows["amount"].to_pylist() == [1000 + i for i in booked] * 2  # single: the entry's
    assert whole.skipped == 2 * (300 - len(booked))
    monkeypatch.setattr(iso_stream, "FEED", 500)
    assert report_read(path=path) == whole


def _hand(name: str, text: str):
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path
    return write


PAIN002_V03 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
  <CstmrPmtStsRpt>
    <GrpHdr>
      <MsgId>BNI-STS-77</MsgId>
      <CreDtTm>2025-10-04T09:30:00</CreDtTm>
    </GrpHdr>
    <OrgnlGrpInfAndSts>
      <OrgnlMsgId>BSS-000012-BNI-001</OrgnlMsgId>
      <OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>
      <OrgnlNbOfTxs>3</OrgnlNbOfTxs>
      <OrgnlCtrlSum>1950000.00</OrgnlCtrlSum>
      <GrpSts>PART</GrpSts>
    </OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>BSS-000012-BNI-001</OrgnlPmtInfId>
      <PmtInfSts>ACCP</PmtInfSts>
      <TxInfAndSts>
        <OrgnlEndToEndId>
  BSS-000012-0000000001-01
</OrgnlEndToEndId>
        <TxSts>ACSC</TxSts>
        <AccptncDtTm>2025-10-04T09:00:00+07:00</AccptncDtTm>
        <OrgnlTxRef>
          <Amt><InstdAmt Ccy="IDR">750000.00</InstdAmt></Amt>
        </OrgnlTxRef>
      </TxInfAndSts>
      <TxInfAndSts>
        <OrgnlEndToEndId>BSS-000012-0000000002-01</OrgnlEndToEndId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf><Rsn><Prtry>REK-TUTUP</Prtry></Rsn></StsRsnInf>
        <OrgnlTxRef><Amt><InstdAmt Ccy="IDR">600000</InstdAmt></Amt></OrgnlTxRef>
      </TxInfAndSts>
      <TxInfAndSts>
        <OrgnlEndToEndId>BSS-000012-0000000003-01</OrgnlEndToEndId>
      </TxInfAndSts>
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>
"""

CAMT054_V02 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>MDR-NTF-9</MsgId><CreDtTm>2025-10-05T17:00:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>MDR-NTF-9-1</Id>
      <CreDtTm>2025-10-05T17:00:00</CreDtTm>
      <Acct><Id><Othr><Id>1230000099999</Id></Othr></Id></Acct>
      <Ntry>
        <Amt Ccy="IDR">750000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><DtTm>2025-10-05T10:11:12</DtTm></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls><Refs><EndToEndId>BSS-000012-0000000001-01</EndToEndId></Refs></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="IDR">1200000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2025-10-05</Dt></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <Btch><PmtInfId>BSS-000012-MANDIRI-001</PmtInfId><NbOfTxs>2</NbOfTxs></Btch>
          <TxDtls><Refs><EndToEndId>BSS-000012-0000000002-01</EndToEndId></Refs>
            <AmtDtls><TxAmt><Amt Ccy="IDR">600000</Amt></TxAmt></AmtDtls></TxDtls>
          <TxDtls><Refs><EndToEndId>BSS-000012-0000000003-01</EndToEndId></Refs>
            <AmtDtls><InstdAmt><Amt Ccy="IDR">600000.000</Amt></InstdAmt></AmtDtls></TxDtls>
        </NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="IDR">500000</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>PDNG</Sts>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls><Refs><EndToEndId>BSS-000012-0000000004-01</EndToEndId></Refs></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="IDR">2500</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2025-10-05</Dt></BookgDt>
        <BkTxCd><Prtry><Cd>BIAYA-ADM</Cd></Prtry></BkTxCd>
      </Ntry>
    </Ntfctn>
    <Ntfctn>
      <Id>MDR-NTF-9-2</Id>
      <CreDtTm>2026-01-21T17:00:00</CreDtTm>
      <Acct><Id><Othr><Id>1230000099999</Id></Othr></Id></Acct>
      <Ntry>
        <Amt Ccy="IDR">750000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-01-20</Dt></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls><Refs><MsgId>BSS-000012-MANDIRI-001</MsgId><EndToEndId>BSS-000012-0000000005-01</EndToEndId></Refs>
          <RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="IDR">300000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-01-21</Dt></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls><Refs><EndToEndId>BSS-000012-0000000006-01</EndToEndId></Refs></TxDtls></NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
"""
HAND = {"p03.xml": _hand("p03.xml", PAIN002_V03), "c02.xml": _hand("c02.xml", CAMT054_V02)}


@pytest.mark.parametrize("name, xsd", [("p03.xml", "pain001/pain002/schemas/pain.002.001.03.xsd"),
                                       ("c02.xml", "camt053/xsd/camt.054.001.02.xsd")])
def test_hand_written_old_versions_are_valid(tmp_path, name, xsd):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / xsd)))
    assert schema.validate(etree.parse(str(HAND[name](tmp_path)))), schema.error_log


def test_pain002_version_03_with_layout_whitespace_and_fallback_statuses(tmp_path):
    report = report_read(path=HAND["p03.xml"](tmp_path))
    assert (report.message, report.message_id, report.group_status) == ("pain.002.001.03", "BNI-STS-77", "PART")
    assert (report.original_count, report.original_total) == (3, 1_950_000)
    assert report.rows.to_pylist() == [
        {"end_to_end_id": "BSS-000012-0000000001-01", "status": "ACSC", "reason_code": None,
         "amount": 750_000, "booked_on": date(2025, 10, 4), "original_message_id": "BSS-000012-BNI-001"},
        {"end_to_end_id": "BSS-000012-0000000002-01", "status": "RJCT", "reason_code": "REK-TUTUP",
         "amount": 600_000, "booked_on": None, "original_message_id": "BSS-000012-BNI-001"},
        # no TxSts: the payment block's status
        {"end_to_end_id": "BSS-000012-0000000003-01", "status": "ACCP", "reason_code": None,
         "amount": None, "booked_on": None, "original_message_id": "BSS-000012-BNI-001"},
    ]


def test_camt054_version_02_entries_batches_returns_and_skips(tmp_path):
    report = report_read(path=HAND["c02.xml"](tmp_path))
    assert (report.kind, report.message, report.message_id) == ("camt.054", "camt.054.001.02", "MDR-NTF-9")
    assert report.skipped == 2  # the pending entry, and the fee entry without transactions
    assert [(r["end_to_end_id"][-5:], r["status"], r["reason_code"], r["amount"], r["booked_on"],
             r["original_message_id"]) for r in report.rows.to_pylist()] == [
        ("01-01", "BOOKED", None, 750_000, date(2025, 10, 5), None),  # the entry's amount, DtTm's day
        ("02-01", "BOOKED", None, 600_000, date(2025, 10, 5), "BSS-000012-MANDIRI-001"),  # AmtDtls, Btch
        ("03-01", "BOOKED", None, 600_000, date(2025, 10, 5), "BSS-000012-MANDIRI-001"),
        ("05-01", "RETURNED", "AC04", 750_000, date(2026, 1, 20), "BSS-000012-MANDIRI-001"),
        ("06-01", "RETURNED", None, 300_000, date(2026, 1, 21), None),  # a credit back: returned
    ]


def test_message_of_reads_the_namespace(tmp_path, answered):
    _, summary = answered
    assert message_of(path=Path(summary["status_report"])) == "pain.002.001.12"
    assert message_of(path=Path(summary["notification"])) == "camt.054.001.08"
    (tmp_path / "other.xml").write_text('<Document xmlns="urn:example:other"/>')
    assert message_of(path=tmp_path / "other.xml") == ""


# --- errors ---------------------------------------------------------------------------------


def _raises(path: Path) -> str:
    with pytest.raises(ReportFormatError) as caught:
        report_read(path=path)
    message = str(caught.value)
    indonesian, english = message.split(" / ")
    assert path.name in indonesian and path.name in english
    return message


def test_not_xml(tmp_path):
    (tmp_path / "a.xml").write_bytes(b"NO_REKENING;SALDO\n123;4\n")
    message = _raises(tmp_path / "a.xml")
    assert "baris 1" in message and "line 1" in message and "not well-formed XML" in message


def test_truncated_file_names_the_line(tmp_path, answered):
    _, summary = answered
    text = Path(summary["status_report"]).read_text().splitlines(keepends=True)
    (tmp_path / "cut.xml").write_text("".join(text[:40]))
    message = _raises(tmp_path / "cut.xml")
    assert "bukan XML yang sah" in message
    assert re.search(r"line 4[01]: not well-formed XML", message)


@pytest.mark.parametrize("namespace", ["urn:iso:std:iso:20022:tech:xsd:pain.001.001.09",
                                       "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08", ""])
def test_unknown_message_type(tmp_path, namespace):
    path = tmp_path / "x.xml"
    path.write_text(f'<?xml version="1.0"?>\n<Document xmlns="{namespace}"><X/></Document>')
    message = _raises(path)
    assert "baris 2, Document: jenis pesan tidak dikenal" in message
    assert "line 2, Document: unknown message type" in message


def _broken(tmp_path: Path, summary: dict, key: str, old: str, new: str, nth: int) -> tuple[Path, int]:
    """The answer file with the `nth` occurrence of `old` replaced; (path, its line)."""
    lines = Path(summary[key]).read_text().splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if old in line]
    at = hits[nth]
    lines[at] = lines[at].replace(old, new, 1)
    path = tmp_path / f"broken-{key}.xml"
    path.write_text("".join(lines))
    return path, at + 1


def test_missing_end_to_end_id_names_line_and_element_not_the_account(tmp_path, answered):
    _, summary = answered
    lines = Path(summary["notification"]).read_text().splitlines(keepends=True)
    at = [i for i, line in enumerate(lines) if "<TxDtls>" in line][300]
    account = re.search(r"<CdtrAcct><Id><Othr><Id>([0-9]+)<", lines[at]).group(1)
    lines[at] = re.sub(r"<EndToEndId>[^<]*</EndToEndId>", "", lines[at])
    path = tmp_path / "no-e2e.xml"
    path.write_text("".join(lines))
    message = _raises(path)
    assert f"no-e2e.xml, baris {at + 1}, TxDtls/Refs/EndToEndId: tidak ada / " in message
    assert f"no-e2e.xml, line {at + 1}, TxDtls/Refs/EndToEndId: missing" in message
    assert account not in message


def test_missing_original_end_to_end_id_in_a_status_report(tmp_path, answered):
    _, summary = answered
    path, line = _broken(tmp_path, summary, "status_report", "<OrgnlEndToEndId>BSS", "<OrgnlEndToEndId>", 17)
    text = path.read_text().splitlines()
    start = text[line - 1].index("<OrgnlEndToEndId>")
    end = text[line - 1].index("</OrgnlEndToEndId>") + len("</OrgnlEndToEndId>")
    text[line - 1] = text[line - 1][:start] + text[line - 1][end:]
    path.write_text("\n".join(text) + "\n")
    message = _raises(path)
    assert f"baris {line}, TxInfAndSts/OrgnlEndToEndId: tidak ada / " in message


@pytest.mark.parametrize("old, new, said", [
    ('Ccy="IDR">750000<', 'Ccy="IDR">750000.50<', "amount is not a whole rupiah amount"),
    ('Ccy="IDR">750000<', 'Ccy="IDR">7,5E5<', "amount is not a whole rupiah amount"),
    ('Ccy="IDR">750000<', 'Ccy="USD">750000<', "currency is not IDR"),
])
def test_bad_amount_names_line_and_element(tmp_path, answered, old, new, said):
    _, summary = answered
    path, line = _broken(tmp_path, summary, "status_report", old, new, 3)
    message = _raises(path)
    assert f"line {line}, TxInfAndSts/OrgnlTxRef/Amt/InstdAmt: {said}" in message
    assert f"baris {line}, TxInfAndSts/OrgnlTxRef/Amt/InstdAmt: " in message


def test_fractional_amount_in_a_notification(tmp_path, answered):
    _, summary = answered
    path, line = _broken(tmp_path, summary, "notification", 'Ccy="IDR">600000<', 'Ccy="IDR">600000.01<', 5)
    message = _raises(path)
    assert f"line {line}, TxDtls/Amt: amount is not a whole rupiah amount" in message
    assert "jumlah bukan rupiah bulat" in message


@pytest.mark.parametrize("bad", ["2025-02-30T18:00:00+07:00", "03-10-2025T18:00:00"])
def test_bad_date_names_line_and_element(tmp_path, answered, bad):
    _, summary = answered
    path, line = _broken(tmp_path, summary, "status_report", "<AccptncDtTm>2025-10-03T18:00:00+07:00",
                         f"<AccptncDtTm>{bad}", 9)
    message = _raises(path)
    assert f"baris {line}, TxInfAndSts/AccptncDtTm: tanggal tidak sah / " in message
    assert f"line {line}, TxInfAndSts/AccptncDtTm: invalid date" in message


def test_pain001_read_refuses_other_messages(tmp_path, answered):
    _, summary = answered
    with pytest.raises(ReportFormatError, match="must be pain.001"):
        pain001_read(path=Path(summary["status_report"]))


def test_entities_are_never_expanded(tmp_path):
    path = tmp_path / "lol.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.12"><CstmrPmtStsRpt>'
                    "<GrpHdr><MsgId>&b;</MsgId><CreDtTm>2025-10-03T00:00:00</CreDtTm></GrpHdr>"
                    "<OrgnlGrpInfAndSts><OrgnlMsgId>X</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>"
                    "</OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>")
    report = report_read(path=path)
    assert "aaaa" not in report.message_id and report.rows.num_rows == 0


def test_no_failures_answer_is_all_credited(tmp_path):
    source = pain001(tmp_path / "p.xml", payments(40))
    summary = bank_answer(pain001=source, outbox=tmp_path / "bank", on=ON, seed=1, rates=NO_FAILURES)
    report = report_read(path=Path(summary["status_report"]))
    assert report.group_status == "ACSC" and set(report.rows["status"].to_pylist()) == {"ACSC"}
