"""Blocking: the candidate pairs worth comparing, so comparisons stay near linear in the number
of records instead of quadratic.

Each rule is an equality on one or more normalised columns; a pair is a candidate when any rule
holds. Keys shared by more than `max_block` records (a null-like value, a village with
thousands of `MUHAMMAD`s) are skipped rather than exploding: the other rules still reach such
records. Pure: a DuckDB connection in, an Arrow table of pairs out.

Which pairs count depends on the job (`side`):
- `dedupe`: every pair within one table (`uid_l < uid_r`);
- `link`: only pairs across sources (`source_l = 'L'`, `source_r = 'R'`);
- `new`: pairs that involve at least one new record (uid > 0) — new list rows against the
  registry (uid < 0) and against each other, never registry against registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import duckdb
import pyarrow as pa

Side = Literal["dedupe", "link", "new"]


@dataclass(frozen=True)
class Rule:
    name: str
    columns: tuple[str, ...]


RULES = (
    Rule("nik", ("nik",)),
    Rule("nik_index", ("nik_index",)),  # the NIK's blind index, where only that is at hand
    Rule("birth_date_sex", ("birth_date", "sex")),
    Rule("name_village", ("name_first", "village")),
    Rule("rare_name_year", ("name_rare", "birth_year")),
    Rule("kk_name", ("kk", "name_first")),
    Rule("phone", ("phone_key",)),
    Rule("id_number", ("id_number",)),
)
# Against a registry of millions, a birth date and sex alone make blocks of dozens per day
# nationwide: within the district is enough for the rows that need it (NIK typed wrong, name
# spelt differently), and it keeps the candidates whose NIKs must be decrypted few.
REGISTRY_RULES = tuple(r for r in RULES if r.name != "birth_date_sex") + (
    Rule("birth_date_district", ("birth_date", "sex", "district")),)
MAX_BLOCK = 5_000
PAIRS_SCHEMA = pa.schema([("uid_l", pa.int64()), ("uid_r", pa.int64()), ("rule", pa.int8())])


def rules_usable(*, columns: list[str], rules: tuple[Rule, ...] = RULES) -> tuple[Rule, ...]:
    return tuple(r for r in rules if all(c in columns for c in r.columns))


def _side_sql(side: Side) -> tuple[str, str]:
    """(filter on the right-hand table, condition on the pair)."""
    if side == "dedupe":
        return "TRUE", "l.uid < r.uid"
    if side == "link":
        return "source = 'R'", "l.source = 'L'"
    return "uid > 0", "(l.uid < 0 OR l.uid < r.uid)"


def _rule_sql(rule: Rule, index: int, table: str, side: Side, max_block: int) -> str:
    cols = ", ".join(rule.columns)
    present = " AND ".join(f"{c} IS NOT NULL" for c in rule.columns)
    on = " AND ".join(f"l.{c} = r.{c}" for c in rule.columns)
    right_filter, pair = _side_sql(side)
    return f"""
        SELECT l.uid AS uid_l, r.uid AS uid_r, {index}::TINYINT AS rule
        FROM (SELECT * FROM {table} WHERE {present} AND ({cols}) IN (
                SELECT ({cols}) FROM {table} WHERE {present}
                GROUP BY ALL HAVING count(*) <= {max_block})) AS l
        JOIN (SELECT * FROM {table} WHERE {present} AND {right_filter}) AS r ON {on}
        WHERE {pair}"""


def pairs_block(*, con: duckdb.DuckDBPyConnection, table: str, side: Side,
                rules: tuple[Rule, ...], max_block: int = MAX_BLOCK) -> pa.Table:
    """Distinct candidate pairs (`uid_l`, `uid_r`, first `rule` index that found them)."""
    if not rules:
        return PAIRS_SCHEMA.empty_table()
    union = " UNION ALL ".join(_rule_sql(rule, i, table, side, max_block)
                               for i, rule in enumerate(rules))
    sql = f"SELECT uid_l, uid_r, min(rule) AS rule FROM ({union}) GROUP BY uid_l, uid_r"
    return con.sql(sql).to_arrow_table().cast(PAIRS_SCHEMA)
