import datetime as dt

import numpy as np
from stdnum.id import nik as stdnum_nik

from bansos.areas import catalog


def _district(village_codes: np.ndarray) -> np.ndarray:
    return np.array([c[:8].replace(".", "") for c in village_codes])


def _first_village(world) -> dict[int, str]:
    """Village of each person's earliest household (where the NIK was registered)."""
    m, hh = world.memberships, world.households
    village_of = dict(zip(hh["household_id"].tolist(), hh["village_code"].tolist(), strict=True))
    first: dict[int, str] = {}
    for pid, hid in zip(m["person_id"].tolist(), m["household_id"].tolist(), strict=True):
        first.setdefault(pid, village_of[hid])  # memberships are sorted by person, start date
    return first


def test_nik_structure(world):
    pp = world.persons
    niks = pp["nik"]
    assert len(set(niks.tolist())) == len(niks)
    assert all(len(n) == 16 and n.isdigit() for n in niks)
    districts = catalog.district_codes_compact()
    assert {n[:6] for n in niks} <= districts
    first = _first_village(world)
    registered = _district(np.array([first[p] for p in pp["person_id"].tolist()]))
    assert (np.array([n[:6] for n in niks]) == registered).all()
    moved_district = (registered != _district(pp["village_code"])).sum()
    assert 0 < moved_district < 0.1 * len(niks)  # some registered elsewhere, most local
    for n, born, sex in zip(niks.tolist(), pp["birth_date"].tolist(), pp["sex"].tolist(),
                            strict=True):
        day = born.day + (40 if sex == "P" else 0)
        assert n[6:12] == f"{day:02d}{born.month:02d}{born.year % 100:02d}"
    assert all(stdnum_nik.is_valid(n) for n in niks[:2000])


def test_nik_serial_counts_per_district_date_and_sex(world):
    groups: dict[str, list[int]] = {}
    for n in world.persons["nik"].tolist():
        groups.setdefault(n[:12], []).append(int(n[12:]))
    for serials in groups.values():
        assert sorted(serials) == list(range(1, len(serials) + 1))


def test_kk_structure(world):
    hh = world.households
    kks = hh["kk"]
    assert len(set(kks.tolist())) == len(kks)
    assert (np.array([k[:6] for k in kks]) == _district(hh["village_code"])).all()
    for k, issued in zip(kks.tolist(), hh["kk_issue_date"].tolist(), strict=True):
        assert k[6:12] == issued.strftime("%d%m%y")
        assert dt.date(2008, 1, 1) <= issued < dt.date(2025, 10, 1)
    pp = world.persons
    kk_of = dict(zip(hh["household_id"].tolist(), kks.tolist(), strict=True))
    assert all(kk_of[h] == k for h, k in zip(pp["household_id"].tolist(), pp["kk"].tolist(),
                                             strict=True))
