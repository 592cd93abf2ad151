"""The 14 BPS criteria baseline on hand-made households."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from bansos.targeting.criteria import (
    CRITERIA,
    OBSERVED,
    POOR_THRESHOLD,
    criteria_count,
    criteria_evaluate,
    criteria_score,
)
from bansos.targeting.deciles import deciles_rank
from bansos.targeting.pmt import PMT_INPUT_SCHEMA

COMFORTABLE = {
    "household_id": 1, "province_code": "35", "urban": False, "household_size": 4,
    "head_education": "SMA", "head_occupation": "WIRASWASTA", "floor_area_m2": 100.0,
    "floor_material": "KERAMIK/MARMER/GRANIT", "wall_material": "TEMBOK",
    "roof_material": "GENTENG", "water_source": "LEDENG", "sanitation": "SENDIRI",
    "lighting": "PLN METERAN", "electricity_va": 1300, "cooking_fuel": "ELPIJI 3 KG",
    "house_ownership": "MILIK SENDIRI", "motorcycles": 1, "has_car": False, "has_fridge": True,
    "has_ac": False, "has_gold": False, "has_land": False, "has_livestock": False,
    "has_tv": True, "smartphones": 2,
}  # fmt: skip
# Per criterion: a change that meets it, and a near miss that does not.
MEETS = {
    "floor_area": ({"floor_area_m2": 28.0}, {"floor_area_m2": 32.0}),  # 7 vs 8 m² per person
    "floor": ({"floor_material": " tanah "}, {"floor_material": "SEMEN/BATA MERAH"}),
    "wall": ({"wall_material": "ANYAMAN BAMBU"},
             {"wall_material": "PLESTERAN ANYAMAN BAMBU/KAWAT"}),
    "toilet": ({"sanitation": "BERSAMA"}, {"sanitation": "SENDIRI"}),
    "lighting": ({"lighting": "TIDAK ADA"}, {"lighting": "NON-PLN"}),
    "water": ({"water_source": "SUMUR TAK TERLINDUNG"}, {"water_source": "SUMUR TERLINDUNG"}),
    "cooking_fuel": ({"cooking_fuel": "MINYAK TANAH"}, {"cooking_fuel": "ELPIJI 12 KG/GAS KOTA"}),
    "head_income": ({"head_occupation": "NELAYAN/PERIKANAN"}, {"head_occupation": "PEDAGANG"}),
    "head_education": ({"head_education": "TIDAK/BELUM SEKOLAH"}, {"head_education": "SMP"}),
    "savings": ({"motorcycles": 0}, {"motorcycles": 0, "has_livestock": True}),
}


def households(*changes: dict[str, object]) -> pa.Table:
    rows = [{**COMFORTABLE, "household_id": i + 1, **c} for i, c in enumerate(changes)]
    return pa.Table.from_pylist(rows, schema=PMT_INPUT_SCHEMA)


def test_fourteen_criteria_ten_observed():
    assert [c.number for c in CRITERIA] == list(range(1, 15))
    assert len(OBSERVED) == 10
    assert {c.number for c in CRITERIA if not c.observed} == {8, 9, 10, 11}
    assert all(c.label_id and c.label_en for c in CRITERIA)
    assert POOR_THRESHOLD == 6  # 9 of 14 scaled to 10 observed
    assert set(criteria_evaluate(households({}))) == set(MEETS)


@pytest.mark.parametrize("code", list(MEETS))
def test_each_criterion_met_once_and_missed_once(code):
    meets, misses = MEETS[code]
    got = criteria_evaluate(households({}, meets, misses))
    assert got[code].tolist() == [False, True, False]
    others = [c for c in got if c != code]
    assert not any(got[c].any() for c in others)
    assert criteria_count(households({}, meets, misses)).tolist() == [0, 1, 0]


def test_a_household_meeting_all_observed_criteria():
    poor = {k: v for meets, _ in MEETS.values() for k, v in meets.items()}
    assert criteria_count(households(poor)).tolist() == [10]


def test_missing_values_meet_nothing_and_missing_profile_is_unranked():
    table = households(
        {"floor_material": None, "sanitation": None, "household_size": None},
        {"floor_area_m2": None, "floor_material": "TANAH"},
        {"motorcycles": None},  # other assets known absent, motorcycles unknown: not met
        {"motorcycles": 0, "has_gold": None},
        {"motorcycles": None, "has_car": True},  # a known car settles it
        {"floor_material": "LANTAI EMAS"},  # an unknown label
    )
    met = criteria_evaluate(table)
    assert not met["floor"][0] and not met["toilet"][0] and not met["floor_area"][0]
    assert met["savings"].tolist() == [False] * 6
    assert not met["floor"][5]
    count = criteria_count(table)
    assert count.tolist() == [0, -1, 0, 0, 0, 0]
    assert np.isnan(criteria_score(table)[1])


def test_score_orders_by_count_then_size_then_input_order():
    table = households(
        {"sanitation": "BERSAMA", "household_size": 2},  # 1 met, small
        {"sanitation": "BERSAMA", "cooking_fuel": "KAYU BAKAR"},  # 2 met
        {"sanitation": "BERSAMA", "household_size": 9},  # 1 met, large
        {"sanitation": "BERSAMA", "household_size": 2},  # tie with the first
    )
    score = criteria_score(table)
    assert score.dtype == np.float64
    assert np.argsort(score, kind="stable").tolist() == [1, 2, 0, 3]
    assert score[1] < score[2] < score[0] == score[3]
    deciles = deciles_rank(score=score, persons=np.ones(4, dtype=int))
    assert deciles.tolist() == [7, 2, 4, 9]
