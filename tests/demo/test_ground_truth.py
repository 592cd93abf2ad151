"""The ground truth ties every list row to a true person, and says what dirt the row got."""

import datetime as dt
import re
from collections import Counter

import numpy as np
import pytest

from bansos.core.identifiers import parse_nik
from bansos.demo import dirt as d
from bansos.demo.field_dirt import Rates

from .conftest import PROGRAMS

NAME = {"PKH": "NAMA_ANGGOTA", "BPNT": "NAMA KPM", "PBIJK": "NAMA_PESERTA", "BLT": "NAMA",
        "PIP": "Nama Siswa"}
BIRTH = {"PKH": ("TGL_LAHIR", "%d-%m-%Y"), "BPNT": ("Tanggal Lahir", "%Y-%m-%d"),
         "PBIJK": ("TGL_LAHIR", "%d/%m/%Y"), "BLT": ("TGL LAHIR", "%d/%m/%Y"),
         "PIP": ("Tanggal Lahir", None)}
SEX = {"PKH": ("JENIS_KELAMIN", "LAKI-LAKI", "PEREMPUAN"), "BPNT": ("Jenis Kelamin", "L", "P"),
       "PBIJK": ("JK", "1", "2"), "BLT": ("JENIS KELAMIN", "LAKI-LAKI", "PEREMPUAN"),
       "PIP": ("Jenis Kelamin", "L", "P")}
KK = {"PKH": "NO_KK", "BPNT": "No KK", "PBIJK": "NO_KK", "BLT": "NO KK"}
SCIENTIFIC = re.compile(r"[1-9]\.\d{1,5}E\+15")


def _tags(truth_row) -> set[str]:
    return set(filter(None, truth_row["dirt"].split(";")))


def _touched(tags: set[str], field: str) -> bool:
    return any(t.startswith(field) for t in tags)


def test_one_truth_row_per_list_row(world):
    truth = world.ground_truth
    assert Counter(r["source"] for r in truth) == world.summary.list_rows
    assert len({(r["source"], r["row_number"]) for r in truth}) == len(truth)
    for code in PROGRAMS:
        pairs = world.lists[code]
        assert len(pairs) >= 100, code
        for row, t in pairs:
            label = f"{row['_sheet']}:{int(row['No'])}" if code == "PIP" else row.get(
                "NO", row.get("No"))
            assert label == t["row_number"]
    pp = world.persons
    person = np.array([int(r["person_id"]) for r in truth])
    household = np.array([int(r["household_id"]) for r in truth])
    assert (pp["household_id"][person - 1] == household).all()


@pytest.mark.parametrize("code", PROGRAMS)
def test_untagged_fields_equal_the_truth(world, code):
    """A field with no dirt tag carries the true person's clean value."""
    pp = world.persons
    name_col, (date_col, date_format), (sex_col, male, female) = NAME[code], BIRTH[code], SEX[code]
    for row, t in world.lists[code]:
        p, tags = world.person(t), _tags(t)
        if not _touched(tags, "nik_"):
            assert row["NIK"] == pp["nik"][p]
        if not _touched(tags, "name_"):
            name = pp["full_name"][p]
            assert row[name_col] == (name.title() if code == "PIP" else name)
        if not _touched(tags, "birth_date_"):
            born = pp["birth_date"][p].astype(dt.date)
            if date_format is None:  # an Excel date cell
                assert row[date_col] in (born, dt.datetime.combine(born, dt.time()))
            else:
                assert row[date_col] == born.strftime(date_format)
        if not _touched(tags, "sex_"):
            assert row[sex_col] == (female if pp["sex"][p] == "P" else male)
        if code in KK and not _touched(tags, "kk_"):
            assert row[KK[code]] == pp["kk"][p]


def test_excel_mangled_niks(world):
    """3.51012E+15 in the CSV lists; a real number cell that lost its 16th digit in the XLSX."""
    pp = world.persons
    sci = [(row, t) for code in PROGRAMS for row, t in world.lists[code] if "nik_sci" in _tags(t)]
    assert len(sci) >= 10
    for row, _ in sci:
        assert SCIENTIFIC.fullmatch(row["NIK"]), row["NIK"]
        parsed = parse_nik(row["NIK"])
        assert parsed.value is None and parsed.error.code == "nik_scientific_notation"
    numbers = [(row, t) for row, t in world.lists["PIP"] if "nik_number" in _tags(t)]
    for row, t in numbers:
        true_nik = pp["nik"][world.person(t)]
        assert isinstance(row["NIK"], float)
        assert f"{row['NIK']:.0f}" == true_nik[:15] + "0"
    precision = [(row, t) for code in PROGRAMS for row, t in world.lists[code]
                 if "nik_precision" in _tags(t)]
    assert precision
    for row, t in precision:
        true_nik = pp["nik"][world.person(t)]
        assert row["NIK"] == true_nik[:15] + "0" != true_nik


