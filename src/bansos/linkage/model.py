"""Training and scoring the Fellegi–Sunter model with Splink on DuckDB.

Trained once per run, on the records being linked, and returned as a plain dict (Splink's
model JSON) that is stored with the run and can score pairs again later (`pairs_score`).

What is known is computed, not sampled:
- the u probabilities of NIK levels (how often two different people's NIKs are equal or one
  digit apart) are counted exactly over the `u_table`, by grouping on the NIK with each
  position masked in turn, instead of drawing random pairs in which such coincidences almost
  never occur;
- u of exact birth-date and sex agreement are sums of squared value shares, and a NIK's date
  meets another person's birth date as often as two birth dates meet.
The other u probabilities come from Splink's random sampling of the `u_table`, and the m
probabilities from expectation maximisation over the blocked pairs, with u held fixed.
"""

from __future__ import annotations

import logging
import math

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker
from splink.internals.exceptions import SplinkException

from bansos.linkage.compare import NULL

U_SAMPLE_PAIRS = 100_000
M_FLOOR = 0.001
EM_MAX_PAIRS = 300_000
# EM sessions: each blocks on some columns and estimates m for the comparisons that do not use
# them; together they cover every comparison.
EM_BLOCKS = (("birth_date",), ("name_key",))

logging.getLogger("splink").setLevel(logging.ERROR)  # unobserved levels are normal here


def _linker(con: duckdb.DuckDBPyConnection, table: str, settings: dict) -> Linker:
    api = DuckDBAPI(connection=con)
    return Linker(api.register(table), settings, log_level=None)


def _one(con, sql: str) -> float:
    return float(con.sql(sql).fetchall()[0][0] or 0.0)


def _pairs(con, table: str, column: str) -> float:
    """Pairs of records sharing a value of `column` (nulls excluded)."""
    return _one(con, f"SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) AS n FROM {table} "
                     f"WHERE {column} IS NOT NULL GROUP BY {column})")


def known_u(*, con: duckdb.DuckDBPyConnection, table: str) -> dict[tuple[str, int], float]:
    """u per (comparison, level index) computed from value counts over `table`."""
    cols = {r[0] for r in con.sql(f"DESCRIBE {table}").fetchall()}
    out: dict[tuple[str, int], float] = {}

    def total(column: str) -> float:
        n = _one(con, f"SELECT count({column}) FROM {table}")
        return n * (n - 1) / 2

    if "nik" in cols and (all_pairs := total("nik")) > 0:
        equal = _pairs(con, table, "nik")
        # One digit substituted among the first 12 (the serial equal): mask each position.
        masked = sum(_pairs(con, table, f"substr(nik, 1, {i}) || substr(nik, {i + 2})")
                     for i in range(12))
        one_off = max(masked - 12 * equal, 0.0)  # each equal pair is counted once per mask
        out[("nik", 1)] = equal / all_pairs
        out[("nik", 2)] = one_off / all_pairs
    for name, column in (("birth_date", "birth_date"), ("sex", "sex")):
        if column in cols and (all_pairs := total(column)) > 0:
            out[(name, 1)] = _pairs(con, table, column) / all_pairs
    if ("birth_date", 1) in out:
        # A NIK's date meeting another person's birth date: as often as two birth dates meet.
        out[("nik_birth_date", 1)] = out[("birth_date", 1)]
    # Never zero: no coincidence in this table still leaves one in all its pairs possible.
    floor = 1.0 / max(total("uid"), 1.0)
    return {k: min(max(v, floor), 0.999) for k, v in out.items()}


def _set_u(model: dict, known: dict[tuple[str, int], float]) -> dict:
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get(NULL)]
        for i, level in enumerate(levels, start=1):
            if (comparison["output_column_name"], i) in known:
                level["u_probability"] = known[(comparison["output_column_name"], i)]
        # Keep the levels a distribution: the else level takes what the others leave.
        fixed = [lv for lv in levels if lv["sql_condition"] != "ELSE"]
        rest = 1.0 - sum(lv.get("u_probability", 0.0) for lv in fixed)
        for level in levels:
            if level["sql_condition"] == "ELSE":
                level["u_probability"] = max(rest, 1e-9)
    return model


