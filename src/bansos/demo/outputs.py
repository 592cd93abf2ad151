"""The truth tables (Parquet) and the registry-side files: the Dukcapil extract and death
records, the SUSENAS-like survey sample, and the linkage ground truth."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from bansos.demo import attributes as attr
from bansos.demo import formats as fmt
from bansos.demo import history as hist
from bansos.demo import population as pop
from bansos.demo.lists_context import ProgramList
from bansos.demo.truth import Truth

PMT_COLUMNS = [
    "floor_area_m2", "floor_material", "wall_material", "roof_material", "water_source",
    "sanitation", "lighting", "electricity_va", "cooking_fuel", "house_ownership", "motorcycles",
    "has_car", "has_fridge", "has_ac", "has_gold_10g", "has_land", "has_livestock", "has_tv",
    "smartphones",
]  # fmt: skip
SURVEY_SHARE = 0.05


def _relationships(truth: Truth) -> np.ndarray:
    pp = truth.persons
    return pop.relationship_labels(pp["role"], pp["female"])


def persons_table(truth: Truth) -> pa.Table:
    pp, hh, v = truth.persons, truth.households, truth.villages
    h = pp["household"]
    village = hh["village"][h]
    return pa.table(
        {
            "person_id": np.arange(1, len(h) + 1, dtype=np.int64),
            "household_id": (h + 1).astype(np.int64),
            "nik": fmt.digits(pp["nik"]),
            "kk": fmt.digits(hh["kk"][h]),
            "full_name": pp["name"],
            "birth_place": pp["birth_place"],
            "birth_date": fmt.date_array(pp["birth"]),
            "sex": np.where(pp["female"], "P", "L"),
            "relationship": _relationships(truth),
            "education": attr.EDUCATION[pp["education"]],
            "school_level": pa.array(attr.SCHOOL_LEVEL[pp["school"]], type=pa.string()),
            "occupation": attr.OCCUPATION[pp["occupation"]],
            "disability": attr.DISABILITY[pp["disability"]],
            "pregnant": pp["pregnant"],
            "alive": pp["death"] < 0,
            "death_date": fmt.date_array(pp["death"], optional=True),
            "village_code": v.code[village],
            "rw": fmt.padded(hh["rw"][h]),
            "rt": fmt.padded(hh["rt"][h]),
            "address": hh["address"][h],
            "phone": pa.array(_phones(truth), type=pa.string()),
        }
    )


# Mobile prefixes of the big operators (Telkomsel, Indosat, XL).
_MOBILE_PREFIXES = np.array(["0812", "0813", "0852", "0857", "0819", "0878"], dtype=object)


def _phones(truth: Truth) -> np.ndarray:
    """A mobile number for most adult heads and spouses (the socio-economic registry asks for
    one), derived from the NIK so the demo stays deterministic; none for everyone else."""
    pp = truth.persons
    nik = pp["nik"].astype(np.int64)
    adult = (truth.as_of - pp["birth"]) >= 17 * hist.YEAR
    has = adult & np.isin(pp["role"], (pop.HEAD, pop.SPOUSE)) & (nik * 7 % 10 < 8)
    digits = (nik * 2654435761) % 10**8
    numbers = _MOBILE_PREFIXES[nik % len(_MOBILE_PREFIXES)] + np.char.zfill(digits.astype(str), 8).astype(object)
    return np.where(has, numbers, None)


def households_table(truth: Truth) -> pa.Table:
    pp, hh, v = truth.persons, truth.households, truth.villages
    head = hh["head"]
    columns: dict[str, object] = {
        "household_id": np.arange(1, len(head) + 1, dtype=np.int64),
        "kk": fmt.digits(hh["kk"]),
        "kk_issue_date": fmt.date_array(hh["issued"]),
        "village_code": v.code[hh["village"]],
        "rw": fmt.padded(hh["rw"]),
        "rt": fmt.padded(hh["rt"]),
        "address": hh["address"],
        "urban": v.urban[hh["village"]],
        "head_person_id": (head + 1).astype(np.int64),
        "household_size": hh["size"].astype(np.int32),
        "head_education": attr.EDUCATION[pp["education"][head]],
        "head_occupation": attr.OCCUPATION[pp["occupation"][head]],
    }
    columns.update({name: hh[name] for name in PMT_COLUMNS})
    columns["true_pce"] = hh["pce"]
    columns["true_decile"] = hh["decile"]
    return pa.table(columns)


def memberships_table(truth: Truth) -> pa.Table:
    """Current memberships (ended by death where the person died) and earlier ones."""
    pp, m = truth.persons, truth.movers
    n = len(pp["household"])
    dead = pp["death"] >= 0
    person = np.r_[np.arange(n), m.person]
    household = np.r_[pp["household"], m.household]
    relationship = np.r_[_relationships(truth), m.relationship]
    start = np.r_[pp["start"], m.start]
    end = np.r_[np.where(dead, pp["death"], -1), m.end]
    reason = np.r_[np.where(dead, "death", None), m.reason]
    order = np.lexsort((start, person))
    return pa.table(
        {
            "person_id": (person[order] + 1).astype(np.int64),
            "household_id": (household[order] + 1).astype(np.int64),
            "relationship": relationship[order].astype(str),
            "start_date": fmt.date_array(start[order]),
            "end_date": fmt.date_array(end[order], optional=True),
            "end_reason": pa.array(reason[order], type=pa.string()),
        }
    )


def dukcapil_table(truth: Truth) -> pa.Table:
    """The civil registry's clean view of every person (all are alive or died recently)."""
    pp, hh, v = truth.persons, truth.households, truth.villages
    h = pp["household"]
    columns = {
        "NIK": fmt.digits(pp["nik"]),
        "NO_KK": fmt.digits(hh["kk"])[h],
        "NAMA_LGKP": pp["name"],
        "TMPT_LHR": pp["birth_place"],
        "TGL_LHR": fmt.format_dates(pp["birth"], "iso"),
        "JENIS_KLMIN": fmt.sex_codes(pp["female"], "word"),
        "STAT_HBKEL": _relationships(truth),
        "ALAMAT": hh["address"][h],
        "NO_RT": fmt.padded(hh["rt"][h]),
        "NO_RW": fmt.padded(hh["rw"][h]),
        "KODE_DESA": v.code[hh["village"][h]],
        "STATUS": np.where(pp["death"] < 0, "HIDUP", "MATI").astype(object),
        "TGL_KEMATIAN": fmt.format_dates(pp["death"], "iso", optional=True),
    }
    return pa.table({k: pa.array(c, type=pa.string()) for k, c in columns.items()})


