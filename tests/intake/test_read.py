"""The file reader: hostile CSV and XLSX files built in tmp_path, and property tests against
Python's csv module as the oracle."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest
import xlsxwriter
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bansos.intake import read_csv, read_csv_sniff
from bansos.intake.read import FileLayout, file_batches, file_sniff, read_issue
from bansos.intake.read_layout import (
    RECORD_LIMIT,
    ROW_ISSUE_CODES,
    STRIP_CHARS,
    header_pick,
    issue_codes,
)
from bansos.intake.read_xlsx import cell_text

HEADER = ["NIK", "NAMA", "ALAMAT"]


def read_all(path: Path, **kwargs: int) -> tuple[FileLayout, list[dict]]:
    layout = file_sniff(path=path)
    rows = [row for batch in file_batches(path=path, layout=layout, **kwargs)
            for row in batch.to_pylist()]
    return layout, rows


def codes(layout: FileLayout) -> list[str]:
    return [issue.code for issue in layout.issues]


def data(rows: list[dict], *names: str) -> list[tuple]:
    return [tuple(row[name] for name in names) for row in rows]


def write(tmp_path: Path, content: bytes, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


# --- CSV: layout detection ---------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "|", "\t"])
def test_delimiter_is_detected_from_the_header(tmp_path, delimiter):
    lines = [delimiter.join(HEADER), delimiter.join(["3510010101800001", "BUDI", "JL. A, RT 1"])]
    path = write(tmp_path, "\n".join(lines).encode() + b"\n")
    layout, rows = read_all(path)
    assert layout.delimiter == delimiter
    assert layout.columns == HEADER and layout.header_row == 1
    if delimiter != ",":
        assert rows[0]["ALAMAT"] == "JL. A, RT 1"
    assert layout.ok


def test_semicolon_file_with_decimal_commas_is_not_read_as_comma(tmp_path):
    path = write(tmp_path, b"NIK;NAMA;NILAI\n3510;BUDI;1,5\n3511;SITI;2,25\n")
    layout, rows = read_all(path)
    assert layout.delimiter == ";"
    assert data(rows, "NILAI") == [("1,5",), ("2,25",)]


def test_utf8_bom_is_not_part_of_the_first_column(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbfNIK,NAMA\r\n1,J\xc3\xa9\r\n")
    layout, rows = read_all(path)
    assert layout.encoding == "utf-8-sig" and layout.columns == ["NIK", "NAMA"]
    assert data(rows, "NIK", "NAMA", "_issues") == [("1", "Jé", None)]
    assert layout.header_raw == b"NIK,NAMA\r\n" and layout.data_offset == 13


def test_title_lines_above_the_header_are_skipped_and_reported(tmp_path):
    content = b"DAFTAR KPM PKH TAHAP 4 2025,,\n\nKAB. MALANG,,\nNIK,NAMA,ALAMAT\n1,BUDI,JL A\n"
    layout, rows = read_all(write(tmp_path, content))
    assert layout.header_row == 4 and layout.columns == HEADER
    assert "preamble_skipped" in codes(layout)
    preamble = next(i for i in layout.issues if i.code == "preamble_skipped")
    assert "1–3" in preamble.message_id and "1–3" in preamble.message_en
    assert data(rows, "NIK", "_row") == [("1", 5)]


def test_header_pick_prefers_a_filled_row_of_names():
    rows = [["DAFTAR KPM PKH TAHAP 4 2025", "", "", ""], ["NO", "NIK", "NAMA", "ALAMAT"],
            ["1", "3510010101800001", "BUDI", "JL A"]]
    assert header_pick(rows) == 1
    assert header_pick([["1", "3510010101800001", "2025-01-01"]]) is None
    assert header_pick([["NIK"], ["3510010101800001"]]) == 0  # a one-column list


def test_duplicate_blank_and_reserved_headers_are_named_and_reported(tmp_path):
    path = write(tmp_path, b"NAMA,Nama,,_row,NAMA\n1,2,3,4,5\n")
    layout, rows = read_all(path)
    assert layout.columns == ["NAMA", "Nama (2)", "KOLOM 3", "_row (2)", "NAMA (3)"]
    assert layout.header == ["NAMA", "Nama", "", "_row", "NAMA"]
    assert codes(layout).count("header_duplicate") == 3 and "header_blank" in codes(layout)
    duplicate = next(i for i in layout.issues if i.code == "header_duplicate")
    assert duplicate.severity == "warning" and duplicate.field == "Nama (2)"
    assert rows[0]["_row (2)"] == "4" and rows[0]["_row"] == 2


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n\n  \n", b"NIK,NAMA\n",
                                     b"NIK,NAMA\r\n\r\n,\r\nNIK,NAMA\r\n"])
def test_file_without_data_rows_is_file_empty(tmp_path, content):
    layout, rows = read_all(write(tmp_path, content))
    assert "file_empty" in codes(layout) and not layout.ok
    assert rows == []


def test_file_empty_found_while_reading_when_the_sample_cannot_tell(tmp_path, monkeypatch):
    monkeypatch.setattr(read_csv_sniff, "RECORD_LIMIT", 64)  # a sample shorter than the tail
    layout, rows = read_all(write(tmp_path, b"NIK,NAMA\n" + b"\n" * 200))
    assert rows == [] and codes(layout) == ["file_empty"]


@pytest.mark.parametrize(("content", "code"), [
    (b"\xff\xfeN\x00I\x00K\x00", "encoding_unsupported"),
    (b"NIK,NAMA\n1\x00,2\n", "file_not_text"),
    (b"<html><table><tr><td>NIK</td></tr></table></html>", "file_unsupported"),
])
def test_files_that_are_not_csv_text_are_refused(tmp_path, content, code):
    layout, rows = read_all(write(tmp_path, content))
    assert codes(layout) == [code] and rows == []
    issue = layout.issues[0]
    assert issue.severity == "error" and issue.message_id and issue.message_en


def test_file_without_a_header_row_is_refused(tmp_path):
    layout, rows = read_all(write(tmp_path, b"3510010101800001,1980-01-01\n3510010101800002,5\n"))
    assert codes(layout) == ["header_not_found"] and rows == []


# --- CSV: records --------------------------------------------------------------------------


def test_mixed_encoding_decodes_each_record_on_its_own(tmp_path):
    utf8_half = "NIK;NAMA\n1;José\n2;Siti\n".encode()
    cp1252_half = "3;José\n4;Ni Luh “Putu”\n".encode("cp1252")
    layout, rows = read_all(write(tmp_path, utf8_half + cp1252_half + b"5;\x81x\n"))
    assert data(rows, "NAMA", "_issues") == [
        ("José", None), ("Siti", None), ("José", "encoding_fallback"),
        ("Ni Luh “Putu”", "encoding_fallback"), ("\x81x", "encoding_fallback")]
    assert rows[2]["_raw"] == b"3;Jos\xe9\n"
    assert layout.encoding == "cp1252"


def test_quoted_newlines_doubled_quotes_and_every_line_end(tmp_path):
    content = (b'NIK,NAMA,ALAMAT\r\n1,"BUDI ""BOB""","JL A\r\nRT 1"\r\n'
               b'2,SITI,"GG 5\nNO 2"\n3,ANI,X\r4,"",""\n')
    layout, rows = read_all(write(tmp_path, content))
    assert data(rows, "NIK", "NAMA", "ALAMAT", "_row") == [
        ("1", 'BUDI "BOB"', "JL A\r\nRT 1", 2), ("2", "SITI", "GG 5\nNO 2", 4),
        ("3", "ANI", "X", 6), ("4", None, None, 7)]
    assert [row["_raw"] for row in rows] == [
        b'1,"BUDI ""BOB""","JL A\r\nRT 1"\r\n', b'2,SITI,"GG 5\nNO 2"\n', b"3,ANI,X\r",
        b'4,"",""\n']


