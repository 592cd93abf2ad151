"""Proxy-means-test variables, the latent expenditure, deciles, the survey, and who ends up on
which program list (DOMAIN.md: PKH desil 1-4 with components, BPNT and PBI-JK 1-5, PIP school
children of poor families, BLT 1-4), with realistic targeting errors."""

from collections import Counter

import numpy as np
import pytest

from .conftest import read_csv

FLOOR = ["TANAH", "BAMBU", "KAYU/PAPAN", "SEMEN/BATA MERAH", "UBIN/TEGEL/TERASO",
         "KERAMIK/MARMER/GRANIT"]
WALL = ["LAINNYA", "ANYAMAN BAMBU", "BATANG KAYU", "KAYU/PAPAN", "PLESTERAN ANYAMAN BAMBU/KAWAT",
        "TEMBOK"]
FUEL = ["KAYU BAKAR", "ARANG/BRIKET", "MINYAK TANAH", "ELPIJI 3 KG", "ELPIJI 5,5 KG/BLUE GAZ",
        "ELPIJI 12 KG/GAS KOTA", "LISTRIK"]
SANITATION = ["TIDAK ADA", "BERSAMA", "SENDIRI"]
EDUCATION = ["TIDAK/BELUM SEKOLAH", "SD", "SMP", "SMA", "D1-D3", "S1+"]
ASSETS = ["has_car", "has_fridge", "has_ac", "has_gold_10g", "has_land", "has_livestock",
          "has_tv"]


def _design(get) -> np.ndarray:
    """A small PMT design: size, space per person, house quality as ordinals, assets."""
    size = get("household_size").astype(float)
    columns = [np.ones(len(size)), np.log(size),
               np.log(get("floor_area_m2").astype(float) / size),
               get("urban").astype(float), get("motorcycles").astype(float),
               get("smartphones").astype(float), get("electricity_va").astype(float) / 1000]
    for name, levels in (("floor_material", FLOOR), ("wall_material", WALL),
                         ("cooking_fuel", FUEL), ("sanitation", SANITATION),
                         ("head_education", EDUCATION)):
        columns.append(np.array([levels.index(v) for v in get(name)], dtype=float))
    columns += [get(name).astype(float) for name in ASSETS]
    return np.column_stack(columns)


