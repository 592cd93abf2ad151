"""Golden tests of the rules engine on hand-made households, one rule at a time."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pyarrow as pa
import pytest

from bansos.targeting.engine import (
    DECISION_SCHEMA,
    PREVIEW_SCHEMA,
    rules_evaluate,
    rules_preview,
)
from bansos.targeting.rules import RULES_DIR, ProgramRules, rules_load, rules_parse

REF = date(2025, 7, 1)
PNS = "PEGAWAI NEGERI SIPIL (PNS)"
HOUSEHOLD_TYPES = {
    "household_id": pa.int64(), "decile": pa.int8(), "decile_regional": pa.int8(),
    "score": pa.float64(), "criteria_met": pa.int8(), "members_alive": pa.int32(),
    "province_code": pa.string(), "regency_code": pa.string(), "district_code": pa.string(),
    "village_code": pa.string(), "urban": pa.bool_(),
}  # fmt: skip
MEMBER_TYPES = {
    "household_id": pa.int64(), "person_id": pa.int64(), "birth_date": pa.date32(),
    "sex": pa.string(), "relationship": pa.string(), "school_level": pa.string(),
    "disability": pa.string(), "pregnant": pa.bool_(), "occupation": pa.string(),
    "education": pa.string(), "alive": pa.bool_(),
}  # fmt: skip


def rules(program: str) -> ProgramRules:
    return rules_load(RULES_DIR / f"{program}-2025.1.toml")


def born(age: int) -> date:
    """A birth date giving `age` complete years at REF."""
    return date(REF.year - age, 1, 15)


def household(household_id: int, members: list[dict], **fields) -> tuple[dict, list[dict]]:
    """A household row (desil 2 by default) and its member rows, numbered from household_id*10."""
    rows = []
    for n, m in enumerate(members):
        row = {"household_id": household_id, "person_id": household_id * 10 + n,
               "birth_date": born(m.pop("age", 40)), "sex": "P", "relationship": "other",
               "school_level": "", "disability": "none", "pregnant": False,
               "occupation": "PETANI/PEKEBUN", "education": "SD", "alive": True}
        row.update(m)
        rows.append(row)
    row = {"household_id": household_id, "decile": 2, "decile_regional": 2,
           "score": 10.0 + household_id / 1000, "criteria_met": 5,
           "members_alive": sum(r["alive"] for r in rows), "province_code": "35",
           "regency_code": "35.10", "district_code": "35.10.09",
           "village_code": "35.10.09.2001", "urban": False}
    row.update(fields)
    return row, rows


def tables(families: list[tuple[dict, list[dict]]], flags: list[tuple[int, str]] = ()):
    hh_rows = [h for h, _ in families]
    extra = {k: pa.int8() for k in hh_rows[0] if k not in HOUSEHOLD_TYPES}
    types = {**HOUSEHOLD_TYPES, **extra}
    households = pa.table({k: pa.array([h[k] for h in hh_rows], t) for k, t in types.items()})
    member_rows = [m for _, ms in families for m in ms]
    members = pa.table({k: pa.array([m[k] for m in member_rows], t) for k, t in MEMBER_TYPES.items()})
    flag_table = pa.table({"household_id": pa.array([f[0] for f in flags], pa.int64()),
                           "flag": pa.array([f[1] for f in flags], pa.string())})
    return households, members, flag_table


def evaluate(program: ProgramRules, families, flags=(), **kwargs) -> dict[int, dict]:
    households, members, flag_table = tables(families, flags)
    out = rules_evaluate(rules=program, households=households, members=members,
                         flags=flag_table, reference_date=REF, **kwargs)
    assert out.schema == DECISION_SCHEMA
    result = {}
    for row in out.to_pylist():
        row["components"] = {c["code"]: c for c in json.loads(row["components"])}
        row["reasons"] = json.loads(row["reasons"])
        row["codes"] = [r["code"] for r in row["reasons"]]
        # Every decision explains itself and ends with its verdict; the amount adds up.
        assert row["codes"][-1] == ("eligible" if row["eligible"] else "not_eligible")
        if row["eligible"]:
            assert row["amount"] == sum(c["amount"] for c in row["components"].values())
        else:
            assert row["amount"] == row["persons"] == 0
        result[row["household_id"]] = row
    return result


def reason(row: dict, code: str) -> dict:
    return next(r["params"] for r in row["reasons"] if r["code"] == code)


HEAD = {"age": 40, "relationship": "head", "sex": "L"}


def test_pkh_every_component_and_its_amount_per_tahap():
    out = evaluate(rules("pkh"), [
        household(1, [HEAD, {"age": 28, "pregnant": True}]),
        household(2, [HEAD, {"age": 3}]),
        household(3, [HEAD, {"age": 8, "school_level": "SD"}]),
        household(4, [HEAD, {"age": 13, "school_level": "SMP"}]),
        household(5, [HEAD, {"age": 17, "school_level": "SMA"}]),
        household(6, [HEAD, {"age": 30, "disability": "severe"}]),
        household(7, [HEAD, {"age": 72}]),
        household(8, [HEAD, {"age": 6, "school_level": "SD"}]),  # a 6-year-old at SD counts as SD
        household(9, [HEAD, {"age": 6}]),
        household(10, [HEAD, {"age": 22, "school_level": "SMA"}]),  # past school age
        household(11, [HEAD, {"age": 30, "disability": "mild"}]),
    ])
    expected = {1: ("pregnant", 750_000), 2: ("early_childhood", 750_000), 3: ("sd", 225_000),
                4: ("smp", 375_000), 5: ("sma", 500_000), 6: ("severe_disability", 600_000),
                7: ("elderly", 600_000), 8: ("sd", 225_000), 9: ("early_childhood", 750_000)}
    for household_id, (code, amount) in expected.items():
        row = out[household_id]
        assert row["eligible"] and row["amount"] == amount, household_id
        assert row["components"] == {code: {"code": code, "qualifying": 1, "paid": 1,
                                            "unit_amount": amount, "amount": amount}}
        assert row["persons"] == 2
    for household_id in (10, 11):
        assert not out[household_id]["eligible"]
        assert out[household_id]["codes"] == ["decile_within", "no_component", "not_eligible"]


@pytest.mark.parametrize(("member", "count", "code", "paid", "amount"), [
    ({"age": 3}, 3, "early_childhood", 2, 1_500_000),
    ({"age": 75}, 2, "elderly", 1, 600_000),
    ({"age": 30, "disability": "severe"}, 2, "severe_disability", 1, 600_000),
    ({"age": 25, "pregnant": True}, 3, "pregnant", 2, 1_500_000),
])
def test_pkh_maximum_per_component(member, count, code, paid, amount):
    row = evaluate(rules("pkh"), [household(1, [HEAD] + [dict(member) for _ in range(count)])])[1]
    assert row["amount"] == amount
    assert row["components"][code]["qualifying"] == count
    assert row["components"][code]["paid"] == paid
    params = reason(row, "component_max")
    assert (params["code"], params["qualifying"], params["max"]) == (code, count, paid)


def test_pkh_household_cap_keeps_the_four_highest_amounts():
    row = evaluate(rules("pkh"), [household(1, [
        HEAD, {"age": 25, "pregnant": True}, {"age": 2}, {"age": 16, "school_level": "SMA"},
        {"age": 13, "school_level": "SMP"}, {"age": 9, "school_level": "SD"},
        {"age": 7, "school_level": "SD"},
    ])])[1]
    assert row["amount"] == 750_000 + 750_000 + 500_000 + 375_000
    assert row["components"]["sd"] == {"code": "sd", "qualifying": 2, "paid": 0,
                                       "unit_amount": 225_000, "amount": 0}
    assert reason(row, "max_members") == {"members": 6, "max": 4}


def test_pkh_one_component_per_member():
    out = evaluate(rules("pkh"), [
        household(1, [HEAD, {"age": 75, "disability": "severe"}]),
        # An elderly couple, one severely disabled: each is paid once, both are paid.
        household(2, [HEAD, {"age": 75, "disability": "severe"}, {"age": 71}]),
        # Three toddlers, the eldest severely disabled: the two with no other option take the
        # early-childhood places, the eldest the disability.
        household(3, [HEAD, {"age": 5, "disability": "severe"}, {"age": 3}, {"age": 2}]),
        # A pregnant SMA pupil counts for the higher amount (pregnancy).
        household(4, [HEAD, {"age": 17, "school_level": "SMA", "pregnant": True}]),
        # ...unless both pregnancy places go to others: then she is paid as a pupil.
        household(5, [HEAD, {"age": 17, "school_level": "SMA", "pregnant": True},
                      {"age": 25, "pregnant": True}, {"age": 30, "pregnant": True}]),
    ])
    assert out[1]["amount"] == 600_000
    assert out[1]["components"]["elderly"]["paid"] == 0
    assert reason(out[1], "one_component_per_member") == {"members": 1}
    assert out[2]["amount"] == 1_200_000
    assert out[3]["amount"] == 750_000 * 2 + 600_000
    assert out[3]["components"]["early_childhood"]["paid"] == 2
    assert out[4]["amount"] == 750_000
    assert out[4]["components"]["sma"]["paid"] == 0
    assert out[5]["amount"] == 750_000 * 2 + 500_000
    assert out[5]["components"]["sma"]["paid"] == 1


def test_dead_members_never_count_and_a_household_without_the_living_is_excluded():
    out = evaluate(rules("pkh"), [
        household(1, [HEAD, {"age": 3, "alive": False}, {"age": 8, "school_level": "SD"}]),
        household(2, [{"age": 80, "alive": False}]),
    ])
    assert out[1]["amount"] == 225_000
    assert "early_childhood" not in out[1]["components"]
    assert out[1]["persons"] == 2
    assert not out[2]["eligible"]
    assert out[2]["codes"] == ["excluded_deceased", "decile_within", "not_eligible"]


def test_occupation_exclusion_takes_living_adults_only():
    out = evaluate(rules("pkh"), [
        household(1, [{**HEAD, "occupation": PNS}, {"age": 8, "school_level": "SD"}]),
        household(2, [HEAD, {"age": 70, "occupation": "PENSIUNAN", "alive": False},
                      {"age": 8, "school_level": "SD"}]),
        household(3, [HEAD, {"age": 17, "occupation": "KEPOLISIAN RI (POLRI)"},
                      {"age": 8, "school_level": "SD"}]),
    ])
    assert not out[1]["eligible"]
    assert out[1]["reasons"][0] == {"code": "excluded_occupation",
                                    "params": {"occupation": PNS, "members": 1}}
    assert out[1]["components"] == {}
    assert out[2]["eligible"] and out[3]["eligible"]


def test_flag_exclusion_in_rule_order_and_unknown_flags_ignored():
    out = evaluate(rules("sembako"), [household(1, [HEAD]), household(2, [HEAD])],
                   flags=[(1, "gambling"), (1, "deceased_record"), (1, "gambling"), (2, "other")])
    assert not out[1]["eligible"]
    assert out[1]["reasons"][:2] == [
        {"code": "excluded_flag", "params": {"flag": "deceased_record"}},
        {"code": "excluded_flag", "params": {"flag": "gambling"}},
    ]
    assert out[2]["eligible"]


def test_decile_above_threshold_and_unranked():
    out = evaluate(rules("pkh"), [
        household(1, [HEAD, {"age": 8, "school_level": "SD"}], decile=5),
        household(2, [HEAD, {"age": 8, "school_level": "SD"}], decile=0, score=float("nan")),
    ])
    assert out[1]["reasons"] == [
        {"code": "decile_above", "params": {"decile": 5, "max": 4, "program": "PKH", "basis": "national"}},
        {"code": "not_eligible", "params": {"program": "PKH"}},
    ]
    assert out[2]["codes"] == ["unranked", "not_eligible"]
    assert out[1]["amount"] == out[2]["amount"] == 0


def test_flat_programs_amounts_per_cycle():
    families = [household(1, [HEAD, {"age": 35}, {"age": 9, "school_level": "SD"},
                              {"age": 16, "school_level": "SMA"}, {"age": 60, "alive": False}])]
    sembako = evaluate(rules("sembako"), families)[1]
    assert (sembako["eligible"], sembako["amount"], sembako["persons"]) == (True, 600_000, 4)
    assert sembako["components"]["food"] == {"code": "food", "qualifying": 1, "paid": 1,
                                             "unit_amount": 600_000, "amount": 600_000}
    pbijk = evaluate(rules("pbijk"), families)[1]
    assert (pbijk["amount"], pbijk["persons"]) == (4 * 42_000, 4)
    assert reason(pbijk, "eligible") == {"program": "PBIJK", "payee": "insurer",
                                         "amount": 168_000, "persons": 4}
    pip = evaluate(rules("pip"), families)[1]
    assert pip["amount"] == 450_000 + 1_800_000
    blt = evaluate(rules("blt"), families)[1]
    assert blt["amount"] == 900_000


def test_pip_needs_a_pupil():
    row = evaluate(rules("pip"), [household(1, [HEAD, {"age": 3}])])[1]
    assert not row["eligible"] and "no_component" in row["codes"]


QUOTA = """
[quota]
level = "regency"
limits = { "35.10" = 2 }
"""


def test_quota_keeps_the_poorest():
    sembako = rules_parse((RULES_DIR / "sembako-2025.1.toml").read_text() + QUOTA,
                          source="sembako-quota.toml")
    out = evaluate(sembako, [
        household(1, [HEAD], score=10.5), household(2, [HEAD], score=9.0),
        household(3, [HEAD], score=11.0), household(4, [HEAD], score=9.5, decile=7),
        household(5, [HEAD], score=12.0, regency_code="35.09"),
    ])
    assert [h for h, row in out.items() if row["eligible"]] == [1, 2, 5]
    assert reason(out[3], "quota_reached") == {"level": "regency", "region": "35.10",
                                               "rank": 3, "limit": 2}
    assert reason(out[2], "quota_within")["rank"] == 1
    assert out[3]["codes"][-2:] == ["quota_reached", "not_eligible"]
    assert "quota_within" not in out[5]["codes"] and "quota_reached" not in out[4]["codes"]


def test_decile_column_switch():
    families = [household(1, [HEAD], decile=6, criteria_decile=2),
                household(2, [HEAD], decile=2, criteria_decile=8)]
    national = evaluate(rules("sembako"), families)
    baseline = evaluate(rules("sembako"), families, decile_column="criteria_decile")
    assert [national[1]["eligible"], national[2]["eligible"]] == [False, True]
    assert [baseline[1]["eligible"], baseline[2]["eligible"]] == [True, False]
    assert reason(baseline[2], "decile_above")["decile"] == 8


HOUSEHOLD_CONDITIONS = """
[eligibility]
max_decile = 5
decile_basis = "regional"
conditions = [
  { attribute = "criteria_met", op = ">=", value = 3 },
  { attribute = "decile", op = "between", value = [1, 4] },
]
"""


def test_household_conditions_and_regional_basis():
    text = (RULES_DIR / "sembako-2025.1.toml").read_text()
    text = text.replace("[eligibility]\nmax_decile = 5\nrequires_component = false\n",
                        HOUSEHOLD_CONDITIONS)
    program = rules_parse(text, source="conditions.toml")
    out = evaluate(program, [
        household(1, [HEAD], criteria_met=2, decile=3, decile_regional=5),
        household(2, [HEAD], criteria_met=4, decile=3, decile_regional=6),
        household(3, [HEAD], criteria_met=4, decile=4, decile_regional=5),
    ])
    assert out[1]["reasons"][:2] == [
        {"code": "decile_within", "params": {"decile": 5, "max": 5, "program": "SEMBAKO", "basis": "regional"}},
        {"code": "condition_failed", "params": {"attribute": "criteria_met", "op": ">=", "value": 3, "actual": 2}},
    ]
    assert not out[1]["eligible"]
    assert out[2]["codes"] == ["decile_above", "not_eligible"]
    assert out[3]["eligible"]


def test_reasons_order_and_output_order():
    families = [household(3, [HEAD, {"age": 75, "disability": "severe"}, {"age": 71}]),
                household(1, [{**HEAD, "occupation": PNS}], decile=7)]
    out = evaluate(rules("pkh"), families, flags=[(1, "welfare_staff")])
    assert list(out) == [1, 3]
    assert out[1]["codes"] == ["excluded_occupation", "excluded_flag", "decile_above", "not_eligible"]
    assert out[3]["codes"] == ["decile_within", "component", "component", "component_max",
                               "one_component_per_member", "eligible"]
    assert reason(out[3], "component") == {
        "code": "severe_disability", "name_id": "disabilitas berat", "name_en": "severe disability",
        "scope": "member", "qualifying": 1, "paid": 1, "unit_amount": 600_000, "amount": 600_000}
    assert reason(out[3], "eligible") == {"program": "PKH", "payee": "household",
                                          "amount": 1_200_000, "persons": 3}


def test_literals_are_escaped():
    text = (RULES_DIR / "blt-2025.1.toml").read_text()
    text = text.replace('"bantuan tunai"', '"bantuan \'tunai\'"').replace(
        '"PENSIUNAN"]', '"PENSIUNAN", "O\'BRIEN"]')
    program = rules_parse(text, source="quotes.toml")
    out = evaluate(program, [household(1, [HEAD]), household(2, [{**HEAD, "occupation": "O'BRIEN"}])])
    assert reason(out[1], "component")["name_id"] == "bantuan 'tunai'"
    assert reason(out[2], "excluded_occupation")["occupation"] == "O'BRIEN"


def _population(n: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    families = []
    for household_id in range(1, n + 1):
        members = [dict(HEAD)]
        for _ in range(int(rng.integers(0, 5))):
            age = int(rng.integers(0, 85))
            school = "SD" if 6 <= age <= 12 else "SMP" if age <= 15 else "SMA" if age <= 18 else ""
            members.append({"age": age, "school_level": school if age >= 6 else "",
                            "disability": "severe" if rng.random() < 0.05 else "none",
                            "pregnant": bool(18 <= age <= 40 and rng.random() < 0.1),
                            "occupation": PNS if rng.random() < 0.02 else "PETANI/PEKEBUN",
                            "alive": bool(rng.random() > 0.03)})
        regency = ["35.10", "35.09", "35.07"][household_id % 3]
        families.append(household(household_id, members, decile=int(rng.integers(0, 11)),
                                  score=float(rng.normal(12, 1)), regency_code=regency,
                                  district_code=f"{regency}.0{household_id % 4 + 1}"))
    flags = [(int(h), "gambling") for h in rng.choice(n, n // 50, replace=False) + 1]
    return families, flags


@pytest.mark.parametrize("program", ["pkh", "sembako", "pbijk", "pip", "blt"])
@pytest.mark.parametrize("level", ["regency", "district"])
def test_preview_agrees_with_decisions(program, level):
    families, flags = _population(600)
    households, members, flag_table = tables(families, flags)
    common = {"rules": rules(program), "households": households, "members": members,
              "flags": flag_table, "reference_date": REF}
    decisions = rules_evaluate(**common).to_pylist()
    table = rules_preview(**common, level=level)
    assert table.schema == PREVIEW_SCHEMA
    preview = table.to_pylist()
    region = {h["household_id"]: h[f"{level}_code"] for h, _ in families}
    expected: dict[str, list[int]] = {}
    for row in decisions:
        totals = expected.setdefault(region[row["household_id"]], [0, 0, 0])
        totals[0] += row["eligible"]
        totals[1] += row["persons"]
        totals[2] += row["amount"]
    assert {p["region_code"]: [p["households"], p["persons"], p["amount"]] for p in preview} == expected
    assert sum(row["eligible"] for row in decisions) > 0