def test_raw_records_rebuild_the_file_byte_for_byte(tmp_path):
    content = (b'\xef\xbb\xbfNIK;NAMA\r\n1;"A;B"\r\n2;Jos\xe9\r\n3;"x\r\ny";z\r\n4;'
               b'JL "GG 5"\r\n5;last')
    layout, rows = read_all(write(tmp_path, content))
    assert b"\xef\xbb\xbf" + layout.header_raw + b"".join(r["_raw"] for r in rows) == content


def test_blank_lines_empty_rows_and_repeated_headers_are_skipped(tmp_path):
    content = (b"NIK;NAMA\n1;A\n\n   \n;;\n ; \nNIK;NAMA\n2;B\n NIK ; NAMA \n3;C\n")
    layout, rows = read_all(write(tmp_path, content))
    assert data(rows, "NIK", "_row") == [("1", 2), ("2", 8), ("3", 10)]
    repeated = [i for i in layout.issues if i.code == "header_repeated"]
    assert len(repeated) == 1 and repeated[0].row == 7
    assert "2 kali" in repeated[0].message_id and "2 times" in repeated[0].message_en


def test_short_rows_are_padded_and_extra_cells_kept(tmp_path):
    content = b"NIK,NAMA,ALAMAT\n1,A\n2,B,C,D, E \n3,C,X,,\n4,D,Y\n"
    layout, rows = read_all(write(tmp_path, content))
    assert data(rows, "NIK", "ALAMAT", "_extra", "_issues") == [
        ("1", None, None, "row_width_mismatch"),
        ("2", "C", ["D", "E"], "row_width_mismatch"),
        ("3", "X", None, None),  # empty trailing cells carry nothing
        ("4", "Y", None, None)]