def test_nik_and_kk_dirt_is_what_the_tag_says(world):
    pp, hh = world.persons, world.households
    kks = set(hh["kk"].tolist())
    seen = Counter()
    for code in PROGRAMS:
        for row, t in world.lists[code]:
            tags, true_nik = _tags(t), pp["nik"][world.person(t)]
            cell = row["NIK"]
            seen.update(tags)
            if "nik_missing" in tags:
                assert cell in ("", None)
            if "nik_format" in tags:  # spaces, dots, a leading apostrophe: digits still there
                assert re.sub(r"[^0-9]", "", cell) == true_nik != cell
                assert parse_nik(cell).value == true_nik
            if "nik_typo" in tags or "nik_transpose" in tags:
                assert len(cell) == 16 and cell != true_nik
                assert sorted(cell) == sorted(true_nik) or "nik_typo" in tags
            if code in KK and "kk_stale" in tags and not tags & {"kk_sci", "kk_missing"}:
                # the family card from before a recent move or split
                assert row[KK[code]] in kks and row[KK[code]] != pp["kk"][world.person(t)]
            if code in KK and "kk_sci" in tags:
                assert SCIENTIFIC.fullmatch(row[KK[code]])
    for tag in ("nik_missing", "nik_format", "nik_typo", "nik_transpose", "kk_stale", "kk_sci",
                "kk_missing"):
        assert seen[tag] > 0, tag


def test_name_dirt(world):
    """Titles fitting the person, old and new spellings, swapped order, typos."""
    pp, age = world.persons, world.age
    modern = d.nm.distinct_tokens() | {"I", "NI", "SRI", "LUH"}
    seen = Counter()
    for code in PROGRAMS:
        for row, t in world.lists[code]:
            tags, p = _tags(t), world.person(t)
            name, true = str(row[NAME[code]]), pp["full_name"][p]
            if "name_title" in tags:
                seen["title"] += 1
                hajj = name.startswith(("H. ", "HJ. "))
                if hajj:
                    assert age[p] >= 35
                    assert not true.startswith(("I ", "NI "))  # not on Balinese Hindus
                else:
                    assert pp["education"][p] in ("D1-D3", "S1+"), (name, pp["education"][p])
                female = pp["sex"][p] == "P"
                assert not name.startswith(("HJ. ", "DRA. ")) or female, name
                assert not name.startswith(("H. ", "DRS. ")) or not female, name
            name_tags = {tag for tag in tags if tag.startswith("name_")}
            if name_tags == {"name_spelling"} and code != "PIP":
                seen["spelling"] += 1
                old = d.nm.has_old_spelling(true)
                assert name == d.nm.respell(true, old=not old) != true
                if old:  # modernised into real modern spellings, never "Simanyuntak"
                    assert set(name.split(" ")) <= modern, name
            if name_tags == {"name_swap"} and code != "PIP":
                seen["swap"] += 1
                words = true.split(" ")
                assert name == " ".join([words[-1], *words[:-1]])
            if "name_typo" in tags:
                seen["typo"] += 1
    assert seen["title"] >= 5 and seen["spelling"] >= 20 and seen["swap"] >= 5
    assert seen["typo"] >= 20
    listed = " ".join(str(row[NAME[c]]) for c in PROGRAMS for row, _ in world.lists[c])
    for mark in ("OE", "DJ", "TJ", "H. ", "HJ. "):
        assert mark in listed, mark


def test_date_dirt(world):
    seen = Counter()
    for code in ("PKH", "BPNT", "PBIJK", "BLT"):
        for row, t in world.lists[code]:
            tags, cell = _tags(t), row[BIRTH[code][0]]
            born = world.persons["birth_date"][world.person(t)].astype(dt.date)
            if "birth_date_missing" in tags:
                assert cell == ""
            if "birth_date_serial" in tags:  # Excel's day count from 1899-12-30
                assert dt.date(1899, 12, 30) + dt.timedelta(days=int(cell)) == born
            if "birth_date_month_name" in tags:
                assert re.fullmatch(r"\d{1,2}[ -][A-Z][a-z]+[ -]\d{4}", cell), cell
            if "birth_date_swap" in tags:
                assert cell == f"{born.month:02d}/{born.day:02d}/{born.year}"
            seen.update(tags)
    for tag in ("birth_date_missing", "birth_date_serial", "birth_date_month_name",
                "birth_date_format"):
        assert seen[tag] > 0


def test_dirt_rates_are_in_the_low_per_cent(world):
    """Tags that apply to every row with a fixed rate come out near that rate."""
    rates = Rates()
    expected = {"nik_format": rates.nik_format, "nik_typo": rates.nik_typo,
                "name_case": rates.name_case, "name_spaces": rates.name_spaces,
                "birth_date_serial": rates.date_serial, "birth_date_missing": rates.date_missing,
                "sex_form": rates.sex_form, "village_missing": rates.village_missing,
                "nik_sci": rates.nik_sci}
    rows = [t for code in PROGRAMS for _, t in world.lists[code]]
    counts = Counter(tag for t in rows for tag in _tags(t))
    for tag, rate in expected.items():
        n = len(rows) - (len(world.lists["PIP"]) if tag == "nik_sci" else 0)
        assert 0.5 <= counts[tag] / (rate * n) <= 1.6, (tag, counts[tag], rate * n)
    clean = sum(1 for t in rows if not _tags(t))
    assert 0.55 <= clean / len(rows) <= 0.9  # most rows are clean, as in real lists


def test_persons_on_several_lists_and_twice_on_one(world):
    lists = {code: [int(t["person_id"]) for _, t in world.lists[code]] for code in PROGRAMS}
    on = Counter(p for persons in lists.values() for p in set(persons))
    assert sum(1 for n in on.values() if n >= 2) >= 200
    assert sum(1 for n in on.values() if n >= 4) >= 10
    for code in PROGRAMS:
        count = Counter(lists[code])
        duplicates = [int(t["person_id"]) for _, t in world.lists[code]
                      if "duplicate" in _tags(t)]
        assert duplicates, code
        assert all(count[p] >= 2 for p in duplicates)
        assert len(duplicates) <= 0.03 * len(lists[code])
