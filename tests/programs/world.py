"""A hand-made registry for program tests: four families whose deciles the test sets, scored
through the real readers (targeting.inputs) into a scoring-run snapshot."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq

from bansos.areas.services import areas_load
from bansos.registry.models import Household, Person, SocioEconomicProfile
from bansos.targeting.inputs import households_read, members_read
from bansos.targeting.models import PmtVersion, ScoringRun
from bansos.targeting.scoring import SNAPSHOT_HOUSEHOLD_COLUMNS, snapshot_dir

VILLAGE_A = "35.10.09.2001"
VILLAGE_B = "35.10.09.2002"
VILLAGE_C = "35.10.16.1001"
Q4 = date(2025, 10, 1)  # tahap 4 of 2025: ages are counted on this day


def _family(village: str, kk: str, members: list[dict]) -> Household:
    household = Household.objects.create(kk=kk, village_id=village, rw="001", rt="002", address="Dusun Krajan")
    for n, m in enumerate(members):
        person = Person.objects.create(
            nik=f"{kk[:6]}{m['born']:%d%m%y}{n + 1:04d}", full_name=m["name"], sex=m.get("sex", "L"),
            birth_date=m["born"], household=household, relationship=m.get("rel", "child"),
            school_level=m.get("school", ""), occupation=m.get("job", ""), education=m.get("edu", "SD"),
            disability=m.get("disability", "none"), pregnant=m.get("pregnant", False),
            is_alive=m.get("alive", True))
        if m.get("rel") == "head":
            household.head = person
            household.save()
    SocioEconomicProfile.objects.create(household=household, observed_on=date(2025, 3, 1), source="TEST",
                                        floor_area_m2=36, floor_material="TANAH")
    return household


def world_build() -> dict[str, Household]:
    """PKH family with every component, a desil-5 family, a civil servant's family, a rich one."""
    areas_load(prefixes=["35.10.09", "35.10.16"])
    return {
        "pkh": _family(VILLAGE_A, "3510091203150001", [
            {"name": "SUTRISNO", "born": date(1985, 1, 1), "rel": "head", "job": "PETANI/PEKEBUN"},
            {"name": "SITI", "born": date(1990, 5, 5), "rel": "spouse", "sex": "P", "pregnant": True},
            {"name": "ANI", "born": date(2022, 2, 2), "sex": "P"},                      # early childhood
            {"name": "BUDI", "born": date(2015, 3, 3), "school": "SD"},
            {"name": "CICI", "born": date(2012, 4, 4), "school": "SMP", "sex": "P"},
            {"name": "MBAH", "born": date(1950, 6, 6), "rel": "parent", "sex": "P"},    # elderly 75
        ]),
        "desil5": _family(VILLAGE_B, "3510091203150002", [
            {"name": "SLAMET", "born": date(1970, 3, 10), "rel": "head", "job": "PEDAGANG"},
            {"name": "DEWI", "born": date(2016, 1, 1), "school": "SD", "sex": "P"},
        ]),
        "civil_servant": _family(VILLAGE_A, "3510091203150003", [
            {"name": "HARTONO", "born": date(1975, 7, 7), "rel": "head", "job": "PEGAWAI NEGERI SIPIL (PNS)"},
            {"name": "EKO", "born": date(2014, 1, 1), "school": "SD"},
        ]),
        "rich": _family(VILLAGE_C, "3510161203150004", [
            {"name": "WAYAN", "born": date(1980, 4, 5), "rel": "head", "job": "WIRASWASTA"},
        ]),
    }


def scoring_with(deciles: dict[int, int]) -> ScoringRun:
    """A finished scoring run whose snapshot is the registry as it is now, with the given
    national deciles (household id -> decile; others unranked)."""
    pmt, _ = PmtVersion.objects.get_or_create(version="test", defaults={
        "body": "", "sha256": "0" * 64, "fitted_on": date(2025, 1, 1)})
    run = ScoringRun.objects.create(pmt=pmt, status=ScoringRun.Status.DONE)
    households, members = households_read(), members_read()
    ids = households.column("household_id").to_pylist()
    decile = pa.array([deciles.get(i, 0) for i in ids], pa.int8())
    snapshot = pa.table({
        "household_id": households.column("household_id"), "decile": decile,
        "decile_regional": decile, "criteria_decile": decile,
        "score": pa.array([float(deciles.get(i, 0)) or None for i in ids], pa.float64()),
        "criteria_met": pa.array([0] * len(ids), pa.int8()),
        "members_alive": pa.array(households.column("household_size").to_pylist(), pa.int32()),
        **{name: households.column(name) for name in
           ("province_code", "regency_code", "district_code", "village_code", "urban")},
    }).select(SNAPSHOT_HOUSEHOLD_COLUMNS)
    folder = snapshot_dir(run)
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(snapshot, folder / "households.parquet")
    pq.write_table(members, folder / "members.parquet")
    return run