def test_values_are_stripped_and_empty_is_null(tmp_path):
    content = "NIK,NAMA\n 1 ,\u00a0Budi\u200b\t\n2, \u3000 \n".encode()
    _, rows = read_all(write(tmp_path, content))
    assert data(rows, "NIK", "NAMA") == [("1", "Budi"), ("2", None)]


def test_stray_quotes_inside_values_follow_the_csv_module(tmp_path):
    content = b'NIK,NAMA,ALAMAT\n1,AHMAD "UJANG",JL "GG 5" NO 2\n2,5" TV,"X"Y\n3,OK,"Z"\n'
    _, rows = read_all(write(tmp_path, content))
    expected = list(csv.reader(io.StringIO(content.decode(), newline="")))[1:]
    assert [[row[name] for name in HEADER] for row in rows] == expected


def test_quote_left_open_costs_only_its_own_line(tmp_path):
    content = b'NIK,NAMA\n1,A\n2,"B\n3,C\n4,D\n'
    layout, rows = read_all(write(tmp_path, content))
    assert data(rows, "NIK", "NAMA", "_issues", "_raw") == [
        ("1", "A", None, b"1,A\n"), ("2", "B", "quote_unclosed", b'2,"B\n'),
        ("3", "C", None, b"3,C\n"), ("4", "D", None, b"4,D\n")]
    assert read_issue("quote_unclosed", row=3).message_id.startswith("Baris 3")


def test_batches_have_at_most_batch_rows_and_keep_file_order(tmp_path):
    content = b"NIK,NAMA\n" + b"".join(b"%d,N%d\n" % (i, i) for i in range(1000))
    path = write(tmp_path, content)
    layout = file_sniff(path=path)
    batches = list(file_batches(path=path, layout=layout, batch_rows=300))
    assert [b.num_rows for b in batches] == [300, 300, 300, 100]
    assert all(b.schema == batches[0].schema for b in batches)
    rows = pa.Table.from_batches(batches).column("_row").to_pylist()
    assert rows == list(range(2, 1002))


def test_batch_schema(tmp_path):
    layout, _ = read_all(write(tmp_path, b"NIK,NAMA\n1,A\n"))
    batch = next(file_batches(path=tmp_path / "list.csv", layout=layout))
    assert batch.schema.names == ["NIK", "NAMA", "_extra", "_row", "_sheet", "_raw", "_issues"]
    assert [str(t) for t in batch.schema.types] == [
        "string", "string", "list<item: string>", "int64", "string", "binary", "string"]


def test_many_blocks_many_records(tmp_path, monkeypatch):
    """Block boundaries fall inside records, CRLFs and quoted values."""
    monkeypatch.setattr(read_csv, "BLOCK_BYTES", 37)
    lines = [b'%d;"N;%d\r\nX";Jos\xe9\r\n' % (i, i) if i % 7 == 0 else b"%d;N%d;A\r\n" % (i, i)
             for i in range(300)]
    content = b"NIK;NAMA;ALAMAT\r\n" + b"".join(lines)
    _, rows = read_all(write(tmp_path, content))
    assert [r["_raw"] for r in rows] == lines
    assert rows[7]["NAMA"] == "N;7\r\nX" and rows[7]["_issues"] == "encoding_fallback"
    assert rows[8]["_row"] == 2 + 8 + 2  # records 0 and 7 span two lines each


# --- CSV: absurd sizes ---------------------------------------------------------------------