def _r2(x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Adjusted R^2 and coefficients of an OLS fit."""
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta
    n, k = x.shape
    return 1 - (resid.var() * (n - 1)) / (y.var() * (n - k)), beta


@pytest.fixture(scope="module")
def survey(world) -> dict[str, np.ndarray]:
    rows = read_csv(world.summary.files["survey"], ",")
    out = {key: np.array([r[key] for r in rows], dtype=object) for key in rows[0]}
    for key in ("urban", *ASSETS):
        out[key] = out[key] == "true"
    for key in ("household_id", "household_size", "floor_area_m2", "motorcycles", "smartphones",
                "electricity_va", "pce_measured"):
        out[key] = out[key].astype(np.int64)
    out["weight"] = out["weight"].astype(float)
    return out


def test_pmt_variables_predict_expenditure_like_a_real_pmt(world, survey):
    """Log per-capita expenditure regressed on the proxies: R^2 of a real PMT (0.3-0.8), on
    the survey's measured expenditure and on the true one of every household."""
    hh = world.households
    r2_all, beta = _r2(_design(lambda c: hh[c]), np.log(hh["true_pce"].astype(float)))
    assert 0.35 <= r2_all <= 0.75
    assert beta[1] < 0  # bigger households spend less per person
    assert beta[2] > 0 and beta[7] > 0  # more space per person, a better floor
    r2_survey, _ = _r2(_design(lambda c: survey[c]), np.log(survey["pce_measured"].astype(float)))
    assert 0.3 <= r2_survey <= 0.8
    # Nothing to find in noise: the same design on shuffled expenditure explains nothing.
    shuffled = np.random.default_rng(0).permutation(np.log(hh["true_pce"].astype(float)))
    assert _r2(_design(lambda c: hh[c]), shuffled)[0] < 0.02


def test_survey_is_a_weighted_sample_with_noisy_measured_expenditure(world, survey):
    hh = world.households
    n = len(hh["household_id"])
    assert 0.03 * n <= len(survey["household_id"]) <= 0.07 * n
    assert len(set(survey["household_id"].tolist())) == len(survey["household_id"])
    at = survey["household_id"] - 1
    regency = np.array([c[:5] for c in hh["village_code"]])
    assert (survey["regency_code"] == regency[at]).all()
    for code in np.unique(regency):  # design weights add up to each regency's households
        mine = survey["regency_code"] == code
        assert survey["weight"][mine].sum() == pytest.approx((regency == code).sum())
    for column in ("household_size", "floor_area_m2", "floor_material", "has_fridge"):
        assert (survey[column] == hh[column][at]).all()
    ratio = np.log(survey["pce_measured"] / hh["true_pce"][at])
    assert abs(ratio.mean()) < 0.05 and 0.08 <= ratio.std() <= 0.25


def test_deciles_are_equal_tenths_of_persons(world):
    """DOMAIN.md: desil 1-10 are equal tenths of the population, poorest first."""
    hh = world.households
    decile, size, pce = hh["true_decile"], hh["household_size"], hh["true_pce"]
    persons = np.bincount(decile, weights=size, minlength=11)[1:] / size.sum()
    assert np.abs(persons - 0.1).max() < 0.01
    for k in range(1, 10):
        assert pce[decile == k].max() <= pce[decile == k + 1].min()
    # Poor households are bigger, so the poorest tenth of persons is fewer households.
    assert (decile == 1).sum() < (decile == 10).sum()
    assert 200_000 <= np.median(pce[decile == 1]) <= 600_000  # rupiah per person per month
    earth_floor = [np.mean(hh["floor_material"][decile == k] == "TANAH") for k in (1, 10)]
    assert earth_floor[0] > earth_floor[1]
    assert np.mean(hh["has_fridge"][decile == 1]) < np.mean(hh["has_fridge"][decile == 10])


def test_regions_differ_in_welfare(world):
    """Denpasar (a Balinese city) is richer than rural Manggarai in NTT."""
    hh = world.households
    regency = np.array([c[:5] for c in hh["village_code"]])
    assert np.median(hh["true_pce"][regency == "51.71"]) > 1.3 * np.median(
        hh["true_pce"][regency == "53.10"])
    assert hh["urban"][regency == "51.71"].all()


def _listed_households(world, code: str) -> np.ndarray:
    return np.array([int(t["household_id"]) for _, t in world.lists[code]
                     if "duplicate" not in t["dirt"]])


@pytest.mark.parametrize(("code", "cutoff", "low_share"), [
    ("PKH", 4, 0.7), ("BPNT", 5, 0.7), ("PBIJK", 5, 0.7), ("PIP", 4, 0.65), ("BLT", 4, 0.7),
])
def test_lists_mostly_reach_their_deciles_with_targeting_errors(world, code, cutoff, low_share):
    decile = world.households["true_decile"]
    listed = decile[np.unique(_listed_households(world, code)) - 1]
    assert (listed <= cutoff).mean() >= low_share
    assert (listed > cutoff + 1).sum() > 0  # inclusion error: some well-off families
    eligible = np.flatnonzero(decile <= cutoff) + 1
    covered = np.isin(eligible, _listed_households(world, code)).mean()
    assert covered < 0.95  # exclusion error: poor families missed
    assert (listed >= 9).mean() < 0.05


def test_family_lists_name_one_person_per_family(world):
    pp = world.persons
    for code, allowed in (("BPNT", {"ISTRI", "KEPALA KELUARGA"}), ("BLT", {"KEPALA KELUARGA"})):
        households = _listed_households(world, code)
        assert len(households) == len(set(households.tolist()))
        people = [world.person(t) for _, t in world.lists[code]]
        assert {pp["relationship"][p] for p in people} == allowed
    # BPNT names the wife where there is one (PKH's and Sembako's pengurus).
    wives = Counter(pp["relationship"][world.person(t)] for _, t in world.lists["BPNT"])
    assert wives["ISTRI"] > wives["KEPALA KELUARGA"]
    # Civil servants, soldiers and police are mostly screened out.
    formal = np.isin(world.households["head_occupation"],
                     ["PEGAWAI NEGERI SIPIL (PNS)", "TENTARA NASIONAL INDONESIA (TNI)",
                      "KEPOLISIAN RI (POLRI)"])
    listed = np.isin(world.households["household_id"], _listed_households(world, "BPNT"))
    assert formal.sum() > 0 and listed[formal].mean() < 0.5 * listed[~formal].mean()


def test_pkh_rows_are_components_and_one_caretaker_per_family(world):
    pp, age = world.persons, world.age
    component = {
        "BUMIL": lambda p: pp["pregnant"][p],
        "AUD": lambda p: age[p] < 6,
        "SD": lambda p: pp["school_level"][p] == "SD",
        "SMP": lambda p: pp["school_level"][p] == "SMP",
        "SMA": lambda p: pp["school_level"][p] == "SMA",
        "DISABILITAS BERAT": lambda p: pp["disability"][p] == "BERAT",
        "LANSIA": lambda p: age[p] >= 70,
        "PENGURUS": lambda p: pp["relationship"][p] in ("ISTRI", "KEPALA KELUARGA"),
    }
    seen = Counter()
    carers = Counter()
    for row, t in world.lists["PKH"]:
        p = world.person(t)
        assert component[row["KOMPONEN"]](p), (row["KOMPONEN"], p)
        seen[row["KOMPONEN"]] += 1
        if row["KOMPONEN"] == "PENGURUS" and "duplicate" not in t["dirt"]:
            carers[t["household_id"]] += 1
    assert set(seen) == set(component)
    assert set(carers.values()) == {1}
    assert set(carers) == {t["household_id"] for _, t in world.lists["PKH"]}


def test_pbijk_covers_every_living_member_of_a_listed_family(world):
    pp = world.persons
    listed = set(_listed_households(world, "PBIJK").tolist())
    persons = {world.person(t) for _, t in world.lists["PBIJK"]}
    living = np.flatnonzero(np.isin(pp["household_id"], list(listed)) & pp["alive"])
    assert set(living.tolist()) <= persons


def test_pip_reaches_school_children(world):
    pp = world.persons
    pupils = [world.person(t) for _, t in world.lists["PIP"]]
    assert all(pp["school_level"][p] in ("SD", "SMP", "SMA") for p in pupils)


def test_stale_lists_still_name_some_deceased(world):
    """Lists were drawn up before the latest deaths: some rows name the dead, not most."""
    pp = world.persons
    dead_rows = sum(not pp["alive"][world.person(t)] for code in ("PKH", "PBIJK", "BLT")
                    for _, t in world.lists[code])
    assert 0 < dead_rows < 0.02 * sum(len(world.lists[c]) for c in ("PKH", "PBIJK", "BLT"))
