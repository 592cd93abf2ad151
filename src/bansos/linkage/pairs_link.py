"""Linking a table of records on its own, without the registry: the stages of linkage run in
an in-memory DuckDB, from canonical records (see `files.py`) to the pairs declared matches.

    normalise -> block -> train (u, lambda, m) -> score -> keep p >= threshold -> cluster

`side="dedupe"` finds duplicates within one table; `side="link"` pairs records of source 'L'
with records of source 'R' only.

Foreign files carry fewer fields than the registry (no village code, often no NIK), so blocking
adds rules on the name key and the address to those of `block.RULES`, and the comparisons add
the address (`compare` has none: the registry compares places by village code). Both use only
columns that hold values somewhere, so a file of names and birth dates still links.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from bansos.linkage.block import RULES, Rule, pairs_block
from bansos.linkage.cluster import clusters_from_pairs
from bansos.linkage.compare import COMPARISONS, NULL, comparisons_for, settings_base
from bansos.linkage.duck import duck_connect
from bansos.linkage.model import U_SAMPLE_PAIRS, model_train, pairs_score
from bansos.linkage.normalize import records_normalise

Side = Literal["dedupe", "link"]

# Beyond block.RULES: when NIK, birth date or village are missing, these still meet the
# same person: the same spelling key of the name, the same words in another order, the same
# address with the same first name, the same birth date and last name.
FILE_RULES = (
    Rule("name_key", ("name_key",)),
    Rule("name_sorted", ("name_key_sorted",)),
    Rule("address_name", ("address_key", "name_first")),
    Rule("birth_date_name_last", ("birth_date", "name_last")),
    Rule("postcode_name", ("postcode", "name_first")),
)
# Fewer candidate pairs than this and expectation maximisation has too little to learn from
# (a hand-made file of 30 rows has perhaps 20 pairs, most levels never seen among them): its m
# probabilities swing to 0 or 1 and one field decides everything. Such runs use DEFAULT_M.
EM_MIN_PAIRS = 1_000
# Nor can it tell matches from look-alikes with fewer comparisons than this: a latent class
# model of two indicators is not identifiable (with only name and birth date, EM took "same
# name, same birth year" for the mark of a match and found 30% of the duplicates of a list).
EM_MIN_COMPARISONS = 3
# m per comparison of `file_comparisons`, for its levels from the strongest agreement to
# `else` (the null level has none). From what program lists look like: a NIK differs in a few
# percent of a person's rows (a typo, another member's NIK), a birth date a little more often,
# a name in a quarter of them (spelling, a title, a word dropped), an address in many.
DEFAULT_M: dict[str, tuple[float, ...]] = {
    "nik": (0.92, 0.08),
    "birth_date": (0.9, 0.04, 0.02, 0.04),
    "name": (0.75, 0.03, 0.12, 0.03, 0.04, 0.03),
    "sex": (0.97, 0.03),
    "id_number": (0.9, 0.1),
    "phone": (0.6, 0.4),
    "postcode": (0.85, 0.15),
    "birth_place": (0.75, 0.15, 0.1),
    "address": (0.6, 0.15, 0.1, 0.15),
}
M_FLOOR = 0.01
DEFAULT_THRESHOLD = 0.9
FILE_EXCLUDED = ("kk", "place", "nik_birth_date")


@dataclass
class LinkResult:
    """`pairs`: the matches (`uid_l`, `uid_r`, `match_probability`) at or above the threshold;
    `clusters`: per record of the input (its order), the smallest uid of its cluster."""

    pairs: pa.Table
    scored: pa.Table  # every candidate pair, with its weights (`model.pairs_score`)
    clusters: pa.Array
    candidates: int
    model: dict
    rules: list[str]
    trained: bool  # False: m from DEFAULT_M (too few pairs, see EM_MIN_PAIRS)
    seconds: dict[str, float] = field(default_factory=dict)


def records_link(*, records: pa.Table, side: Side, threshold: float = DEFAULT_THRESHOLD
                 ) -> LinkResult:
    """Link `records` (canonical columns, see `files.py`; `source` for `side="link"`)."""
    clock = _Clock()
    table = records_normalise(records=records)
    table = table.append_column("birth_year", pc.year(table["birth_date"]).cast(pa.int16()))
    clock.lap("normalise")
    con = duck_connect()
    try:
        con.register("_records_in", table)
        con.sql("CREATE TABLE records AS SELECT * FROM _records_in")
        con.unregister("_records_in")
        filled = [name for name in table.column_names
                  if table[name].null_count < table.num_rows]
        rules = tuple(r for r in RULES + FILE_RULES if all(c in filled for c in r.columns))
        candidates = pairs_block(con=con, table="records", side=side, rules=rules)
        clock.lap("block")
        model, trained = _model(con, table, candidates.num_rows)
        clock.lap("train")
        scored = pairs_score(con=con, table="records", model=model, pairs=candidates)
        clock.lap("score")
    finally:
        con.close()
    matches = scored.select(["uid_l", "uid_r", "match_probability"]).filter(
        pc.greater_equal(scored["match_probability"], threshold))
    clusters = clusters_from_pairs(uids=records["uid"], pairs=matches, threshold=threshold)
    clock.lap("cluster")
    return LinkResult(pairs=matches, scored=scored, clusters=clusters,
                      candidates=candidates.num_rows, model=model,
                      rules=[r.name for r in rules], trained=trained, seconds=clock.laps)


def _model(con: duckdb.DuckDBPyConnection, table: pa.Table, candidates: int
           ) -> tuple[dict, bool]:
    """The model, and whether its m probabilities were learnt (see EM_MIN_PAIRS)."""
    comparisons = file_comparisons(records=table)
    settings = settings_base(comparisons=comparisons, blocking_sql=[])
    rules = _match_rate_rules(con, table)
    trained = candidates >= EM_MIN_PAIRS and len(comparisons) >= EM_MIN_COMPARISONS
    model = model_train(con=con, table="records", u_table="records", settings=settings,
                        match_rate_rules=rules, em=trained)
    return model_guarded(model=model, records=table.num_rows, use_defaults=not trained), trained


def _match_rate_rules(con: duckdb.DuckDBPyConnection, table: pa.Table) -> list[str]:
    """The rules lambda is estimated from: exact NIK and birth date, exact name key and birth
    date, when they hold for some pair. None if none does: Splink would then estimate lambda
    as 0, on which expectation maximisation fails (log of 0); the prior of `settings_base`
    stays instead."""
    filled = {name for name in table.column_names if table[name].null_count < table.num_rows}
    rules = [" AND ".join(f"l.{c} = r.{c}" for c in columns)
             for columns in (("nik", "birth_date"), ("name_key", "birth_date"))
             if set(columns) <= filled]
    if not rules:
        return []
    either = " OR ".join(f"({rule})" for rule in rules)  # our own column names only
    sql = f"SELECT count(*) FROM records AS l JOIN records AS r ON l.uid < r.uid AND ({either})"  # noqa: S608
    found = con.sql(sql).fetchall()[0][0]
    return rules if found else []


def file_comparisons(*, records: pa.Table) -> list[dict]:
    """The comparisons of `compare` whose columns hold values, changed for program lists,
    whose rows are whole households of one region (on the PBI-JK list of 46k rows of the
    demo, `compare`'s own set paired 15,000 pairs of which 3% were one person):
    - `kk` and `place` are left out (blocking still uses the KK): members of one family share
      them, so they say "same household", not "same person", and twins would add them to
      their shared birth date. The address is compared (`address_comparison`), with u counted
      on the file itself, so an address every family member shares weighs what it is worth;
    - `nik_birth_date` is left out: with the NIK and the birth date both there it counts the
      birth date a second time (two people born on one day agree on it too);
    - the NIK has the levels of `nik_comparison`.
    """
    only = set(COMPARISONS) - set(FILE_EXCLUDED)
    chosen = [nik_comparison() if c["output_column_name"] == "nik" else c
              for c in comparisons_for(records=records, only=only)]
    if records["address_key"].null_count < records.num_rows:
        chosen.append(address_comparison())
    return chosen


def nik_comparison() -> dict:
    """NIK: equal, or not. `compare` adds "one digit apart" and "first 12 digits equal", but
    a NIK is the district, the birth date and a serial per district and day (0001, 0002...):
    two people born on one day in one district or in neighbouring ones, twins above all, have
    NIKs one digit apart. Those levels repeat what the birth date already says and made twins
    and strangers born on one day look like typos; a mistyped NIK is left to the other
    fields."""
    return {"output_column_name": "nik", "comparison_description": "NIK", "comparison_levels": [
        {"sql_condition": "nik_l IS NULL OR nik_r IS NULL", "label_for_charts": "kosong / missing",
         NULL: True},
        {"sql_condition": "nik_l = nik_r", "label_for_charts": "sama / equal"},
        {"sql_condition": "ELSE", "label_for_charts": "berbeda / different"}]}


def address_comparison() -> dict:
    """Address: the same key and the same RT/RW; the same key (the RT/RW differ or one side
    has none: the key holds no RT/RW, see `normalize_address`); very similar (Jaro–Winkler ≥
    0.9: a house number, a typo); else."""
    same_rt = "rt_l IS NOT DISTINCT FROM rt_r AND rw_l IS NOT DISTINCT FROM rw_r"
    jw = "jaro_winkler_similarity(address_key_l, address_key_r)"
    return {"output_column_name": "address", "comparison_description": "address",
            "comparison_levels": [
                {"sql_condition": "address_key_l IS NULL OR address_key_r IS NULL",
                 "label_for_charts": "kosong / missing", NULL: True},
                {"sql_condition": f"address_key_l = address_key_r AND {same_rt}",
                 "label_for_charts": "sama, RT/RW sama / equal, same RT/RW"},
                {"sql_condition": "address_key_l = address_key_r",
                 "label_for_charts": "sama / equal"},
                {"sql_condition": f"{jw} >= 0.9", "label_for_charts": "mirip / similar"},
                {"sql_condition": "ELSE", "label_for_charts": "berbeda / different"}]}


def model_guarded(*, model: dict, records: int, use_defaults: bool) -> dict:
    """`model` made safe to score with (a copy):
    - m from DEFAULT_M for every level if `use_defaults`, else only where EM left none (a level
      never seen among the training pairs);
    - no m below M_FLOOR: EM drives the m of levels it rarely sees towards 0 (sex differing,
      birth date differing), and a single typo must not veto a pair the other fields agree on;
    - u where sampling saw none: half a pair among the pairs sampled (`model.U_SAMPLE_PAIRS`
      at most), instead of Splink's fixed 1e-6 that would make a tiny file's rare level
      decisive.
    """
    model = copy.deepcopy(model)
    sampled = min(records * (records - 1) / 2, U_SAMPLE_PAIRS) or 1.0
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get(NULL)]
        defaults = DEFAULT_M.get(comparison["output_column_name"])
        if defaults is None or len(defaults) != len(levels):
            defaults = _geometric(len(levels))
        m = [d if use_defaults or not _is_number(lv.get("m_probability"))
             else lv["m_probability"] for lv, d in zip(levels, defaults, strict=True)]
        m = [max(v, M_FLOOR) for v in m]
        for level, value in zip(levels, m, strict=True):
            level["m_probability"] = value / sum(m)
            if not _is_number(level.get("u_probability")):
                level["u_probability"] = 0.5 / sampled
    return model


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and value > 0


def _geometric(n: int) -> tuple[float, ...]:
    """m halving from the strongest level down, the `else` level taking 5%."""
    raw = [0.5 ** i for i in range(n - 1)]
    return (*(0.95 * r / sum(raw) for r in raw), 0.05)


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now