def _write_line_of(path: Path, size: int, *, head: bytes, tail: bytes) -> None:
    chunk = b"A" * (1 << 20)
    with path.open("wb") as f:
        f.write(head)
        for _ in range(size // len(chunk)):
            f.write(chunk)
        f.write(tail)


def test_100_mb_record_is_one_row_too_long_and_memory_stays_bounded(tmp_path):
    path = tmp_path / "big.csv"
    _write_line_of(path, 100 << 20, head=b"NIK,NAMA\n1,A\n", tail=b"\n2,B\n")
    tracemalloc.start()
    try:
        layout = file_sniff(path=path)
        rows, arrow_peak = [], 0
        for batch in file_batches(path=path, layout=layout):
            arrow_peak = max(arrow_peak, pa.total_allocated_bytes())
            rows.extend(batch.to_pylist())
        python_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert data(rows, "NIK", "_row", "_issues") == [
        ("1", 2, None), (None, 3, "row_too_long"), ("2", 4, None)]
    assert rows[1]["_raw"] == b"A" * RECORD_LIMIT
    issue = next(i for i in layout.issues if i.code == "row_too_long")
    assert issue.row == 3 and issue.severity == "error" and "104.857.601" in issue.message_id
    assert python_peak < 48 << 20 and arrow_peak < 48 << 20


def test_100_mb_without_a_line_end_is_refused_at_once(tmp_path):
    path = tmp_path / "one-line.csv"
    _write_line_of(path, 100 << 20, head=b"", tail=b"")
    layout, rows = read_all(path)
    assert codes(layout) == ["row_too_long"] and rows == []
    assert layout.issues[0].row == 1 and not layout.ok


@pytest.mark.parametrize("block", [16, 4096])  # the long record cut off, or whole in a block
def test_quote_left_open_mid_file_is_cut_at_its_line(tmp_path, monkeypatch, block):
    monkeypatch.setattr(read_csv, "RECORD_LIMIT", 64)
    monkeypatch.setattr(read_csv, "BLOCK_BYTES", block)
    lines = [b"%d,N%d\n" % (i, i) for i in range(3, 40)]
    content = b'NIK,NAMA\n1,A\n2,"B\n' + b"".join(lines) + b'40,"X"\n'
    layout, rows = read_all(write(tmp_path, content))
    assert data(rows, "NIK", "_issues")[:3] == [
        ("1", None), ("2", "quote_unclosed"), ("3", None)]
    assert [r["_raw"] for r in rows] == [b"1,A\n", b'2,"B\n', *lines, b'40,"X"\n']
    assert layout.ok


def test_complete_record_over_the_limit_is_not_read(tmp_path):
    big = b'"' + b"x" * (RECORD_LIMIT + 10) + b'"'
    layout, rows = read_all(write(tmp_path, b"NIK,NAMA\n1,A\n2," + big + b"\n3,C\n"))
    assert data(rows, "NIK", "_issues") == [("1", None), (None, "row_too_long"), ("3", None)]
    assert len(rows[1]["_raw"]) == RECORD_LIMIT


# --- CSV: property tests -------------------------------------------------------------------

_CELL = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
                max_size=8)


@settings(max_examples=150, deadline=None)
@given(delimiter=st.sampled_from([",", ";", "|", "\t"]), eol=st.sampled_from(["\r\n", "\n"]),
       table=st.lists(st.lists(_CELL, min_size=3, max_size=3), max_size=12))
def test_csv_writer_output_round_trips(delimiter, eol, table):
    # csv.writer quotes only the characters of its lineterminator, so with "\n" it writes a
    # "\r" bare, which ends a line for every reader (the csv module's own included).
    assume(eol == "\r\n" or not any("\r" in cell for cells in table for cell in cells))
    records = []
    for cells in table:
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator=eol).writerow(cells)
        records.append(out.getvalue().encode())
    head = io.StringIO()
    csv.writer(head, delimiter=delimiter, lineterminator=eol).writerow(HEADER)
    expected, line = [], 2
    for cells, raw in zip(table, records, strict=True):
        values = [cell.strip(STRIP_CHARS) or None for cell in cells]
        if any(values) and values != HEADER:
            expected.append({**dict(zip(HEADER, values, strict=True)), "_extra": None,
                             "_row": line, "_sheet": None, "_raw": raw, "_issues": None})
        line += raw.count(b"\n") + raw.count(b"\r") - raw.count(b"\r\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), head.getvalue().encode() + b"".join(records))
        layout, rows = read_all(path)
    assert layout.delimiter == delimiter and layout.columns == HEADER
    assert rows == expected


_CP1252 = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)}
_TOKENS = [b"a", b"Z", b"1", b" ", b'"', b'"', b",", b",", b";", b"\n", b"\r", b"\r\n",
           "é".encode(), b"\xe9", b"\x81"]


