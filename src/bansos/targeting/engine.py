"""The one rules engine: a program's rules evaluated for every household at once in DuckDB.

Steps (engine_sql.py): gates (exclusions, decile, household conditions) → member/component
candidates → assignment (one component per member, per-component maximum) → household member
cap → amounts per household and component → quota → decisions. `rules_evaluate` adds the
components and reasons as JSON per household; `rules_preview` aggregates the same decisions per
region, so the two cannot disagree."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from bansos.targeting import engine_sql as q
from bansos.targeting.rules import HOUSEHOLD_ATTRIBUTES, ProgramRules

HOUSEHOLD_COLUMNS = (
    "household_id", "decile", "decile_regional", "score", "criteria_met", "members_alive",
    "province_code", "regency_code", "district_code", "village_code", "urban",
)  # fmt: skip
MEMBER_COLUMNS = (
    "household_id", "person_id", "birth_date", "sex", "relationship", "school_level",
    "disability", "pregnant", "occupation", "education", "alive",
)  # fmt: skip
FLAG_COLUMNS = ("household_id", "flag")
DECISION_SCHEMA = pa.schema([
    ("household_id", pa.int64()), ("eligible", pa.bool_()), ("amount", pa.int64()),
    ("persons", pa.int32()), ("components", pa.string()), ("reasons", pa.string()),
])  # fmt: skip
PREVIEW_SCHEMA = pa.schema([
    ("region_code", pa.string()), ("households", pa.int64()), ("persons", pa.int64()),
    ("amount", pa.int64()),
])  # fmt: skip


def _require(table: pa.Table, *, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        raise ValueError(f"{name} table lacks columns: {', '.join(missing)}")


def _connect(*, households: pa.Table, members: pa.Table, flags: pa.Table,
             decile_column: str) -> duckdb.DuckDBPyConnection:
    _require(households, columns=(*HOUSEHOLD_COLUMNS, decile_column), name="households")
    _require(members, columns=MEMBER_COLUMNS, name="members")
    _require(flags, columns=FLAG_COLUMNS, name="flags")
    con = duckdb.connect(config={"threads": 2})
    con.register("in_households", households)
    con.register("in_members", members)
    con.register("in_flags", flags)
    return con


def _decide(con: duckdb.DuckDBPyConnection, *, rules: ProgramRules, decile_column: str,
            reference_date: date) -> None:
    """Build the tables hf, hx, cand, paid and over_cap (see engine_sql.py)."""
    con.execute(q.flags_sql(rules))
    con.execute(q.gates_sql(rules=rules, decile_column=decile_column,
                            reference_date=reference_date))
    con.execute(q.candidates_sql(rules=rules, reference_date=reference_date))
    if rules.caps.one_component_per_member:
        con.execute("CREATE OR REPLACE TEMP TABLE paid AS "
                    "SELECT household_id, person_id, birth_date, comp, unit FROM cand WHERE FALSE")
        # Each round settles members; a member who lost a full component retries with their
        # next option, so the rounds are bounded by the number of components.
        for round_no in range(len(rules.components) + 1):
            inserted = con.execute(q.assign_round_sql(rules=rules, first=round_no == 0))
            if inserted.fetchall()[0][0] == 0:
                break
    else:
        con.execute(q.assign_all_sql(rules))
    for sql in q.member_cap_sql(rules):
        con.execute(sql)




@dataclass(frozen=True)
class _Sql:
    """A SQL expression inside a JSON text; `json` renders it (NULL becomes null)."""

    expr: str
    kind: str = "num"  # num: integers; any: strings, bools; float: NaN/inf become null

    def json(self) -> str:
        if self.kind == "num":
            return f"coalesce(CAST(({self.expr}) AS VARCHAR), 'null')"
        if self.kind == "float":
            return f"CASE WHEN isfinite({self.expr}) THEN to_json({self.expr})::VARCHAR ELSE 'null' END"
        return f"coalesce(to_json({self.expr})::VARCHAR, 'null')"


def _json_sql(value: dict[str, object]) -> str:
    """A JSON object as a SQL string expression: constants are serialised here (runs of them
    become one SQL literal), only _Sql parts are computed per row. Plain concatenation is
    several times faster than json_object at a million rows."""
    parts: list[str] = []
    text = ""

    def emit(node: object) -> None:
        nonlocal text
        if isinstance(node, _Sql):
            if text:
                parts.append(q.sql_literal(text))
                text = ""
            parts.append(node.json())
        elif isinstance(node, dict):
            text += "{"
            for n, (key, item) in enumerate(node.items()):
                text += ("," if n else "") + json.dumps(key) + ":"
                emit(item)
            text += "}"
        else:
            text += json.dumps(node, ensure_ascii=False)

    emit(value)
    parts.append(q.sql_literal(text))
    return "(" + " || ".join(parts) + ")"


def _reason(code: str, /, **params: object) -> str:
    return _json_sql({"code": code, "params": params})


def _when(condition: str, text: str) -> str:
    return f"CASE WHEN {condition} THEN {text} END"


def _component_parts(rules: ProgramRules) -> tuple[list[str], list[str], list[str]]:
    """Per component: its entry in `components`, its reason and its over-maximum reason, each
    NULL where the household has no such component (columns q<i>, p<i> of the wide table)."""
    items, reasons, over = [], [], []
    for i, c in enumerate(rules.components):
        qual, paid, unit = _Sql(f"q{i}"), _Sql(f"p{i}"), c.cycle_amount
        amount = _Sql(f"p{i} * {unit}")
        names = {"code": c.code, "name_id": c.name.id, "name_en": c.name.en}
        items.append(_when(f"q{i} IS NOT NULL", _json_sql({
            "code": c.code, "qualifying": qual, "paid": paid, "unit_amount": unit, "amount": amount})))
        reasons.append(_when(f"q{i} IS NOT NULL", _reason(
            "component", **names, scope=c.scope, qualifying=qual, paid=paid,
            unit_amount=unit, amount=amount)))
        if c.max_per_household is not None:
            over.append(_when(f"q{i} > {c.max_per_household}", _reason(
                "component_max", **names, qualifying=qual, max=c.max_per_household)))
    return items, reasons, over


def _gate_reasons(rules: ProgramRules) -> list[str]:
    """Exclusions, then the decile, then each failed household condition."""
    program, basis = rules.program, rules.eligibility.decile_basis
    limit = rules.eligibility.max_decile
    decile = {"decile": _Sql("basis_decile"), "max": limit, "program": program, "basis": basis}
    parts = [
        _when("ex_deceased", _reason("excluded_deceased")),
        _when("ex_occupation IS NOT NULL", _reason(
            "excluded_occupation", occupation=_Sql("ex_occupation", "any"),
            members=_Sql("occ_members"))),
        "flag_reasons",
        f"CASE WHEN unranked THEN {_reason('unranked', program=program, basis=basis)} "
        f"WHEN basis_decile > {limit} THEN {_reason('decile_above', **decile)} "
        f"ELSE {_reason('decile_within', **decile)} END",
    ]
    for i, c in enumerate(rules.eligibility.conditions):
        kind = "float" if HOUSEHOLD_ATTRIBUTES[c.attribute].kind == "float" else "any"
        actual = _Sql(q.sql_identifier(f"actual_{c.attribute}"), kind)
        parts.append(_when(f"NOT c{i}", _reason(
            "condition_failed", attribute=c.attribute, op=c.op, value=c.value, actual=actual)))
    return parts


def _outcome_reasons(rules: ProgramRules) -> list[str]:
    """Components, caps, quota and the final word."""
    program = rules.program
    items, reasons, over = _component_parts(rules)
    parts = [*reasons, _when("no_component", _reason("no_component", program=program)), *over]
    if rules.caps.one_component_per_member:
        parts.append(_when("multi_members > 0", _reason(
            "one_component_per_member", members=_Sql("multi_members"))))
    if rules.caps.max_members is not None:
        cap = int(rules.caps.max_members)
        parts.append(_when(f"paid_members > {cap}", _reason(
            "max_members", members=_Sql("paid_members"), max=cap)))
    quota = {"level": rules.quota.level if rules.quota else "",
             "region": _Sql("quota_region", "any"), "rank": _Sql("quota_rank"),
             "limit": _Sql("quota_limit")}
    eligible = _reason("eligible", program=program, payee=rules.payee, amount=_Sql("amount"),
                       persons=_Sql("persons"))
    return [
        *parts,
        f"CASE WHEN quota_rank <= quota_limit THEN {_reason('quota_within', **quota)} "
        f"WHEN quota_rank > quota_limit THEN {_reason('quota_reached', **quota)} END",
        f"CASE WHEN eligible THEN {eligible} "
        f"ELSE {_reason('not_eligible', program=program)} END",
    ]


def _explained_sql(rules: ProgramRules, *, decile_column: str) -> str:
    """Decisions with components and reasons as JSON text, one row per household in
    household_id order. Per-component counts are pivoted into columns so every JSON text is
    built by row-wise concatenation (no ordered string aggregation over a million groups), and
    the rows are sorted before the texts are built, so the sort moves narrow rows only."""
    n = len(rules.components)
    wide = ", ".join(f"max(qualifying) FILTER (WHERE comp = {i}) AS q{i}, "
                     f"max(paid) FILTER (WHERE comp = {i}) AS p{i}" for i in range(n))
    multi = ("SELECT household_id, count(DISTINCT person_id) AS multi_members FROM cand "
             "WHERE n_opts > 1 GROUP BY household_id")
    paid = "SELECT household_id, members AS paid_members FROM over_cap"
    flag = _reason("excluded_flag", flag=_Sql("flag", "any"))
    names = sorted({c.attribute for c in rules.eligibility.conditions})
    actual = ", ".join(f"h.{q.sql_identifier(decile_column if n == 'decile' else n)} AS "
                       f"{q.sql_identifier('actual_' + n)}" for n in names)
    households = (f"LEFT JOIN (SELECT h.household_id, {actual} FROM in_households h) "
                  "USING (household_id)" if names else "")
    items = _component_parts(rules)[0]
    return f"""