def deaths_table(truth: Truth) -> pa.Table:
    pp = truth.persons
    dead = np.flatnonzero(pp["death"] >= 0)
    order = dead[np.argsort(pp["death"][dead], kind="stable")]
    return pa.table(
        {
            "NIK": pa.array(fmt.digits(pp["nik"][order]), type=pa.string()),
            "NAMA_LGKP": pa.array(pp["name"][order], type=pa.string()),
            "TGL_KEMATIAN": pa.array(
                fmt.format_dates(pp["death"][order], "iso", optional=True), type=pa.string()
            ),
        }
    )


def survey_table(truth: Truth, rng: np.random.Generator) -> pa.Table:
    """About 5% of households, sampled within each regency, with design weights and a noisy
    measured per-capita expenditure."""
    pp, hh, v = truth.persons, truth.households, truth.villages
    regency = v.regency_code[hh["village"]]
    _, stratum = np.unique(regency, return_inverse=True)
    size = np.bincount(stratum)
    take = np.maximum(1, np.rint(size * SURVEY_SHARE)).astype(np.int64)
    key = rng.random(len(stratum))
    rank = np.empty(len(stratum), dtype=np.int64)
    order = np.lexsort((key, stratum))
    starts = np.searchsorted(stratum[order], stratum[order], side="left")
    rank[order] = np.arange(len(order)) - starts
    sample = np.flatnonzero(rank < take[stratum])
    sample = sample[np.lexsort((sample, stratum[sample]))]
    measured = hh["pce"][sample] * np.exp(rng.normal(0.0, 0.15, len(sample)))
    head = hh["head"][sample]
    columns: dict[str, object] = {
        "survey_id": np.arange(1, len(sample) + 1, dtype=np.int64),
        "household_id": (sample + 1).astype(np.int64),
        "regency_code": regency[sample],
        "village_code": v.code[hh["village"][sample]],
        "urban": v.urban[hh["village"][sample]],
        "weight": (size / take)[stratum[sample]],
        "household_size": hh["size"][sample],
        "head_education": attr.EDUCATION[pp["education"][head]],
        "head_occupation": attr.OCCUPATION[pp["occupation"][head]],
    }
    columns.update({name: hh[name][sample] for name in PMT_COLUMNS})
    columns["pce_measured"] = (np.rint(measured / 100) * 100).astype(np.int64)
    return pa.table(columns)


def ground_truth_table(lists: list[ProgramList]) -> pa.Table:
    return pa.table(
        {
            "source": pa.array(
                np.concatenate([np.full(len(p.person), p.code, dtype=object) for p in lists]),
                type=pa.string(),
            ),
            "row_number": pa.array(np.concatenate([p.row_label for p in lists]), type=pa.string()),
            "person_id": np.concatenate([p.person + 1 for p in lists]).astype(np.int64),
            "household_id": np.concatenate([p.household + 1 for p in lists]).astype(np.int64),
            "dirt": pa.array(np.concatenate([p.dirt for p in lists]), type=pa.string()),
        }
    )
