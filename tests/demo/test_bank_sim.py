"""The simulated bank: answers valid against the official schemas (both validators), decided by
the seed, the book and the rates; activity that adds up; returns; account opening in the
intake's bank format; the command answers each inbox file once. No database."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from django.core.management import call_command
from stdnum import luhn

from bansos.demo.bank_sim import (
    NO_FAILURES,
    FailureRates,
    accounts_open,
    activity_report,
    bank_answer,
    names_differ,
    returns_answer,
)
from bansos.demo.bank_sim_activity import ACTIVITY_COLUMNS
from bansos.intake.mapping import mapping_apply, mapping_parse, mapping_resolve, mapping_shipped
from bansos.intake.read import file_batches, file_sniff
from bansos.payments.iso_read import report_read
from bansos.payments.pain001 import BatchHeader, pain001_write
from bansos.payments.xsd import xml_errors

ON = date(2025, 10, 3)
ESCROW = "000101000123456"


def payments(n: int, *, start: int = 0, attempt: int = 1, account_of=None) -> pa.Table:
    ids = range(start, start + n)
    return pa.table({
        "end_to_end_id": [f"BSS-000012-{i:010d}-{attempt:02d}" for i in ids],
        "amount": pa.array([600_000 + 150_000 * (i % 4) for i in ids], pa.int64()),
        "creditor_name": [f"WARGA {i} & ANAK" for i in ids],
        "creditor_account": [account_of(i) if account_of else f"{777_000_000_000_000 + i:015d}" for i in ids],
    })


def pain001(path: Path, table: pa.Table, *, message_id: str | None = None) -> Path:
    header = BatchHeader(message_id=message_id or path.stem, created_at=datetime(2025, 10, 1, 8, 0),
                         execution_date=ON, initiator="KEMENTERIAN SOSIAL RI", debtor_account=ESCROW,
                         bank_bic="BRINIDJA", remittance="BANSOS PKH 2025-Q4")
    path.parent.mkdir(parents=True, exist_ok=True)
    pain001_write(path=path, header=header, payments=table)
    return path


def statuses(summary: dict) -> dict[str, tuple[str, str | None]]:
    rows = report_read(path=Path(summary["status_report"])).rows.to_pylist()
    return {r["end_to_end_id"]: (r["status"], r["reason_code"]) for r in rows}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- the ISO 20022 answers ------------------------------------------------------------------


def test_every_answer_is_valid_with_both_validators(tmp_path):
    source = pain001(tmp_path / "in" / "BSS-000012-BRI-001.xml", payments(6))
    bank = tmp_path / "bank"
    summary = bank_answer(pain001=source, outbox=bank, on=ON, seed=3, rates=FailureRates(closed=0.4))
    assert 0 < summary["rejected"] < 6
    nothing = bank_answer(pain001=pain001(tmp_path / "in" / "BSS-000012-BRI-002.xml", payments(2, start=50)),
                          outbox=bank, on=ON, seed=3, book={})  # no account known: nothing booked
    assert nothing["credited"] == 0 and nothing["group_status"] == "RJCT"
    credited = [e for e, (s, _) in statuses(summary).items() if s == "ACSC"]
    instruction = tmp_path / "return-BRI-2026-01-21.csv"
    instruction.write_text("END_TO_END_ID,NO_REKENING,JUMLAH,ALASAN\n" + "".join(
        f"{e},{777_000_000_000_000 + int(e[11:21]):015d},{600_000 + 150_000 * (int(e[11:21]) % 4)},LEWAT 3 BULAN 15 HARI\n"
        for e in credited[:2]))
    returned = returns_answer(instruction=instruction, outbox=bank, on=ON + timedelta(days=110))
    files = [(summary["status_report"], "pain.002.001.12"), (summary["notification"], "camt.054.001.08"),
             (nothing["status_report"], "pain.002.001.12"), (nothing["notification"], "camt.054.001.08"),
             (returned, "camt.054.001.08")]
    for path, message in files:
        for engine in ("lxml", "xmlschema"):
            assert xml_errors(path=Path(path), message=message, engine=engine) == [], (path, engine)
    assert report_read(path=returned).rows.num_rows == 2


def test_a_larger_answer_is_valid(tmp_path):
    source = pain001(tmp_path / "BSS-000012-BRI-001.xml", payments(3000))
    summary = bank_answer(pain001=source, outbox=tmp_path / "bank", on=ON, seed=5)
    assert summary["transactions"] == 3000 and summary["rejected"] > 0
    assert set(summary["reasons"]) <= {"AC04", "AC06", "BE01"}
    assert xml_errors(path=Path(summary["status_report"]), message="pain.002.001.12") == []
    assert xml_errors(path=Path(summary["notification"]), message="camt.054.001.08") == []
    assert Path(summary["status_report"]).name == "pain002-BSS-000012-BRI-001.xml"
    assert Path(summary["notification"]).name == "camt054-BSS-000012-BRI-001.xml"
    assert not list((tmp_path / "bank").glob("*.partial"))


def test_same_seed_same_bytes_and_answering_twice_rewrites_the_same_files(tmp_path):
    source = pain001(tmp_path / "BSS-000012-BRI-001.xml", payments(800))
    answers = [bank_answer(pain001=source, outbox=tmp_path / name, on=ON, seed=9) for name in ("a", "b", "a")]
    for key in ("status_report", "notification"):
        contents = {Path(a[key]).read_bytes() for a in answers}
        assert len(contents) == 1
    other = bank_answer(pain001=source, outbox=tmp_path / "c", on=ON, seed=10)
    assert statuses(other) != statuses(answers[0])


def test_outcome_follows_the_end_to_end_id_so_a_retry_may_succeed(tmp_path):
    rates = FailureRates(closed=0.3, blocked=0.2)
    first = statuses(bank_answer(pain001=pain001(tmp_path / "a.xml", payments(200)), outbox=tmp_path / "bank",
                                 on=ON, seed=4, rates=rates))
    # the same payments in another file, in another order, give the same outcomes
    shuffled = payments(200).take(list(range(199, -1, -1)))
    again = statuses(bank_answer(pain001=pain001(tmp_path / "b.xml", shuffled), outbox=tmp_path / "other",
                                 on=ON, seed=4, rates=rates))
    assert again == first
    failed = sorted(e for e, (s, _) in first.items() if s == "RJCT")
    retry = payments(200, attempt=2).filter(pa.array([f"{e[:-2]}01" in failed for e in
                                                      payments(200, attempt=2)["end_to_end_id"].to_pylist()]))
    retried = statuses(bank_answer(pain001=pain001(tmp_path / "c.xml", retry), outbox=tmp_path / "bank",
                                   on=ON, seed=4, rates=rates))
    succeeded = sum(s == "ACSC" for s, _ in retried.values())
    assert len(retried) == len(failed) > 50 and 0.3 * len(failed) < succeeded < 0.7 * len(failed)


def test_the_book_decides_unknown_closed_blocked_and_other_names(tmp_path):
    names = {0: ("SITI AMINAH", "AKTIF", "SITI AMINAH"),
             1: ("SITI AMINAH", "AKTIF", "Hj. Siti Aminah, S.Pd."),  # titles, case, punctuation
             2: ("SITI AMINAH", "AKTIF", "SITI AMINA"),  # a spelling
             3: ("BPK. SUTRISNO", "AKTIF", "SUTRISNO BIN AHMAD"),
             4: ("BUDI SANTOSO", "AKTIF", "SITI AMINAH"),  # someone else
             5: ("I WAYAN SUDARSANA", "TUTUP", "I WAYAN SUDARSANA"),
             6: ("SLAMET", "DORMAN", "SLAMET"),
             7: ("SLAMET", "BLOKIR", "SLAMET"),
             8: None}  # not in the book
    table = payments(9)
    table = table.set_column(2, "creditor_name", pa.array([(v or ("", "", "X"))[2] for v in names.values()]))
    book = {f"{777_000_000_000_000 + i:015d}": v[:2] for i, v in names.items() if v}
    summary = bank_answer(pain001=pain001(tmp_path / "BSS-000012-BRI-001.xml", table), outbox=tmp_path / "bank",
                          on=ON, seed=1, book=book, rates=NO_FAILURES)
    got = [statuses(summary)[e] for e in table["end_to_end_id"].to_pylist()]
    assert got == [("ACSC", None)] * 4 + [("RJCT", "BE01"), ("RJCT", "AC04"), ("RJCT", "AC06"),
                                          ("RJCT", "AC06"), ("RJCT", "AC01")]
    assert summary["reasons"] == {"AC01": 1, "AC04": 1, "AC06": 2, "BE01": 1}


def test_names_differ_only_when_clearly_different():
    held = ["SITI AMINAH", "MUHAMMAD YUSUF", "DJOKO SOESANTO", "AHMAD", "SITI AMINAH"]
    given = ["siti aminah", "M. YUSUF", "JOKO SUSANTO", "BAMBANG", "NUR HIDAYATI"]
    assert names_differ(held=held, given=given) == [False, False, False, True, True]


def test_an_end_to_end_id_is_credited_once(tmp_path):
    bank = tmp_path / "bank"
    first = bank_answer(pain001=pain001(tmp_path / "BSS-1.xml", payments(5)), outbox=bank, on=ON, seed=1,
                        rates=NO_FAILURES)
    again = bank_answer(pain001=pain001(tmp_path / "BSS-1.xml", payments(5)), outbox=bank, on=ON, seed=1,
                        rates=NO_FAILURES)
    assert again == first  # answering the same file again is no duplicate
    doubled = pa.concat_tables([payments(1, start=4), payments(2, start=5), payments(1, start=6)])
    second = bank_answer(pain001=pain001(tmp_path / "BSS-2.xml", doubled), outbox=bank, on=ON, seed=1,
                         rates=NO_FAILURES)
    assert second["reasons"] == {"AM05": 2} and second["credited"] == 2
    rows = report_read(path=Path(second["status_report"])).rows.to_pylist()
    assert [(r["end_to_end_id"][-13:], r["status"], r["reason_code"]) for r in rows] == [
        ("0000000004-01", "RJCT", "AM05"), ("0000000005-01", "ACSC", None), ("0000000006-01", "ACSC", None),
        ("0000000006-01", "RJCT", "AM05")]


@pytest.mark.parametrize("old, new, reason", [
    ("<NbOfTxs>4</NbOfTxs><CtrlSum>", "<NbOfTxs>5</NbOfTxs><CtrlSum>", "AM18"),
    ("<CtrlSum>3300000</CtrlSum><InitgPty>", "<CtrlSum>3300001</CtrlSum><InitgPty>", "AM10")])
def test_a_file_whose_header_disagrees_is_refused_whole(tmp_path, old, new, reason):
    path = pain001(tmp_path / "BSS-3.xml", payments(4))
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    summary = bank_answer(pain001=path, outbox=tmp_path / "bank", on=ON, seed=1, rates=NO_FAILURES)
    report = report_read(path=Path(summary["status_report"]))
    assert (report.group_status, report.group_reason) == ("RJCT", reason)
    assert {(r["status"], r["reason_code"]) for r in report.rows.to_pylist()} == {("RJCT", reason)}
    assert report_read(path=Path(summary["notification"])).rows.num_rows == 0


# --- account activity -----------------------------------------------------------------------


def _two_answers(tmp_path: Path, n: int = 3000) -> tuple[Path, list[dict]]:
    bank = tmp_path / "bank"
    account_of = lambda i: f"{777_000_000_000_000 + i % n:015d}"  # noqa: E731 - the second file pays again
    answers = [bank_answer(pain001=pain001(tmp_path / "BSS-1.xml", payments(n, account_of=account_of)),
                           outbox=bank, on=ON, seed=2),
               bank_answer(pain001=pain001(tmp_path / "BSS-2.xml", payments(n // 3, start=n, account_of=account_of)),
                           outbox=bank, on=ON + timedelta(days=90), seed=2)]
    return bank, answers


def test_activity_adds_up_and_never_looks_ahead(tmp_path):
    bank, answers = _two_answers(tmp_path)
    booked: dict[str, list[tuple[int, date]]] = {}
    for answer in answers:
        for row in report_read(path=Path(answer["notification"])).rows.to_pylist():
            i = int(row["end_to_end_id"][11:21]) % 3000
            booked.setdefault(f"{777_000_000_000_000 + i:015d}", []).append((row["amount"], row["booked_on"]))
    for on in (ON + timedelta(days=20), ON + timedelta(days=300)):
        path = activity_report(outbox=bank, on=on, seed=2)
        assert path.name == f"aktivitas-{on.isoformat()}.csv"
        rows = read_csv(path)
        assert list(rows[0]) == ACTIVITY_COLUMNS
        credited = {a: [c for c in cs if c[1] <= on] for a, cs in booked.items()}
        assert {r["NO_REKENING"] for r in rows} == {a for a, cs in credited.items() if cs}
        for r in rows:
            for column in ("TGL_TRANSAKSI_TERAKHIR", "TGL_TARIK_TERAKHIR", "TGL_KREDIT_TERAKHIR", "TGL_KREDIT_PERTAMA"):
                assert r[column] == "" or date.fromisoformat(r[column]) <= on
            saldo, kredit, tarik, setor, retur = (int(r[c]) for c in ("SALDO", "TOTAL_KREDIT", "TOTAL_TARIK",
                                                                      "TOTAL_SETOR", "TOTAL_RETUR"))
            assert saldo == kredit + setor - tarik - retur and saldo >= 0 and retur == 0
            assert kredit == sum(a for a, _ in credited[r["NO_REKENING"]])
            assert int(r["JUMLAH_KREDIT"]) == len(credited[r["NO_REKENING"]])
            assert (r["TGL_TARIK_TERAKHIR"] == "") == (int(r["JUMLAH_TARIK"]) == 0)
            assert r["STATUS_REKENING"] in ("AKTIF", "DORMAN") and r["TGL_LAPORAN"] == on.isoformat()
    # A year on: most families withdrew within 30 days of their one credit, a few never.
    once = [r for r in rows if r["JUMLAH_KREDIT"] == "1" and r["TOTAL_SETOR"] == "0"]
    soon = [r for r in once if r["TGL_TARIK_TERAKHIR"] and (date.fromisoformat(r["TGL_TARIK_TERAKHIR"])
                                                          - date.fromisoformat(r["TGL_KREDIT_PERTAMA"])).days <= 30]
    never = [r for r in once if not r["TGL_TARIK_TERAKHIR"]]
    assert 0.78 < len(soon) / len(once) < 0.92
    assert 0.03 < len(never) / len(once) < 0.10
    assert all(r["STATUS_REKENING"] == "DORMAN" and int(r["SALDO"]) == int(r["TOTAL_KREDIT"]) for r in never)
    assert any(int(r["TOTAL_SETOR"]) >= 1_000_000 for r in rows)  # deposits of their own: irregular
    assert activity_report(outbox=bank, on=ON + timedelta(days=300), seed=2).read_bytes() == path.read_bytes()


def test_no_activity_before_the_first_credit(tmp_path):
    bank, _ = _two_answers(tmp_path, n=30)
    assert read_csv(activity_report(outbox=bank, on=ON - timedelta(days=1), seed=2)) == []


# --- returns --------------------------------------------------------------------------------


def test_returns_round_trip(tmp_path):
    bank = tmp_path / "bank"
    answer = bank_answer(pain001=pain001(tmp_path / "BSS-000012-BRI-001.xml", payments(40)), outbox=bank, on=ON,
                         seed=6, rates=NO_FAILURES)
    table = payments(40).to_pylist()
    lines = [f"{p['end_to_end_id']},{p['creditor_account']},{p['amount']},DANA TIDAK DITARIK 3 BULAN 15 HARI"
             for p in table[:10]]
    lines += ["BSS-000012-9999999999-01,777000000009999,600000,X",  # never credited here
              f"{table[10]['end_to_end_id']},{table[10]['creditor_account']},1,X",  # wrong amount
              f"{table[11]['end_to_end_id']},777000000000000,{table[11]['amount']},X",  # wrong account
              lines[0]]  # twice
    instruction = tmp_path / "return-BRI-2026-01-21.csv"
    instruction.write_text("END_TO_END_ID,NO_REKENING,JUMLAH,ALASAN\n" + "\n".join(lines) + "\n")
    on = ON + timedelta(days=110)
    notice = returns_answer(instruction=instruction, outbox=bank, on=on)
    assert notice.name == "camt054-return-BRI-2026-01-21.xml"
    assert xml_errors(path=notice, message="camt.054.001.08") == []
    report = report_read(path=notice)
    assert [(r["end_to_end_id"], r["status"], r["reason_code"], r["amount"], r["booked_on"], r["original_message_id"])
            for r in report.rows.to_pylist()] == [
        (p["end_to_end_id"], "RETURNED", "DANA_TIDAK_DITARIK", p["amount"], on, "BSS-000012-BRI-001")
        for p in table[:10]]
    refused = read_csv(bank / "ditolak-return-BRI-2026-01-21.csv")
    assert [r["ALASAN_TOLAK"] for r in refused] == ["TIDAK_DIKENAL", "JUMLAH_TIDAK_SESUAI",
                                                    "REKENING_TIDAK_SESUAI", "SUDAH_DIKEMBALIKAN"]
    before = notice.read_bytes()
    assert returns_answer(instruction=instruction, outbox=bank, on=on).read_bytes() == before
    later = tmp_path / "return-BRI-2026-02-01.csv"
    later.write_text("END_TO_END_ID,NO_REKENING,JUMLAH,ALASAN\n" + lines[1] + "\n")
    assert report_read(path=returns_answer(instruction=later, outbox=bank, on=on)).rows.num_rows == 0
    assert read_csv(bank / "ditolak-return-BRI-2026-02-01.csv")[0]["ALASAN_TOLAK"] == "SUDAH_DIKEMBALIKAN"
    # the bank's balances know the money went back
    rows = {r["NO_REKENING"]: r for r in read_csv(activity_report(outbox=bank, on=on, seed=6))}
    for p in table[:10]:
        row = rows[p["creditor_account"]]
        assert int(row["TOTAL_RETUR"]) + int(row["TOTAL_TARIK"]) == p["amount"] == int(row["TOTAL_KREDIT"])
    assert answer["credited"] == 40


def test_returns_refuse_funds_the_family_has_withdrawn(tmp_path):
    bank = tmp_path / "bank"
    bank_answer(pain001=pain001(tmp_path / "BSS-1.xml", payments(300)), outbox=bank, on=ON, seed=6, rates=NO_FAILURES)
    on = ON + timedelta(days=110)
    activity = {r["NO_REKENING"]: r for r in read_csv(activity_report(outbox=bank, on=on, seed=6))}
    instruction = tmp_path / "return-BRI-2026-01-21.csv"
    instruction.write_text("END_TO_END_ID,NO_REKENING,JUMLAH,ALASAN\n" + "".join(
        f"{p['end_to_end_id']},{p['creditor_account']},{p['amount']},X\n" for p in payments(300).to_pylist()))
    returns_answer(instruction=instruction, outbox=bank, on=on, seed=6)
    refused = {r["NO_REKENING"] for r in read_csv(bank / "ditolak-return-BRI-2026-01-21.csv")
               if r["ALASAN_TOLAK"] == "DANA_SUDAH_DITARIK"}
    returned = {r["end_to_end_id"] for r in report_read(path=bank / "camt054-return-BRI-2026-01-21.xml").rows.to_pylist()}
    assert refused == {a for a, r in activity.items() if r["TGL_TARIK_TERAKHIR"]} and refused
    assert len(returned) + len(refused) == 300


# --- account opening (burekol) --------------------------------------------------------------


def _request(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    path.write_text('"NIK","NAMA","ALAMAT","KODE_DESA","PROGRAM","BANK"\n' + "".join(
        f'"{nik}","{name}","DUSUN KRAJAN RT 001 RW 002","{village}","PKH","{bank}"\n'
        for nik, name, village, bank in rows))
    return path


def test_account_opening_answers_in_the_bank_list_format(tmp_path):
    rows = [(f"3510094502{i:06d}", f"WARGA {i}", "35.10.09.2001", "BRI") for i in range(1000)]
    rows += [("1101014502850001", "CUT NYAK", "11.01.01.2001", "BRI"),  # Aceh: BSI's alone
             ("35100945", "PENDEK", "35.10.09.2001", "BRI"),
             ("3510094502999999", "NASABAH BNI", "35.10.09.2001", "BNI")]  # another bank's
    request = _request(tmp_path / "burekol-BRI-2025-10-01.csv", rows)
    answer = accounts_open(request=request, outbox=tmp_path / "bank", bank="BRI", seed=8)
    assert answer.name == "rekening-BRI-burekol-BRI-2025-10-01.csv"
    opened = read_csv(answer)
    refused = read_csv(tmp_path / "bank" / "ditolak-BRI-burekol-BRI-2025-10-01.csv")
    assert list(opened[0]) == ["NIK", "NAMA", "NO_REKENING", "BANK", "NO_HP", "STATUS_REKENING", "PROGRAM"]
    assert len(opened) + len(refused) == 1002
    assert 5 <= len(refused) - 2 <= 40  # about 2% turned away at the branch
    assert {r["ALASAN"] for r in refused} <= {"DATA_TIDAK_SESUAI_DUKCAPIL", "DOKUMEN_TIDAK_LENGKAP", "KPM_TIDAK_HADIR",
                                               "BANK_TIDAK_MELAYANI_WILAYAH", "NIK_TIDAK_VALID"}
    by_nik = {r["NIK"]: r["ALASAN"] for r in refused}
    assert by_nik["1101014502850001"] == "BANK_TIDAK_MELAYANI_WILAYAH" and by_nik["35100945"] == "NIK_TIDAK_VALID"
    numbers = [r["NO_REKENING"] for r in opened]
    assert len(set(numbers)) == len(numbers)
    assert all(len(n) == 15 and n.isdigit() and luhn.is_valid(n) for n in numbers)
    assert all(r["BANK"] == "BRI" and r["STATUS_REKENING"] == "AKTIF" and r["PROGRAM"] == "PKH" for r in opened)
    phones = [r["NO_HP"] for r in opened]
    assert all(p == "" or (p.startswith("08") and 11 <= len(p) <= 12) for p in phones)
    # the intake reads it with the shipped bank mapping
    layout = file_sniff(path=answer)
    assert layout.ok
    resolved = mapping_resolve(mapping=mapping_parse(text=mapping_shipped(source="BANK")), columns=layout.columns)
    assert resolved.missing == ()
    table = pa.concat_tables(mapping_apply(resolved=resolved, batch=b) for b in file_batches(path=answer, layout=layout))
    assert table["account_number"].to_pylist() == numbers
    assert table["nik"].to_pylist() == [r["NIK"] for r in opened]
    assert set(table["extra.account_status"].to_pylist()) == {"AKTIF"}
    # Answering again gives the same file; a NIK asked for again keeps its account.
    before = answer.read_bytes()
    assert accounts_open(request=request, outbox=tmp_path / "bank", bank="BRI", seed=8).read_bytes() == before
    later = _request(tmp_path / "burekol-BRI-2025-11-01.csv", [(opened[0]["NIK"], opened[0]["NAMA"], "35.10.09.2001", "BRI"),
                                                             ("3510094502777777", "BARU", "35.10.09.2001", "BRI")])
    again = read_csv(accounts_open(request=later, outbox=tmp_path / "bank", bank="BRI", seed=8))
    assert again[0]["NO_REKENING"] == opened[0]["NO_REKENING"]
    assert again[-1]["NO_REKENING"] not in numbers or len(again) == 1


def test_account_numbers_have_each_banks_length(tmp_path):
    for bank, digits, village in (("BNI", 10, "35.10.09.2001"), ("MANDIRI", 13, "35.10.09.2001"),
                                  ("BTN", 16, "35.10.09.2001"), ("BSI", 10, "11.01.01.2001")):
        request = _request(tmp_path / f"burekol-{bank}-2025-10-01.csv",
                           [(f"1101094502{i:06d}", f"WARGA {i}", village, bank) for i in range(60)])
        opened = read_csv(accounts_open(request=request, outbox=tmp_path / "bank", bank=bank, seed=1))
        assert opened and all(len(r["NO_REKENING"]) == digits and luhn.is_valid(r["NO_REKENING"]) for r in opened)


# --- the command ----------------------------------------------------------------------------


def test_command_answers_each_inbox_file_once(tmp_path):
    inbox, outbox = tmp_path / "ke-bank", tmp_path / "bank"
    pain001(inbox / "BSS-000012-BRI-001.xml", payments(30))
    (inbox / "catatan.xml").write_text('<Document xmlns="urn:example:other"/>')
    (inbox / "rusak.xml").write_bytes(pain001(tmp_path / "BSS-9.xml", payments(3)).read_bytes()[:700])  # cut short
    _request(inbox / "burekol-BRI-2025-10-01.csv", [(f"3510094502{i:06d}", f"WARGA {i}", "35.10.09.2001", "BRI")
                                                    for i in range(20)])
    (inbox / "return-BRI-2025-10-03.csv").write_text("END_TO_END_ID,NO_REKENING,JUMLAH,ALASAN\n" + "".join(
        f"{p['end_to_end_id']},{p['creditor_account']},{p['amount']},X\n" for p in payments(3).to_pylist()))

    def run() -> dict:
        out = io.StringIO()
        call_command("bank_simulate", "--inbox", str(inbox), "--outbox", str(outbox), "--on", "2025-10-03",
                     "--seed", "4", "--json", stdout=out)
        return json.loads(out.getvalue().strip().splitlines()[-1])

    first = run()
    assert first["ignored"] == ["catatan.xml"] and first["already_answered"] == 0
    assert len(first["errors"]) == 1 and "rusak.xml" in first["errors"][0]
    assert [a["bank"] for a in first["accounts"]] == ["BRI"] and first["accounts"][0]["opened"] > 15
    assert first["payments"][0]["transactions"] == 30
    assert first["returns"][0]["returned"] + first["returns"][0]["refused"] == 3
    files = {p.name: p.read_bytes() for p in outbox.iterdir() if p.is_file()}
    assert {"pain002-BSS-000012-BRI-001.xml", "camt054-BSS-000012-BRI-001.xml", "aktivitas-2025-10-03.csv",
            "camt054-return-BRI-2025-10-03.xml", "rekening-BRI-burekol-BRI-2025-10-01.csv"} <= set(files)
    second = run()
    assert second["already_answered"] == 3 and not (second["payments"] or second["returns"] or second["accounts"])
    assert len(second["errors"]) == 1
    assert {p.name: p.read_bytes() for p in outbox.iterdir() if p.is_file()} == files


def test_command_with_a_book(tmp_path):
    inbox, outbox = tmp_path / "ke-bank", tmp_path / "bank"
    pain001(inbox / "BSS-000012-BRI-001.xml", payments(4))
    book = tmp_path / "rekening.csv"
    book.write_text("NIK;NAMA;NO_REKENING;BANK;NO_HP;STATUS_REKENING\n"
                    "3510090101800001;WARGA 0 & ANAK;777000000000000;BRI;;AKTIF\n"
                    "3510090101800002;WARGA 1 & ANAK;777000000000001;BRI;;TUTUP\n")
    out = io.StringIO()
    call_command("bank_simulate", "--inbox", str(inbox), "--outbox", str(outbox), "--on", "2025-10-03",
                 "--book", str(book), "--json", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["payments"][0]["reasons"] == {"AC01": 2, "AC04": 1}


def test_the_bank_side_never_loads_the_payments_models():
    code = ("import sys, bansos.demo.bank_sim as b; b.names_differ(held=['A B'], given=['C D']); "
            "assert not [m for m in sys.modules if m.endswith('.models') or m.startswith('django.db')], "
            "[m for m in sys.modules if m.endswith('.models')]")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])
