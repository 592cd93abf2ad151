"""`bansos link`: deduplicating one file and linking two, run as the command is run."""

from __future__ import annotations

import csv
import json
import random
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

HEADER = ["ID", "NIK", "NO_KK", "NAMA", "TGL_LAHIR", "JK", "ALAMAT"]
FIELDS = ["id=ID", "nik=NIK", "kk=NO_KK", "full_name=NAMA", "birth_date=TGL_LAHIR", "sex=JK",
          "address=ALAMAT"]
KK1, KK2, KK3 = "3510010101100001", "3510010101100002", "3510010101100003"
KRAJAN1, KRAJAN2 = "DUSUN KRAJAN RT 001 RW 002", "DUSUN KRAJAN RT 002 RW 002"
# One village's list with four duplicates, twins and a father and son of one name.
PEOPLE = [
    ("A01", "3510010606610001", KK1, "SOEKARNO", "06-06-1961", "L", KRAJAN1),
    ("A02", "3510014502630001", KK1, "FATMAWATI", "05-02-1963", "P", KRAJAN1),
    ("A03", "3510010301840001", KK1, "GUNTUR", "03-01-1984", "L", KRAJAN1),
    ("A04", "3510011207100001", KK1, "HASAN", "12-07-2010", "L", KRAJAN1),  # twins
    ("A05", "3510011207100002", KK1, "HUSEIN", "12-07-2010", "L", KRAJAN1),
    ("B01", "3510011208500001", KK2, "MOCH. HATTA", "12-08-1950", "L", KRAJAN2),  # father
    ("B02", "3510015507550001", KK2, "RAHMI", "15-07-1955", "P", KRAJAN2),
    ("B03", "3510010303800001", KK2, "MOCH. HATTA", "03-03-1980", "L", KRAJAN2),  # son
    ("C01", "3510012204700001", KK3, "SLAMET RIYADI", "22-04-1970", "L", "DUSUN SUMBERSARI RT 003 RW 001"),
    ("C02", "3510016109720001", KK3, "SITI AMINAH", "21-09-1972", "P", "DUSUN SUMBERSARI RT 003 RW 001"),
    ("C03", "3510011011950001", KK3, "DWI HARYANTO", "10-11-1995", "L", "DUSUN SUMBERSARI RT 003 RW 001"),
    ("D01", "3510011705680001", "3510010101100004", "SUPARMI", "17-05-1968", "P", "DUSUN KRAJAN RT 004 RW 001"),
    ("D02", "3510010202660001", "3510010101100004", "SUKIMAN", "02-02-1966", "L", "DUSUN KRAJAN RT 004 RW 001"),
    ("E01", "3510012812880001", "3510010101100005", "AGUS SETIAWAN", "28-12-1988", "L", "JL. MAWAR NO. 3 RT 005 RW 003"),
    ("E02", "3510016403900001", "3510010101100005", "NUR HIDAYAH", "24-03-1990", "P", "JL. MAWAR NO. 3 RT 005 RW 003"),
    ("E03", "3510010909150001", "3510010101100005", "RIZKY PRATAMA", "09-09-2015", "L", "JL. MAWAR NO. 3 RT 005 RW 003"),
    ("F01", "3510011111770001", "3510010101100006", "BAMBANG SUSILO", "11-11-1977", "L", "DUSUN TEGALREJO RT 006 RW 003"),
    ("F02", "3510015001790001", "3510010101100006", "ENDANG SRI WAHYUNI", "10-01-1979", "P", "DUSUN TEGALREJO RT 006 RW 003"),
    ("G01", "3510010107450001", "3510010101100007", "KARTOREJO", "01-07-1945", "L", "DUSUN GUNUNGSARI RT 007 RW 004"),
    ("G02", "3510014408480001", "3510010101100007", "SAINEM", "04-08-1948", "P", "DUSUN GUNUNGSARI RT 007 RW 004"),
    # Duplicates of the above, as other lists write them.
    ("X01", "3510010606610001", KK1, "SUKARNO", "06-06-1961", "L", "DSN. KRAJAN RT.001/RW.002"),
    ("X02", "3510011208500001", KK2, "MUHAMMAD HATTA", "12/08/1950", "L", KRAJAN2),
    ("X03", "3570014502630001", KK1, "FATMAWATI", "05-02-1963", "P", KRAJAN1),  # NIK typo
    ("X04", "3510010301840001", KK1, "GUNTUR", "19840103", "L", KRAJAN1),  # YYYYMMDD
]
DUPLICATES = {("A01", "X01"), ("B01", "X02"), ("A02", "X03"), ("A03", "X04")}

