"""Each list arrives as its ministry sends it: file type, delimiter, quoting, encoding, headers."""

import csv
import datetime as dt
import io
import json

import pytest
from python_calamine import CalamineWorkbook

from .conftest import PROGRAMS

BOM = b"\xef\xbb\xbf"
# file, delimiter, header, every field quoted, byte-order mark, line end
CSV_FILES = {
    "PKH": ("pkh.csv", ";", ["NO", "NIK", "NO_KK", "NAMA_ANGGOTA", "NAMA_PENGURUS", "TGL_LAHIR",
                             "JENIS_KELAMIN", "ALAMAT", "RT", "RW", "KODE_DESA", "KOMPONEN",
                             "NO_REKENING", "BANK"], True, False, b"\n"),
    "BPNT": ("bpnt.csv", ",", ["No", "NIK", "No KK", "NAMA KPM", "Tanggal Lahir", "Jenis Kelamin",
                               "Alamat", "RT/RW", "Kelurahan", "Kecamatan", "Kabupaten/Kota",
                               "Status"], False, False, b"\n"),
    "PBIJK": ("pbijk.csv", ",", ["NO", "NOKA", "NIK", "NO_KK", "NAMA_PESERTA", "TGL_LAHIR", "JK",
                                 "PISA", "ALAMAT", "KODE_DESA", "NAMA_KAB", "STATUS_PESERTA"],
              True, False, b"\n"),
    "BLT": ("blt.csv", ";", ["NO", "NAMA", "NIK", "NO KK", "JENIS KELAMIN", "TGL LAHIR", "ALAMAT",
                             "RT", "RW", "DESA", "KECAMATAN", "KETERANGAN"], False, True, b"\r\n"),
}
PIP_HEADERS = ["No", "NISN", "Nama Siswa", "NIK", "Tempat Lahir", "Tanggal Lahir",
               "Jenis Kelamin", "Nama Ibu Kandung", "Tingkat Kelas", "Nama Sekolah", "NPSN",
               "Desa/Kelurahan", "Kecamatan", "Kabupaten/Kota", "Nominal"]


@pytest.mark.parametrize("code", list(CSV_FILES))
def test_csv_lists_have_their_own_shape(world, code):
    filename, delimiter, header, quote_all, bom, eol = CSV_FILES[code]
    raw = (world.summary.out_dir / filename).read_bytes()
    assert raw.startswith(BOM) == bom
    body = raw[len(BOM):] if bom else raw
    text = body.decode("utf-8")  # strict: the files are valid UTF-8
    lines = body.split(eol)
    assert lines[-1] == b""  # ends with a line end
    if eol == b"\n":
        assert b"\r" not in body
    else:
        assert all(not line.endswith(b"\r") for line in lines)  # every line ends with CRLF
    assert lines[0].decode() == delimiter.join(header)  # headers are never quoted
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert rows[0] == header
    assert all(len(row) == len(header) for row in rows[1:])
    assert len(rows) - 1 == world.summary.list_rows[code]
    data = lines[1:-1]
    if quote_all:  # a database export: every non-empty text field in quotes
        first = data[0].decode().split(delimiter)
        assert all(field.startswith('"') and field.endswith('"') for field in first)
    else:  # saved from a spreadsheet: quotes only where a value needs them
        assert sum(line.count(b'"') for line in data) < len(data)
        assert data[0].split(delimiter.encode())[0].isdigit()
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, len(rows))]


def test_pip_workbook_has_two_sheets_with_typed_cells(world):
    book = CalamineWorkbook.from_path(str(world.summary.files["pip"]))
    assert book.sheet_names == ["SD", "SMP_SMA"]
    pp = world.persons
    counts = {}
    for sheet in book.sheet_names:
        data = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        assert data[0] == PIP_HEADERS
        counts[sheet] = len(data) - 1
        assert [int(row[0]) for row in data[1:]] == list(range(1, len(data)))
    assert counts["SD"] > 0 and counts["SMP_SMA"] > 0
    amounts = {"SD": 450_000, "SMP": 750_000, "SMA": 1_800_000}
    dates = 0
    for row, t in world.lists["PIP"]:
        level = pp["school_level"][world.person(t)]
        assert row["_sheet"] == ("SD" if level == "SD" else "SMP_SMA")
        assert row["Nominal"] == amounts[level]  # a number cell
        grade = int(row["Tingkat Kelas"])
        assert {"SD": 1 <= grade <= 6, "SMP": 7 <= grade <= 9, "SMA": 10 <= grade <= 12}[level]
        nisn = row["NISN"]  # 10 digits as text; a number cell lost its leading zeros
        assert (len(nisn) == 10 and nisn.isdigit()) if isinstance(nisn, str) else (
            "nisn_number" in t["dirt"] and f"{nisn:.0f}".zfill(10) != f"{nisn:.0f}")
        dates += isinstance(row["Tanggal Lahir"], dt.date)
    assert dates >= 0.9 * len(world.lists["PIP"])


def test_registry_files(world):
    out = world.summary.out_dir
    pp = world.persons
    with open(out / "dukcapil.csv", encoding="utf-8", newline="") as f:
        dukcapil = list(csv.DictReader(f))
    assert [r["NIK"] for r in dukcapil] == pp["nik"].tolist()
    assert list(dukcapil[0]) == ["NIK", "NO_KK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR",
                                 "JENIS_KLMIN", "STAT_HBKEL", "ALAMAT", "NO_RT", "NO_RW",
                                 "KODE_DESA", "STATUS", "TGL_KEMATIAN"]
    assert all(r["NAMA_LGKP"] == n for r, n in zip(dukcapil, pp["full_name"], strict=True))
    with open(out / "ground_truth.csv", encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == ["source", "row_number", "person_id", "household_id", "dirt"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["persons"] == len(pp["nik"])
    assert manifest["persons_alive"] == int(pp["alive"].sum())
    assert manifest["list_rows"] == world.summary.list_rows
    assert set(manifest["list_rows"]) == set(PROGRAMS)
    assert manifest["regions"] and manifest["as_of"] == "2025-10-01"
