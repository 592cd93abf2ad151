"""Rule files: the shipped 2025 programs load, and a bad file says where and why, in both
languages."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bansos.targeting.models import FlagKind
from bansos.targeting.rules import (
    RULES_DIR,
    RuleFileError,
    rules_catalog,
    rules_current,
    rules_json_schema,
    rules_load,
    rules_parse,
)

GOOD = """
program = "TEST"
version = "2025.1"
name = { id = "Uji", en = "Test" }
valid_from = 2025-01-01
payee = "household"
cycle_months = 3
cycles_per_year = 4

[eligibility]
max_decile = 4
conditions = [{ attribute = "criteria_met", op = ">=", value = 3 }]

[[components]]
code = "sd"
name = { id = "SD", en = "primary school" }
scope = "member"
conditions = [{ attribute = "school_level", op = "=", value = "SD" }]
amount = 900_000
per = "year"
"""


def _error(text: str, *, source: str = "bad.toml") -> RuleFileError:
    with pytest.raises(RuleFileError) as caught:
        rules_parse(text, source=source)
    return caught.value


def test_shipped_files_load_with_the_2025_amounts():
    catalog = {r.program: r for r in rules_catalog()}
    assert sorted(catalog) == ["BLT", "PBIJK", "PIP", "PKH", "SEMBAKO"]
    pkh = catalog["PKH"]
    assert {c.code: c.cycle_amount for c in pkh.components} == {
        "pregnant": 750_000, "early_childhood": 750_000, "sd": 225_000, "smp": 375_000,
        "sma": 500_000, "severe_disability": 600_000, "elderly": 600_000,
    }
    assert (pkh.caps.max_members, pkh.caps.one_component_per_member) == (4, True)
    assert pkh.eligibility.requires_component
    assert catalog["SEMBAKO"].components[0].cycle_amount == 600_000
    assert catalog["PBIJK"].payee == "insurer"
    assert catalog["PBIJK"].components[0].cycle_amount == 42_000
    assert [c.cycle_amount for c in catalog["PIP"].components] == [450_000, 750_000, 1_800_000]
    assert catalog["BLT"].components[0].cycle_amount == 900_000
    for rules in catalog.values():
        assert rules.exclusions.deceased
        assert "PENSIUNAN" in rules.exclusions.occupations
        assert set(rules.exclusions.flags) == set(FlagKind.values)  # every exclusion status, withdrawals too
        assert rules.source == f"{rules.program.lower()}-{rules.version}.toml"
        assert len(rules.sha256) == 64
        assert rules_parse(rules.text, source=rules.source) == rules  # the text round-trips
    assert pkh.continuity.suspend_max_decile == 5


def test_sha256_is_of_the_file_bytes():
    import hashlib

    path = RULES_DIR / "pkh-2025.1.toml"
    assert rules_load(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_json_schema_exports():
    schema = rules_json_schema()
    assert "components" in schema["properties"]
    assert "sha256" not in schema["properties"]
    json.dumps(schema)  # serialisable, so docs can ship it


def test_model_dump_carries_cycle_amount():
    rules = rules_parse(GOOD, source="good.toml")
    assert rules.model_dump()["components"][0]["cycle_amount"] == 225_000


@pytest.mark.parametrize(("needle", "replacement", "location", "in_id", "in_en"), [
    ('attribute = "school_level"', 'attribute = "hobby"',
     "components[0].conditions[0].attribute", "tidak diizinkan", "not allowed"),
    ('op = ">="', 'op = "~"', "eligibility.conditions[0].op", "tidak diizinkan", "not allowed"),
    ('value = "SD" }', "value = 6 }", "components[0].conditions[0].value", "harus", "must be"),
    ('op = ">=", value = 3', 'op = ">=", value = "three"', "eligibility.conditions[0].value",
     "bilangan bulat", "an integer"),
    ("amount = 900_000", "amount = 900_001", "components[0].amount", "rupiah bulat", "whole rupiah"),
    ("max_decile = 4\n", "", "eligibility.max_decile", "wajib", "required"),
    ('per = "year"', 'per = "week"', "components[0].per", "tidak diizinkan", "not allowed"),
    ("cycle_months = 3", "cycle_months = 3\ncolour = 1", "colour", "tidak dikenal", "unknown key"),
])  # fmt: skip
def test_bad_file_names_file_and_key_in_both_languages(needle, replacement, location, in_id, in_en):
    assert needle in GOOD
    error = _error(GOOD.replace(needle, replacement))
    assert (error.path, error.location) == ("bad.toml", location)
    assert in_id in error.message_id
    assert in_en in error.message_en
    assert str(error) == f"bad.toml: {location}: {error.message_id} / {error.message_en}"


def test_value_types_follow_the_attribute():
    pregnant = GOOD.replace('{ attribute = "school_level", op = "=", value = "SD" }',
                            '{ attribute = "pregnant", op = "=", value = 1 }')
    assert _error(pregnant).location == "components[0].conditions[0].value"
    ordered = GOOD.replace('{ attribute = "school_level", op = "=", value = "SD" }',
                           '{ attribute = "sex", op = "<", value = "P" }')
    assert _error(ordered).location == "components[0].conditions[0].op"
    between = GOOD.replace('{ attribute = "school_level", op = "=", value = "SD" }',
                           '{ attribute = "age", op = "between", value = [21, 6] }')
    assert "low <= high" in _error(between).message_en
    listed = GOOD.replace('{ attribute = "school_level", op = "=", value = "SD" }',
                         '{ attribute = "disability", op = "in", value = ["severe", "total"] }')
    assert "'total'" in _error(listed).message_en


def test_toml_syntax_error_names_the_line():
    error = _error(GOOD.replace("cycles_per_year = 4", "cycles_per_year = "))
    assert error.location == "line 8"
    assert "baris 8" in error.message_id and "line 8" in error.message_en


def test_loader_keys_cannot_be_set_by_the_file():
    assert _error('sha256 = "x"\n' + GOOD).location == "sha256"
    assert _error('text = "x"\n' + GOOD).location == "text"


def test_continuity_must_be_above_the_threshold():
    error = _error(GOOD.replace("[eligibility]", "[continuity]\nsuspend_max_decile = 4\n\n[eligibility]"))
    assert error.location == "continuity.suspend_max_decile"


def test_duplicate_program_version_in_a_catalog(tmp_path: Path):
    (tmp_path / "test-2025.1.toml").write_text(GOOD)
    (tmp_path / "test-2025.1-copy.toml").write_text(GOOD)
    with pytest.raises(RuleFileError) as caught:
        rules_catalog(tmp_path)
    assert "already in" in caught.value.message_en
    assert caught.value.path.endswith(".toml")


def test_rules_current_picks_the_latest_version_valid_on_the_date(tmp_path: Path):
    (tmp_path / "test-2025.1.toml").write_text(GOOD)
    later = GOOD.replace('version = "2025.1"', 'version = "2025.2"').replace(
        "valid_from = 2025-01-01", "valid_from = 2025-07-01")
    (tmp_path / "test-2025.2.toml").write_text(later)
    assert rules_current("TEST", on=date(2025, 3, 1), directory=tmp_path).version == "2025.1"
    assert rules_current("test", on=date(2025, 8, 1), directory=tmp_path).version == "2025.2"
    with pytest.raises(LookupError):
        rules_current("TEST", on=date(2024, 12, 31), directory=tmp_path)
    assert rules_current("BLT", on=date(2025, 11, 1)).program == "BLT"
    with pytest.raises(LookupError):
        rules_current("BLT", on=date(2026, 1, 1))


def test_whitelists_and_schema_literals_agree():
    from typing import get_args

    from bansos.targeting import rules as r

    assert get_args(r.HouseholdAttribute) == tuple(r.HOUSEHOLD_ATTRIBUTES)
    assert get_args(r.MemberAttribute) == tuple(r.MEMBER_ATTRIBUTES)
    assert get_args(r.Flag) == r.FLAGS


def test_quota_codes_must_fit_the_level():
    text = (RULES_DIR / "sembako-2025.1.toml").read_text()
    error = _error(text + '\n[quota]\nlevel = "regency"\nlimits = { "35" = 3 }\n')
    assert error.location == 'quota.limits["35"]'
    assert rules_parse(text + '\n[quota]\nlevel = "regency"\nlimits = { "35.10" = 3 }\n',
                       source="q.toml").quota.limits == {"35.10": 3}
