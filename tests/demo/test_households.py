"""Household composition: sizes, one living head, couples, generations, plausible ages."""

from collections import Counter

import numpy as np

RELATIONSHIPS = {"KEPALA KELUARGA", "ISTRI", "SUAMI", "ANAK", "ORANG TUA", "MERTUA", "CUCU",
                 "MENANTU", "FAMILI LAIN"}
COUPLE = ("KEPALA KELUARGA", "ISTRI", "SUAMI")


def _households(world) -> list[np.ndarray]:
    """Person row indices grouped by household (persons are sorted by household)."""
    hid = world.persons["household_id"]
    assert (np.diff(hid) >= 0).all()
    return np.split(np.arange(len(hid)), np.flatnonzero(np.diff(hid)) + 1)


def test_household_sizes_are_plausible(world):
    pp, hh = world.persons, world.households
    size = hh["household_size"]
    living = np.bincount(pp["household_id"][pp["alive"]], minlength=len(size) + 1)[1:]
    assert (size == living).all()  # the size counts living members only
    assert (size >= 1).all() and size.max() <= 15
    assert 3.0 <= size.mean() <= 4.5  # Indonesia: about 3.8 persons per household
    assert 0.05 <= (size == 1).mean() <= 0.2
    assert 0.1 <= (size >= 6).mean() <= 0.3
    assert world.summary.households == len(size)
    assert set(pp["relationship"].tolist()) <= RELATIONSHIPS


def test_exactly_one_living_head_who_is_the_households_head(world):
    pp, hh = world.persons, world.households
    living_heads = (pp["relationship"] == "KEPALA KELUARGA") & pp["alive"]
    per_household = np.bincount(pp["household_id"][living_heads], minlength=len(hh["kk"]) + 1)
    assert (per_household[1:] == 1).all()
    head = hh["head_person_id"] - 1
    assert (pp["relationship"][head] == "KEPALA KELUARGA").all()
    assert pp["alive"][head].all()
    assert (pp["household_id"][head] == hh["household_id"]).all()
    assert (hh["head_education"] == pp["education"][head]).all()
    # A dead head keeps the label on the card until it is re-issued: only the dead may
    # share it (see history.py).
    heads = Counter(pp["household_id"][pp["relationship"] == "KEPALA KELUARGA"].tolist())
    twice = [h for h, n in heads.items() if n > 1]
    assert all(n <= 2 for n in heads.values())
    assert len(twice) < 0.05 * len(heads)


def test_couples_are_of_opposite_sex_and_adult(world):
    pp, age = world.persons, world.age
    rel, sex = pp["relationship"], pp["sex"]
    assert (sex[rel == "ISTRI"] == "P").all()
    assert (sex[rel == "SUAMI"] == "L").all()
    with_spouse = 0
    for rows in _households(world):
        spouses = rows[np.isin(rel[rows], ["ISTRI", "SUAMI"])]
        assert len(spouses) <= 1
        if len(spouses):
            with_spouse += 1
            head = rows[(rel[rows] == "KEPALA KELUARGA") & pp["alive"][rows]]
            assert sex[spouses[0]] != sex[head[0]]
    assert 0.6 <= with_spouse / len(world.households["kk"]) <= 0.9
    assert age[np.isin(rel, COUPLE + ("MENANTU",))].min() >= 17
    female_heads = ((rel == "KEPALA KELUARGA") & (sex == "P") & pp["alive"]).sum()
    assert 0.08 <= female_heads / len(world.households["kk"]) <= 0.35


def test_generations_are_spaced_by_age(world):
    """Children 15+ years younger than both parents, grandchildren a generation below the
    children, parents (ORANG TUA, MERTUA) older than the couple."""
    rel, age = world.persons["relationship"], world.age
    seen = Counter()
    for rows in _households(world):
        couple = age[rows[np.isin(rel[rows], COUPLE)]]
        for kind in ("ANAK", "CUCU", "ORANG TUA", "MERTUA"):
            ages = age[rows[rel[rows] == kind]]
            if not len(ages):
                continue
            seen[kind] += 1
            if kind == "ANAK":
                assert couple.min() - ages.max() >= 15
            elif kind == "CUCU":
                assert couple.max() - ages.max() >= 30
            else:
                assert ages.min() - couple.min() >= 15
    assert all(seen[kind] >= 20 for kind in ("ANAK", "CUCU", "ORANG TUA", "MERTUA"))


def test_ages_and_person_attributes_are_plausible(world):
    pp, age = world.persons, world.age
    assert age.min() >= 0 and age.max() <= 100
    assert 20 <= np.median(age) <= 35  # Indonesia's median age is about 30
    assert 0.2 <= (age < 15).mean() <= 0.35
    assert 0.03 <= (age >= 65).mean() <= 0.12
    assert 0.45 <= (pp["sex"] == "P").mean() <= 0.55
    assert age[pp["relationship"] == "KEPALA KELUARGA"].min() >= 17
    pregnant = pp["pregnant"]
    assert 0 < pregnant.sum() < 0.05 * len(age)
    assert (pp["sex"][pregnant] == "P").all() and pp["alive"][pregnant].all()
    assert age[pregnant].min() >= 15 and age[pregnant].max() < 50
    bands = {"SD": (6, 13), "SMP": (12, 16), "SMA": (15, 22)}
    for level, (low, high) in bands.items():
        at = pp["school_level"] == level
        assert at.sum() > 0
        assert low <= age[at].min() and age[at].max() < high
    assert set(pp["occupation"][age < 15].tolist()) == {"BELUM/TIDAK BEKERJA", "PELAJAR/MAHASISWA"}
    assert (pp["education"][age < 6] == "TIDAK/BELUM SEKOLAH").all()