def model_train(*, con: duckdb.DuckDBPyConnection, table: str, u_table: str, settings: dict,
                match_rate_rules: list[str], seed: int = 42, em: bool = True) -> dict:
    """Splink's model JSON with u and m estimated (see the module docstring). `em=False`
    estimates u and lambda only, leaving m as `settings` has it (too few pairs to learn from)."""
    u_linker = _linker(con, u_table, settings)
    u_linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
    model = _set_u(u_linker.misc.save_model_to_json(), known_u(con=con, table=u_table))

    linker = _linker(con, table, model)
    if match_rate_rules:
        try:
            linker.training.estimate_probability_two_random_records_match(match_rate_rules,
                                                                          recall=0.9)
        except Exception:  # noqa: BLE001 - no deterministic match at all: keep the prior
            logging.getLogger(__name__).info("no deterministic matches to estimate lambda")
    model = linker.misc.save_model_to_json()
    if not em:
        return model
    used = _columns_used(model)
    for block in EM_BLOCKS:
        if not set(block) <= used:
            continue
        rule = " AND ".join(f"l.{c} = r.{c}" for c in block)
        # A fresh linker per session, from the clamped model: a level the last session never
        # saw among matches left m = 0, which Splink refuses to load.
        linker = _linker(con, table, _clamped(model))
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=EM_MAX_PAIRS, estimate_without_term_frequencies=True)
        except SplinkException:  # no pairs under this rule: the other session still trains
            logging.getLogger(__name__).info("no pairs for EM on %s", rule)
        model = linker.misc.save_model_to_json()
    return _clamped(model)


def _clamped(model: dict) -> dict:
    """m never below M_FLOOR: a level EM never saw among matches (m = 0) would otherwise veto
    every pair that reaches it, and Splink refuses to load a model with a zero."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if "m_probability" in level:
                level["m_probability"] = max(level["m_probability"], M_FLOOR)
    return model


def _columns_used(model: dict) -> set[str]:
    used = set()
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            for token in level["sql_condition"].replace("(", " ").replace(",", " ").split():
                if token.endswith("_l"):
                    used.add(token[:-2])
    return used


def pairs_score(*, con: duckdb.DuckDBPyConnection, table: str, model: dict,
                pairs: pa.Table) -> pa.Table:
    """Each candidate pair with `match_weight`, `match_probability` and, per comparison, the
    weight in bits of the level reached (`w_<name>`, term frequency included; `level_label`
    names the level)."""
    if pairs.num_rows == 0:
        return pa.table({"uid_l": pa.array([], pa.int64()), "uid_r": pa.array([], pa.int64()),
                         "match_weight": pa.array([], pa.float64()),
                         "match_probability": pa.array([], pa.float64())})
    linker = _linker(con, table, model)
    con.register("_bansos_pairs", pairs)
    con.sql("CREATE OR REPLACE TABLE _bansos_blocked AS SELECT CAST(rule AS VARCHAR) AS "
            "match_key, uid_l AS join_key_l, uid_r AS join_key_r FROM _bansos_pairs")
    con.unregister("_bansos_pairs")
    api = linker._db_api
    linker.table_management.register_blocked_pairs_for_predict(api.register("_bansos_blocked"))
    predicted = linker.inference.predict(warning_mode="never")
    names = [c["output_column_name"] for c in model["comparisons"]]
    cols = {r[0] for r in con.sql(f"DESCRIBE {predicted.physical_name}").fetchall()}
    weights = []
    for name in names:
        # Splink keeps the term-frequency part apart; the reviewer sees both as one weight.
        parts = [c for c in (f"mw_{name}", f"mw_tf_adj_{name}") if c in cols]
        total = " + ".join(f"coalesce({c}, 0)" for c in parts) or "0"
        weights.append(f"({total})::DOUBLE AS w_{name}")
    table_out = con.sql(
        f"SELECT uid_l, uid_r, match_weight, match_probability, {', '.join(weights)} "
        f"FROM {predicted.physical_name}").to_arrow_table()
    predicted.drop_table_from_database_and_remove_from_cache()
    con.sql("DROP TABLE IF EXISTS _bansos_blocked")
    return table_out


def level_label(*, model: dict, comparison: str, weight: float) -> str:
    """The label of the level of `comparison` whose weight (without term-frequency adjustment)
    is nearest to `weight`: which level a pair reached, for the reviewer."""
    for item in model["comparisons"]:
        if item["output_column_name"] != comparison:
            continue
        best, label = math.inf, ""
        for level in item["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            own = 0.0 if level.get(NULL) else math.log2(m / u) if m and u else None
            if own is not None and abs(own - weight) < best:
                best, label = abs(own - weight), level["label_for_charts"]
        return label
    return ""