def _oracle(body: bytes) -> list[dict]:
    """Rows as Python's csv module reads `body` (after a header `A,B,C` on line 1)."""
    consumed: list[str] = []

    def lines():
        for line in io.StringIO(body.decode("latin-1"), newline=""):
            consumed.append(line)
            yield line

    rows, line = [], 2
    for cells in csv.reader(lines()):
        raw = "".join(consumed).encode("latin-1")
        start, line = line, line + len(consumed)
        consumed.clear()
        try:
            raw.decode("utf-8")
            texts, issues = [c.encode("latin-1").decode("utf-8") for c in cells], []
        except UnicodeDecodeError:
            texts = ["".join(_CP1252[b] for b in c.encode("latin-1")) for c in cells]
            issues = ["encoding_fallback"]
        values = [t.strip(STRIP_CHARS) or None for t in texts]
        extra = values[3:] if any(values[3:]) else None
        if len(values) < 3 or extra:
            issues.append("row_width_mismatch")
        values = (values + [None] * 3)[:3]
        if (not any(values) and not extra) or (values == ["A", "B", "C"] and not extra):
            continue
        rows.append({"A": values[0], "B": values[1], "C": values[2], "_extra": extra,
                     "_row": start, "_sheet": None, "_raw": raw,
                     "_issues": ";".join(issues) or None})
    return rows


def _ends_in_open_quote(body: bytes) -> bool:
    def parse(text: str) -> list[list[str]]:
        return [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    text = body.decode("latin-1")
    return parse(text) != parse(text + "\n")


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(tokens=st.lists(st.sampled_from(_TOKENS), max_size=60),
       block=st.sampled_from([1, 3, 16, 64, 1 << 20]))
def test_any_bytes_read_as_the_csv_module_reads_them(tokens, block):
    """Whichever way a record goes (numpy + pyarrow, or one at a time) and wherever blocks
    are cut, the rows equal the csv module's, with the same line numbers and bytes."""
    body = b"".join(tokens)
    assume(not _ends_in_open_quote(body))
    header = b"A,B,C\r\n"
    layout = FileLayout(kind="csv", encoding="utf-8", delimiter=",", header_row=1, sheets=[],
                        columns=["A", "B", "C"], header=["A", "B", "C"], header_raw=header,
                        data_offset=len(header), data_line=2)
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr(read_csv, "BLOCK_BYTES", block)
        path = write(Path(tmp), header + body)
        rows = [row for batch in file_batches(path=path, layout=layout, batch_rows=7)
                for row in batch.to_pylist()]
    assert rows == _oracle(body)


# --- XLSX ----------------------------------------------------------------------------------


def _workbook(path: Path, sheets: dict[str, list[list[object]]], *, start_row: int = 0) -> Path:
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows, start=start_row):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, tuple):  # (formula, cached value)
                    sheet.write_formula(r, c, value[0], None, value[1])
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                else:
                    sheet.write(r, c, value)
    book.close()
    return path


def test_xlsx_cells_become_the_text_excel_shows(tmp_path):
    path = _workbook(tmp_path / "list.xlsx", {"Data": [
        ["DAFTAR PENERIMA BLT 2025"],
        [],
        ["NIK", "NAMA", "TGL LAHIR", "NOMINAL", "CATATAN"],
        [3510123456789012, "  Budi ", dt.date(1980, 1, 2), 600000.0, ("=D4*2", 1200000)],
        [9171012345678901, "Siti", dt.datetime(1990, 5, 6, 7, 8, 9), 0.1 + 0.2,
         ('=B5&"!"', "Siti!")],
        ["3510123456789013", True, None, -0.0, ("=D8+1", 1)],
    ]}, start_row=2)
    layout, rows = read_all(path)
    assert layout.kind == "xlsx" and layout.sheets == ["Data"]
    assert layout.header_row == 5 and codes(layout) == ["preamble_skipped"]
    assert "Rows 3–4 in sheet 'Data'" in layout.issues[0].message_en
    assert layout.columns == ["NIK", "NAMA", "TGL LAHIR", "NOMINAL", "CATATAN"]
    assert data(rows, "NIK", "NAMA", "TGL LAHIR", "NOMINAL", "CATATAN", "_row", "_sheet") == [
        ("3510123456789012", "Budi", "1980-01-02", "600000", "1200000", 6, "Data"),
        ("9.1710123456789E+15", "Siti", "1990-05-06 07:08:09", "0.3", "Siti!", 7, "Data"),
        ("3510123456789013", "TRUE", None, "0", "1", 8, "Data"),
    ]
    assert rows[0]["_raw"] == b"3510123456789012\t  Budi \t1980-01-02\t600000\t1200000"


