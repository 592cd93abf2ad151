"""Time in the population: deaths in the last three years, the civil registry's death records,
and membership histories of people who split off, married in or moved."""

import csv
from collections import Counter, defaultdict

import numpy as np

from bansos.demo.generate import AS_OF

YEAR = np.timedelta64(365, "D")


def _read(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _memberships(world) -> dict[int, list[dict[str, object]]]:
    """Per person row index: their memberships, in file order."""
    m = world.memberships
    out: dict[int, list[dict[str, object]]] = defaultdict(list)
    for i in range(len(m["person_id"])):
        out[int(m["person_id"][i]) - 1].append({key: m[key][i] for key in m})
    return out


def test_some_people_died_in_the_last_three_years(world):
    pp = world.persons
    dead = ~pp["alive"]
    assert 0.003 <= dead.mean() <= 0.03
    assert np.isnat(pp["death_date"][~dead]).all() and not np.isnat(pp["death_date"][dead]).any()
    died = pp["death_date"][dead]
    assert (died > pp["birth_date"][dead]).all()
    assert (died < AS_OF).all() and (died >= AS_OF - 3 * YEAR - np.timedelta64(1, "D")).all()
    # Mortality rises with age.
    age = world.age
    assert dead[age >= 60].mean() > 3 * dead[age < 40].mean()


def test_civil_registry_knows_the_dead(world):
    pp = world.persons
    dead = np.flatnonzero(~pp["alive"])
    deaths = _read(world.summary.files["dukcapil_deaths"])
    assert sorted(r["NIK"] for r in deaths) == sorted(pp["nik"][dead].tolist())
    when = {n: str(d) for n, d in zip(pp["nik"][dead], pp["death_date"][dead], strict=True)}
    assert all(r["TGL_KEMATIAN"] == when[r["NIK"]] for r in deaths)
    assert [r["TGL_KEMATIAN"] for r in deaths] == sorted(r["TGL_KEMATIAN"] for r in deaths)
    dukcapil = _read(world.summary.files["dukcapil"])
    status = Counter((r["STATUS"], r["TGL_KEMATIAN"] == "") for r in dukcapil)
    assert status == {("HIDUP", True): int(pp["alive"].sum()), ("MATI", False): len(dead)}


def test_membership_histories_are_consistent(world):
    pp = world.persons
    histories = _memberships(world)
    assert set(histories) == set(range(len(pp["nik"])))
    for p, rows in histories.items():
        current = rows[-1]  # sorted by start: the current household comes last
        assert current["household_id"] == pp["household_id"][p]
        assert current["relationship"] == pp["relationship"][p]
        assert sum(r["household_id"] == pp["household_id"][p] for r in rows) == 1
        if pp["alive"][p]:
            assert np.isnat(current["end_date"]) and current["end_reason"] is None
        else:
            assert current["end_reason"] == "death"
            assert current["end_date"] == pp["death_date"][p]
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert earlier["end_reason"] in ("split", "married", "moved")
            assert earlier["end_date"] <= later["start_date"]
        for r in rows:
            assert pp["birth_date"][p] <= r["start_date"] < AS_OF
            assert np.isnat(r["end_date"]) or r["start_date"] <= r["end_date"] < AS_OF


def test_moves_splits_and_marriages_are_who_they_say(world):
    pp = world.persons
    born = pp["birth_date"]
    reasons = Counter()
    for p, rows in _memberships(world).items():
        for r in rows[:-1]:
            reason = r["end_reason"]
            reasons[reason] += 1
            age_then = (r["end_date"] - born[p]) / YEAR
            now = pp["relationship"][p]
            if reason == "split":  # a grown child who set up their own family card
                assert r["relationship"] == "ANAK" and now == "KEPALA KELUARGA"
                assert age_then >= 16
            elif reason == "married":  # left the parents' card on marriage
                assert r["relationship"] == "ANAK"
                assert now in ("ISTRI", "SUAMI", "MENANTU", "KEPALA KELUARGA")
                assert age_then >= 16
            else:
                assert reason == "moved" and r["relationship"] in ("ANAK", "ORANG TUA",
                                                                   "FAMILI LAIN")
    n = len(pp["nik"])
    assert reasons["split"] >= 0.03 * n and reasons["married"] >= 0.03 * n
    assert reasons["moved"] >= 0.005 * n


def test_spouses_married_as_adults(world):
    """Nobody joined a household as wife, husband or in-law before 16."""
    pp = world.persons
    histories = _memberships(world)
    joined = [(histories[p][-1]["start_date"] - pp["birth_date"][p]) / YEAR
              for p in np.flatnonzero(np.isin(pp["relationship"], ["ISTRI", "SUAMI", "MENANTU"]))]
    assert len(joined) > 500 and min(joined) >= 16
    assert 18 <= np.median(joined) <= 30


def test_earlier_households_are_plausible(world):
    """Who lived as ANAK in an earlier household was 15+ years younger than its head; the
    family card was issued when the household was formed or later."""
    pp, hh, age = world.persons, world.households, world.age
    oldest_head = defaultdict(float)
    heads = np.flatnonzero(pp["relationship"] == "KEPALA KELUARGA")
    for p in heads.tolist():
        h = int(pp["household_id"][p])
        oldest_head[h] = max(oldest_head[h], age[p])
    checked = 0
    for p, rows in _memberships(world).items():
        for r in rows[:-1]:
            if r["relationship"] == "ANAK":
                assert oldest_head[int(r["household_id"])] >= age[p] + 15
                checked += 1
            assert r["household_id"] != pp["household_id"][p]
    assert checked > 500
    start = {}
    for p, rows in _memberships(world).items():
        if pp["relationship"][p] == "KEPALA KELUARGA":
            start[int(pp["household_id"][p])] = rows[-1]["start_date"]
    issued = dict(zip(hh["household_id"].tolist(), hh["kk_issue_date"], strict=True))
    assert all(issued[h] >= s for h, s in start.items())