GIVEN = ["AGUS", "BUDI", "DEDI", "EKO", "HENDRA", "IWAN", "JOKO", "RUDI", "SUGENG", "TEGUH",
         "WAHYU", "YUDI", "ANI", "DEWI", "ENDAH", "LILIS", "MULYANI", "NINING", "PUJI", "RATNA",
         "SRI", "TUTIK", "WATI", "YANTI", "ARIF", "FAJAR", "GILANG", "INDRA", "KURNIA", "LUKMAN"]
FAMILY = ["PRASETYO", "SANTOSO", "WIBOWO", "HIDAYAT", "KURNIAWAN", "SAPUTRA", "LESTARI",
          "RAHAYU", "PURNOMO", "SETIADI", "SUSANTI", "WULANDARI", "HARTONO", "MARYANI",
          "NURHAYATI", "SUHARTO", "UTOMO", "YULIANTI", "FIRMANSYAH", "ANGGRAINI"]
HAMLETS = ["KRAJAN", "SUMBERSARI", "TEGALREJO", "GUNUNGSARI", "KARANGANYAR", "SIDOMULYO"]


def filler(count: int, *, seed: int = 7, prefix: str = "Z") -> list[tuple[str, ...]]:
    """Other households of the same district, none of them duplicated: what a real list
    holds around its few duplicates (and what tells the model how often strangers agree)."""
    rng = random.Random(seed)
    rows: list[tuple[str, ...]] = []
    household = 100
    while len(rows) < count:
        household += 1
        kk = f"35100101011{household:05d}"
        address = (f"DUSUN {rng.choice(HAMLETS)} RT {rng.randint(1, 12):03d} "
                   f"RW {rng.randint(1, 5):03d}")
        for _ in range(rng.randint(1, 5)):
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 80))
            sex = rng.choice("LP")
            day = born.day + (40 if sex == "P" else 0)
            nik = f"351001{day:02d}{born:%m%y}{rng.randint(1, 3):04d}"
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            rows.append((f"{prefix}{len(rows) + 1:03d}", nik, kk, name, f"{born:%d-%m-%Y}", sex,
                         address))
    return rows[:count]