def test_cell_text():
    assert cell_text(3510123456789012.0) == "3510123456789012"
    assert cell_text(float(2**53)) == "9.00719925474099E+15"  # may not be the number typed
    assert cell_text(1e-5) == "1E-05" and cell_text(12.5) == "12.5"
    assert cell_text(dt.datetime(2025, 1, 2)) == "2025-01-02"
    assert cell_text(dt.time(7, 30)) == "07:30:00"
    assert cell_text(dt.timedelta(hours=25, minutes=3)) == "25:03:00"
    assert cell_text(False) == "FALSE" and cell_text(7) == "7"


def test_xlsx_sheets_with_the_same_header_are_read_others_reported(tmp_path):
    path = _workbook(tmp_path / "list.xlsx", {
        "Petunjuk": [["Isi satu baris per penerima."]],
        "Kec A": [HEADER, ["1", "A", "X"], ["2", "B", "Y"]],
        "Kosong": [],
        "Kec B": [["REKAP KEC B"], HEADER, ["3", "C", "Z"], HEADER, ["4", "D", None, "lebih"]],
        "Rekap": [["KECAMATAN", "JUMLAH"], ["A", 2]],
    })
    layout, rows = read_all(path)
    assert layout.sheets == ["Kec A", "Kec B"]
    assert layout.header_rows == {"Kec A": 1, "Kec B": 2}
    assert data(rows, "NIK", "_sheet", "_row", "_extra", "_issues") == [
        ("1", "Kec A", 2, None, None), ("2", "Kec A", 3, None, None),
        ("3", "Kec B", 3, None, None), ("4", "Kec B", 5, ["lebih"], "row_width_mismatch")]
    mismatched = [i.sheet for i in layout.issues if i.code == "sheet_header_mismatch"]
    assert mismatched == ["Petunjuk", "Rekap"]
    repeated = next(i for i in layout.issues if i.code == "header_repeated")
    assert repeated.row == 4 and repeated.sheet == "Kec B" and "Kec B" in repeated.message_en


def test_xlsx_with_only_a_header_is_file_empty(tmp_path):
    layout, rows = read_all(_workbook(tmp_path / "list.xlsx", {"S": [HEADER]}))
    assert rows == [] and codes(layout) == ["file_empty"]


def test_truncated_xlsx_is_an_error_not_a_traceback(tmp_path):
    whole = _workbook(tmp_path / "whole.xlsx", {"S": [HEADER, ["1", "A", "X"]] * 200})
    content = whole.read_bytes()
    for cut in (len(content) // 2, len(content) - 30, 10):
        layout, rows = read_all(write(tmp_path, content[:cut], "cut.xlsx"))
        assert codes(layout) == ["file_truncated"] and rows == []
        assert "terpotong" in layout.issues[0].message_id


def test_corrupt_xlsx_is_unreadable(tmp_path):
    content = bytearray(_workbook(tmp_path / "whole.xlsx", {"S": [HEADER]}).read_bytes())
    content[40:1500] = b"\x00" * 1460
    layout, rows = read_all(write(tmp_path, bytes(content), "bad.xlsx"))
    assert codes(layout) == ["xlsx_unreadable"] and rows == []
    assert layout.issues[0].detail


def test_zip_that_is_not_a_workbook_is_unreadable(tmp_path):
    path = tmp_path / "list.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("list.csv", "NIK,NAMA\n1,A\n")
    layout, rows = read_all(path)
    assert codes(layout) == ["xlsx_unreadable"] and rows == []


def test_xlsx_named_csv_and_csv_named_xlsx_go_by_content(tmp_path):
    xlsx = _workbook(tmp_path / "list.csv", {"S": [HEADER, ["1", "A", "X"]]})
    assert file_sniff(path=xlsx).kind == "xlsx"
    assert file_sniff(path=write(tmp_path, b"NIK,NAMA\n1,A\n", "list.xlsx")).kind == "csv"


# --- messages ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", issue_codes())
def test_every_issue_has_both_languages(code):
    issue = read_issue(code, row=12, sheet="S1", n=20, name="NAMA", new="NAMA (2)", col=3,
                       first=1, last=2, count=2, size=2_000_000)
    assert issue.message_id and issue.message_en and issue.message_id != issue.message_en
    assert "{" not in issue.message_id + issue.message_en
    if code in ROW_ISSUE_CODES:
        assert "12" in issue.message_id and "12" in issue.message_en