WITH hw AS (SELECT household_id, {wide} FROM hc GROUP BY household_id),
fa AS (SELECT household_id, string_agg({flag}, ',' ORDER BY pos) AS flag_reasons
       FROM hf GROUP BY household_id)
SELECT household_id, eligible, amount, persons,
       '[' || concat_ws(',', {", ".join(items)}) || ']' AS components,
       '[' || concat_ws(',', {", ".join(_gate_reasons(rules) + _outcome_reasons(rules))}) || ']'
         AS reasons
FROM (
  SELECT * FROM dec JOIN hx USING (household_id)
  LEFT JOIN hw USING (household_id) LEFT JOIN fa USING (household_id)
  LEFT JOIN ({multi}) USING (household_id) LEFT JOIN ({paid}) USING (household_id) {households}
  ORDER BY household_id
)
"""  # noqa: S608


def rules_evaluate(*, rules: ProgramRules, households: pa.Table, members: pa.Table,
                   flags: pa.Table, reference_date: date,
                   decile_column: str = "decile") -> pa.Table:
    """Every household's decision under one program version (DECISION_SCHEMA), in household_id
    order. `decile_column` names the ranking that stands for `decile` (e.g. a baseline's)."""
    con = _connect(households=households, members=members, flags=flags,
                   decile_column=decile_column)
    try:
        _decide(con, rules=rules, decile_column=decile_column, reference_date=reference_date)
        con.execute(f"CREATE TEMP TABLE hc AS {q.household_components_sql(rules)}")
        con.execute(f"CREATE TEMP TABLE dec AS {q.decisions_sql(rules)}")
        table = con.sql(_explained_sql(rules, decile_column=decile_column)).to_arrow_table()
    finally:
        con.close()
    ids = table["household_id"]
    if len(ids) > 1 and not pc.all(pc.greater(ids[1:], ids[:-1])).as_py():
        # DuckDB keeps the subquery's order; this guard only costs a comparison.
        table = table.combine_chunks().take(pc.sort_indices(ids))
    return table.cast(DECISION_SCHEMA)


def rules_preview(*, rules: ProgramRules, households: pa.Table, members: pa.Table,
                  flags: pa.Table, reference_date: date, level: str = "regency",
                  decile_column: str = "decile") -> pa.Table:
    """Eligible households, persons and amount per cycle per region code at `level`
    (PREVIEW_SCHEMA), from the same decisions as rules_evaluate, without the reasons."""
    if level not in q.REGION_COLUMNS:
        raise ValueError(f"unknown region level {level!r}")
    con = _connect(households=households, members=members, flags=flags,
                   decile_column=decile_column)
    try:
        _decide(con, rules=rules, decile_column=decile_column, reference_date=reference_date)
        table = con.sql(f"WITH dec AS ({q.decisions_sql(rules)})" + f"""
            SELECT h.{q.REGION_COLUMNS[level]} AS region_code,
                   count(*) FILTER (WHERE d.eligible) AS households,
                   coalesce(sum(d.persons), 0)::BIGINT AS persons,
                   coalesce(sum(d.amount), 0)::BIGINT AS amount
            FROM dec d JOIN in_households h USING (household_id)
            GROUP BY ALL ORDER BY region_code""").to_arrow_table()  # noqa: S608
    finally:
        con.close()
    return table.cast(PREVIEW_SCHEMA)