def write(path: Path, rows, *, header=HEADER, delimiter=",", encoding="utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def link(*paths: Path, fields=FIELDS, out: Path, extra=()) -> dict:
    stdout = StringIO()
    args = [str(p) for p in paths]
    for field in fields:
        args += ["--field", field]
    call_command("link", *args, "--out", str(out), "--json", *extra, stdout=stdout)
    return json.loads(stdout.getvalue().strip().splitlines()[-1])


def read_pairs(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def dedupe(tmp_path_factory) -> tuple[dict, Path, str]:
    """One run over the hand-made list inside 150 rows of other households."""
    folder = tmp_path_factory.mktemp("dedupe")
    path = write(folder / "list.csv", PEOPLE + filler(150))
    out = folder / "pairs.csv"
    stdout = StringIO()
    args = [str(path), "--out", str(out), "--json"]
    for field in FIELDS:
        args += ["--field", field]
    call_command("link", *args, stdout=stdout)
    text = stdout.getvalue()
    return json.loads(text.strip().splitlines()[-1]), out, text


def test_dedupe_finds_the_duplicates_and_nothing_else(dedupe):
    # Soekarno/Sukarno, Moch./Muhammad, a NIK typed wrong, YYYYMMDD against DD-MM-YYYY are
    # found; the twins (one birth date, one KK) and the father and son (one name) are not.
    summary, out, _ = dedupe
    assert {(p["left_id"], p["right_id"]) for p in read_pairs(out)} == DUPLICATES
    rows = len(PEOPLE) + 150
    assert summary["mode"] == "dedupe"
    assert summary["records"] == {"left": rows}
    assert summary["pairs_written"] == len(DUPLICATES)
    assert summary["clusters"] == rows - len(DUPLICATES)
    assert summary["clusters_multi"] == len(DUPLICATES)
    assert summary["largest"] == 2
    assert summary["candidate_pairs"] >= len(DUPLICATES)
    assert 0 < summary["lambda"] < 1
    assert summary["m_trained"] is False  # a small file: default m (see pairs_link)


def test_pairs_file_header_order_and_decimals(dedupe):
    _, out, _ = dedupe
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "left_id,right_id,match_probability"
    order = [row[0] for row in PEOPLE]
    pairs = [line.split(",") for line in lines[1:]]
    keys = [(order.index(left), order.index(right)) for left, right, _ in pairs]
    assert keys == sorted(keys)
    assert all(order.index(left) < order.index(right) for left, right, _ in pairs)
    for _, _, probability in pairs:
        assert len(probability.split(".")[1]) == 6
        assert 0.9 <= float(probability) <= 1.0


def test_summary_shows_no_identifier(dedupe):
    _, _, text = dedupe
    for row in PEOPLE:
        for value in (row[1], row[2], row[3]):
            assert value not in text


def test_link_two_files_of_other_formats(tmp_path):
    # The right file: semicolons, Windows-1252 (an accented name), its own row order.
    left = write(tmp_path / "left.csv", PEOPLE[:20] + filler(80, seed=1, prefix="L"))
    right_rows = [PEOPLE[23], *filler(60, seed=2, prefix="R")[:30], PEOPLE[20], PEOPLE[21],
                  ("R901", "3510010303800009", KK2, "MOCHAMAD HATTA", "04-03-1980", "L",
                   KRAJAN2),  # the son again, not the father
                  ("R902", "", "", "JOSÉ RIZAL", "19-06-1961", "L", "DUSUN KRAJAN"),
                  PEOPLE[22], *filler(60, seed=2, prefix="R")[30:]]
    right = write(tmp_path / "right.csv", right_rows, delimiter=";", encoding="cp1252")
    out = tmp_path / "pairs.csv"
    summary = link(left, right, out=out)
    pairs = [(p["left_id"], p["right_id"]) for p in read_pairs(out)]
    assert pairs == sorted(DUPLICATES)  # left file order: A01, A02, A03, B01
    assert summary["mode"] == "link"
    assert summary["records"] == {"left": 100, "right": len(right_rows)}
    assert summary["clusters_multi"] == len(DUPLICATES)


def test_mostly_empty_nik_and_birth_date(tmp_path):
    # NIK in one row of ten, birth date in one of five; the duplicates that keep a birth date
    # are found through name, birth date and address, and no one else is paired.
    rows = []
    for i, row in enumerate(PEOPLE + filler(150)):
        keep_date = i % 5 == 0 or row[0] in ("A01", "X01", "A02", "X03")
        rows.append((row[0], row[1] if i % 10 == 0 else "", row[2], row[3],
                     row[4] if keep_date else "", row[5], row[6]))
    path = write(tmp_path / "sparse.csv", rows)
    out = tmp_path / "pairs.csv"
    summary = link(path, out=out)
    found = {(p["left_id"], p["right_id"]) for p in read_pairs(out)}
    assert {("A01", "X01"), ("A02", "X03")} <= found <= DUPLICATES
    assert summary["candidate_pairs"] > 0


def test_names_and_birth_dates_only_given_and_family_name(tmp_path):
    rows = [(row[0], *row[3].split(" ", 1)[:1], " ".join(row[3].split(" ")[1:]), row[4])
            for row in PEOPLE + filler(150)]
    path = write(tmp_path / "names.csv", rows, header=["ID", "NAMA_DEPAN", "NAMA_BELAKANG",
                                                       "TGL_LAHIR"])
    out = tmp_path / "pairs.csv"
    summary = link(path, out=out, fields=["id=ID", "given_name=NAMA_DEPAN",
                                          "family_name=NAMA_BELAKANG", "birth_date=TGL_LAHIR"])
    assert {(p["left_id"], p["right_id"]) for p in read_pairs(out)} == DUPLICATES
    assert set(summary["comparisons"]) == {"birth_date", "name"}


def test_threshold_one_writes_only_a_header(tmp_path):
    path = write(tmp_path / "list.csv", PEOPLE[:6])
    out = tmp_path / "pairs.csv"
    summary = link(path, out=out, extra=["--threshold", "1"])
    assert out.read_text(encoding="utf-8") == "left_id,right_id,match_probability\n"
    assert summary["pairs_written"] == 0
    assert summary["clusters"] == 6


@pytest.mark.parametrize(("fields", "words"), [
    (["id=ID", "full_name=NAMA", "nama=NAMA"], ["nama", "kunci tidak dikenal", "unknown key"]),
    (["id=ID", "full_name=NAMA_LENGKAP"], ["NAMA_LENGKAP", "tidak ada", "not found"]),
    (["full_name=NAMA"], ["id=", "wajib", "required"]),
    (["id=ID", "full_name=NAMA", "full_name=ID"], ["full_name", "dua kali", "twice"]),
    (["id=ID", "full_name"], ["KUNCI=KOLOM", "KEY=COLUMN"]),
])
def test_field_errors_are_bilingual(tmp_path, fields, words):
    path = write(tmp_path / "list.csv", PEOPLE[:3])
    with pytest.raises(CommandError) as caught:
        link(path, out=tmp_path / "pairs.csv", fields=fields)
    for word in words:
        assert word in str(caught.value)
    assert not (tmp_path / "pairs.csv").exists()


def test_column_missing_from_the_second_file(tmp_path):
    left = write(tmp_path / "left.csv", PEOPLE[:3])
    right = write(tmp_path / "right.csv", [row[:6] for row in PEOPLE[3:6]], header=HEADER[:6])
    with pytest.raises(CommandError, match="right.csv: kolom 'ALAMAT' tidak ada .* not found"):
        link(left, right, out=tmp_path / "pairs.csv")


def test_duplicate_and_empty_ids_name_the_lines(tmp_path):
    # Messages name file lines (the header is line 1), never the id itself.
    path = write(tmp_path / "list.csv", [PEOPLE[0], PEOPLE[1], ("A01", *PEOPLE[2][1:])])
    with pytest.raises(CommandError, match="id ganda pada baris 2, 4 .* duplicate id on lines 2, 4") as caught:
        link(path, out=tmp_path / "pairs.csv")
    assert "A01" not in str(caught.value)
    path = write(tmp_path / "list.csv", [PEOPLE[0], ("", *PEOPLE[1][1:])])
    with pytest.raises(CommandError, match="id kosong pada baris 3 / empty id on line 3"):
        link(path, out=tmp_path / "pairs.csv")


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="nope.csv: berkas tidak ada / file not found"):
        link(tmp_path / "nope.csv", out=tmp_path / "pairs.csv")


def test_bom_and_tab_delimiter_are_read(tmp_path):
    path = write(tmp_path / "list.tsv", PEOPLE[:5], delimiter="\t", encoding="utf-8-sig")
    out = tmp_path / "pairs.csv"
    summary = link(path, out=out)
    assert summary["records"] == {"left": 5}
