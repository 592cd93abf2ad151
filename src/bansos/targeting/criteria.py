"""The legacy "14 BPS criteria" of a poor household (PSE 2005, PPLS 2008): a checklist of the
same proxies the PMT uses, kept as the baseline targeting method the PMT is judged against.

Four criteria (food, clothing, meals, clinic) are not in the registry, so 10 are evaluated.
Labels are matched after trimming and upper-casing; an unknown label meets no criterion."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class Criterion:
    code: str
    number: int
    label_id: str
    label_en: str
    observed: bool  # False: the registry does not record it


CRITERIA = (
    Criterion("floor_area", 1, "Luas lantai < 8 m² per orang", "Floor area < 8 m² per person",
              True),
    Criterion("floor", 2, "Lantai tanah/bambu/kayu murahan", "Floor of earth, bamboo or cheap "
              "wood", True),
    Criterion("wall", 3, "Dinding bambu/rumbia/kayu murahan/tembok tanpa plester",
              "Walls of bamboo, thatch, cheap wood or unplastered", True),
    Criterion("toilet", 4, "Tidak punya jamban atau jamban bersama",
              "No toilet or a shared one", True),
    Criterion("lighting", 5, "Penerangan bukan listrik", "Lighting without electricity", True),
    Criterion("water", 6, "Air minum dari sumur/mata air tak terlindung, sungai, air hujan",
              "Drinking water from an unprotected well or spring, river or rain", True),
    Criterion("cooking_fuel", 7, "Memasak dengan kayu bakar/arang/minyak tanah",
              "Cooking with firewood, charcoal or kerosene", True),
    Criterion("protein", 8, "Daging/susu/ayam sekali seminggu",
              "Meat, milk or chicken once a week", False),
    Criterion("clothing", 9, "Satu stel pakaian baru setahun", "One set of new clothes a year",
              False),
    Criterion("meals", 10, "Makan satu/dua kali sehari", "One or two meals a day", False),
    Criterion("clinic", 11, "Tidak sanggup berobat ke puskesmas/poliklinik",
              "Cannot afford the health clinic", False),
    Criterion("head_income", 12, "Kepala rumah tangga petani gurem, buruh, nelayan",
              "Head is a smallholder farmer, labourer or fisher", True),
    Criterion("head_education", 13, "Pendidikan kepala rumah tangga tidak sekolah/SD",
              "Head has no schooling or primary only", True),
    Criterion("savings", 14, "Tidak punya tabungan/barang ≥ Rp500.000",
              "No savings or goods worth Rp500,000 or more", True),
)
OBSERVED = tuple(c for c in CRITERIA if c.observed)
# The rule "poor if at least 9 of 14" scaled to the 10 observed: 9/14 x 10 = 6.4, so 6.
POOR_THRESHOLD = 6
AREA_PER_PERSON_MAX = 8.0  # m²

# Labels meeting each label criterion: the generator's and the usual registry spellings.
LABELS = {
    "floor": ("floor_material", ("TANAH", "BAMBU", "KAYU/PAPAN", "KAYU/PAPAN KUALITAS RENDAH")),
    "wall": ("wall_material", ("ANYAMAN BAMBU", "BAMBU", "BATANG KAYU", "KAYU/PAPAN",
                               "KAYU/PAPAN KUALITAS RENDAH", "RUMBIA", "LAINNYA",
                               "TEMBOK TANPA PLESTER")),
    "toilet": ("sanitation", ("TIDAK ADA", "BERSAMA", "UMUM")),
    "lighting": ("lighting", ("TIDAK ADA", "BUKAN LISTRIK")),
    "water": ("water_source", ("SUMUR TAK TERLINDUNG", "MATA AIR TAK TERLINDUNG",
                               "AIR SUNGAI/DANAU", "AIR HUJAN")),
    "cooking_fuel": ("cooking_fuel", ("KAYU BAKAR", "ARANG/BRIKET", "MINYAK TANAH")),
    # Plot size is not recorded, so every farmer counts (most hold under 0.5 ha).
    "head_income": ("head_occupation", ("PETANI/PEKEBUN", "BURUH TANI/PERKEBUNAN",
                                        "BURUH HARIAN LEPAS", "NELAYAN/PERIKANAN",
                                        "BURUH NELAYAN/PERIKANAN", "BURUH PETERNAKAN")),
    "head_education": ("head_education", ("TIDAK/BELUM SEKOLAH", "BELUM TAMAT SD/SEDERAJAT",
                                          "TAMAT SD/SEDERAJAT", "SD")),
}


def _label_in(table: pa.Table, column: str, labels: tuple[str, ...]) -> pa.Array:
    text = pc.utf8_upper(pc.utf8_trim_whitespace(pc.cast(table.column(column), pa.string())))
    return pc.is_in(text, value_set=pa.array(labels))  # null stays null


def _floor_area(table: pa.Table) -> pa.Array:
    size = pc.cast(table.column("household_size"), pa.float64())
    size = pc.if_else(pc.less(size, 1), 1.0, size)
    area = pc.cast(table.column("floor_area_m2"), pa.float64())
    return pc.less(pc.divide(area, size), AREA_PER_PERSON_MAX)


def _savings(table: pa.Table) -> pa.Array:
    """No easily sold asset (motorcycle, gold, livestock, car). Three-valued: a known asset
    settles it, an unknown one leaves it unknown (and so not met)."""
    motorcycle = pc.greater(pc.cast(table.column("motorcycles"), pa.int64()), 0)
    owns = motorcycle
    for column in ("has_gold", "has_livestock", "has_car"):
        owns = pc.or_kleene(owns, pc.cast(table.column(column), pa.bool_()))
    return pc.invert(owns)


def criteria_evaluate(table: pa.Table) -> dict[str, np.ndarray]:
    """Per observed criterion code, whether each household meets it (missing values: no)."""
    out: dict[str, pa.Array] = {"floor_area": _floor_area(table)}
    for code, (column, labels) in LABELS.items():
        out[code] = _label_in(table, column, labels)
    out["savings"] = _savings(table)
    return {c.code: _booleans(out[c.code]) for c in OBSERVED}


def _booleans(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return pc.fill_null(values, False).to_numpy(zero_copy_only=False).astype(bool)


def _missing_profile(table: pa.Table) -> np.ndarray:
    return table.column("floor_area_m2").is_null().to_numpy(zero_copy_only=False)


def criteria_count(table: pa.Table) -> np.ndarray:
    """How many observed criteria each household meets (int8); -1 without a profile."""
    count = np.zeros(table.num_rows, dtype=np.int8)
    for met in criteria_evaluate(table).values():
        count += met
    count[_missing_profile(table)] = -1
    return count


def criteria_score(table: pa.Table) -> np.ndarray:
    """A ranking score, lower = poorer: minus the criteria met, then larger households first
    (the size term stays below 0.1, so it never outweighs one criterion); NaN without a
    profile. For `deciles_rank(score=criteria_score(t), persons=...)`."""
    count = criteria_count(table).astype(np.float64)
    size = pc.fill_null(pc.cast(table.column("household_size"), pa.float64()), 0.0)
    size = np.clip(size.to_numpy(zero_copy_only=False), 0.0, 999.0)
    score = -count - size * 1e-4
    score[count < 0] = np.nan
    return score
