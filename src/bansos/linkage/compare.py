"""The comparisons of the Fellegi–Sunter model: for each field, levels from the strongest
agreement down to none, as Splink settings (plain dicts, so a trained model is stored with its
run as JSON and read back as it was).

A comparison is only included when its columns hold values on both sides somewhere: a list
without phone numbers must not teach the model that phones never agree.

Why these levels:
- **NIK**: equal; one edit apart (a typed digit or two swapped: Damerau–Levenshtein 1) with
  the serial (last 4 digits) equal; otherwise different. A difference in the serial alone is
  not a "near" NIK: people born the same day in the same district have NIKs that differ only
  there (0001, 0002…), twins above all, so it says nothing for a match. The NIK's own
  birth date agreeing with the other side's recorded birth date is a separate comparison
  (`nik_birth_date`), counted only where the recorded dates differ (a mistyped birth date),
  so agreement is never counted twice.
- **birth date**: equal; day and month swapped or one digit typed wrong; same year; else.
- **name**: on the spelling key (`name_key`, term-frequency adjusted so a shared common name
  is weaker evidence than a rare one); same words in another order; Jaro–Winkler ≥ 0.92;
  same rare words; Jaro–Winkler ≥ 0.8; else.
- **place**: same village and RT; same village; same district; else.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

NULL = "is_null_level"


def _null(*columns: str) -> dict:
    condition = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return {"sql_condition": condition, "label_for_charts": "kosong / missing", NULL: True}


def _level(condition: str, label: str, **extra) -> dict:
    return {"sql_condition": condition, "label_for_charts": label, **extra}


_ELSE = {"sql_condition": "ELSE", "label_for_charts": "berbeda / different"}


def _nik() -> dict:
    return {"output_column_name": "nik", "comparison_description": "NIK", "comparison_levels": [
        _null("nik"),
        _level("nik_l = nik_r", "sama / equal"),
        _level("substr(nik_l, 13, 4) = substr(nik_r, 13, 4) AND "
               "damerau_levenshtein(nik_l, nik_r) <= 1",
               "beda 1 angka / one digit off"),
        _ELSE]}


def _nik_birth_date() -> dict:
    # Either side's NIK date against the other side's recorded birth date, only where the
    # recorded dates differ: where they agree the birth-date comparison has said it already.
    return {"output_column_name": "nik_birth_date",
            "comparison_description": "NIK date vs birth date", "comparison_levels": [
                _level("birth_date_l = birth_date_r OR "
                       "((nik_birth_date_l IS NULL OR birth_date_r IS NULL) AND "
                       "(nik_birth_date_r IS NULL OR birth_date_l IS NULL))",
                       "tidak berlaku / not applicable", **{NULL: True}),
                _level("nik_birth_date_l = birth_date_r OR nik_birth_date_r = birth_date_l",
                       "cocok / consistent"),
                _ELSE]}


def _birth_date() -> dict:
    swapped = ("(day(birth_date_l) = month(birth_date_r) AND month(birth_date_l) = "
               "day(birth_date_r) AND year(birth_date_l) = year(birth_date_r))")
    typed = ("damerau_levenshtein(strftime(birth_date_l, '%Y%m%d'), "
             "strftime(birth_date_r, '%Y%m%d')) <= 1")
    return {"output_column_name": "birth_date", "comparison_description": "birth date",
            "comparison_levels": [
                _null("birth_date"),
                _level("birth_date_l = birth_date_r", "sama / equal"),
                _level(f"{swapped} OR {typed}", "tertukar atau salah ketik / swapped or typo"),
                _level("year(birth_date_l) = year(birth_date_r)", "tahun sama / same year"),
                _ELSE]}


def _name() -> dict:
    jw = "jaro_winkler_similarity(name_key_l, name_key_r)"
    return {"output_column_name": "name", "comparison_description": "name", "comparison_levels": [
        _null("name_key"),
        _level("name_key_l = name_key_r", "sama / equal",
               tf_adjustment_column="name_key", tf_adjustment_weight=1.0),
        _level("name_key_sorted_l = name_key_sorted_r", "urutan lain / words reordered"),
        _level(f"{jw} >= 0.92", "sangat mirip / very similar"),
        _level("name_rare_l = name_rare_r", "kata langka sama / same rare words"),
        _level(f"{jw} >= 0.8", "mirip / similar"),
        _ELSE]}


def _sex() -> dict:
    return {"output_column_name": "sex", "comparison_description": "sex", "comparison_levels": [
        _null("sex"), _level("sex_l = sex_r", "sama / equal"), _ELSE]}


def _place() -> dict:
    return {"output_column_name": "place", "comparison_description": "village and RT",
            "comparison_levels": [
                _null("village"),
                _level("village_l = village_r AND rt_l = rt_r AND rw_l = rw_r",
                       "desa dan RT sama / same village and RT"),
                _level("village_l = village_r", "desa sama / same village"),
                _level("substr(village_l, 1, 8) = substr(village_r, 1, 8)",
                       "kecamatan sama / same district"),
                _ELSE]}


def _exact(column: str, description: str) -> dict:
    return {"output_column_name": column, "comparison_description": description,
            "comparison_levels": [_null(column), _level(f"{column}_l = {column}_r",
                                                        "sama / equal"), _ELSE]}


def _birth_place() -> dict:
    jw = "jaro_winkler_similarity(birth_place_l, birth_place_r)"
    return {"output_column_name": "birth_place", "comparison_description": "birth place",
            "comparison_levels": [_null("birth_place"),
                                  _level("birth_place_l = birth_place_r", "sama / equal"),
                                  _level(f"{jw} >= 0.9", "mirip / similar"), _ELSE]}


# comparison -> the columns it needs, in the normalised records table.
COMPARISONS = {
    "nik": (_nik, ("nik",)),
    "nik_birth_date": (_nik_birth_date, ("nik_birth_date", "birth_date")),
    "birth_date": (_birth_date, ("birth_date",)),
    "name": (_name, ("name_key", "name_key_sorted", "name_rare")),
    "sex": (_sex, ("sex",)),
    "place": (_place, ("village", "rt", "rw")),
    "kk": (lambda: _exact("kk", "KK"), ("kk",)),
    "id_number": (lambda: _exact("id_number", "identity number"), ("id_number",)),
    "phone": (lambda: _exact("phone_key", "phone"), ("phone_key",)),
    "postcode": (lambda: _exact("postcode", "postcode"), ("postcode",)),
    "birth_place": (_birth_place, ("birth_place",)),
}


def comparisons_for(*, records: pa.Table, only: Iterable[str] | None = None) -> list[dict]:
    """The comparisons whose columns exist in `records` and hold at least one value."""
    wanted = set(only) if only is not None else set(COMPARISONS)
    chosen = []
    for name, (make, columns) in COMPARISONS.items():
        if name not in wanted:
            continue
        present = [c for c in columns if c in records.column_names]
        if len(present) == len(columns) and records[columns[0]].null_count < records.num_rows:
            chosen.append(make())
    return chosen


def settings_base(*, comparisons: list[dict], blocking_sql: list[str]) -> dict:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "uid",
        "probability_two_random_records_match": 1e-6,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": blocking_sql,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "max_iterations": 12,
        "em_convergence": 0.001,
    }
