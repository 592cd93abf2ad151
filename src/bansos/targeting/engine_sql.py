"""Program rules compiled to DuckDB SQL: the eligibility and amount steps shared by decisions
and previews, so the two can never disagree.

Only whitelisted attribute names (rules.py) become column names, and every literal goes through
`sql_literal`; nothing else from a rule file reaches the SQL text."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from bansos.targeting.rules import (
    HOUSEHOLD_ATTRIBUTES,
    MEMBER_ATTRIBUTES,
    HouseholdCondition,
    MemberCondition,
    ProgramRules,
)

_OPS = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
REGION_COLUMNS = {
    "province": "province_code",
    "regency": "regency_code",
    "district": "district_code",
    "village": "village_code",
}


def sql_literal(value: Any) -> str:
    """A Python value as a SQL literal: bools, ints, finite floats, strings, dates only."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return repr(float(value))
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("NUL character in a SQL string literal")
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    raise TypeError(f"no SQL literal for {type(value).__name__}")


def sql_identifier(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a plain column name: {name!r}")
    return f'"{name}"'


def sql_condition(*, column: str, op: str, value: Any) -> str:
    """One condition as a boolean SQL expression over an already-quoted column."""
    if op in _OPS:
        return f"{column} {_OPS[op]} {sql_literal(value)}"
    if op in ("in", "not_in"):
        items = ", ".join(sql_literal(v) for v in value)
        return f"{column} {'IN' if op == 'in' else 'NOT IN'} ({items})"
    if op == "between":
        return f"{column} BETWEEN {sql_literal(value[0])} AND {sql_literal(value[1])}"
    raise ValueError(f"unknown operator {op!r}")


def household_condition_sql(condition: HouseholdCondition, *, decile_column: str) -> str:
    if condition.attribute not in HOUSEHOLD_ATTRIBUTES:
        raise ValueError(f"unknown household attribute {condition.attribute!r}")
    # `decile` means whichever ranking the caller evaluates (e.g. a baseline's column).
    name = decile_column if condition.attribute == "decile" else condition.attribute
    column = f"h.{sql_identifier(name)}"
    expr = sql_condition(column=column, op=condition.op, value=condition.value)
    return f"coalesce({expr}, FALSE)"


def member_conditions_sql(conditions: list[MemberCondition]) -> str:
    parts = []
    for condition in conditions:
        if condition.attribute not in MEMBER_ATTRIBUTES:
            raise ValueError(f"unknown member attribute {condition.attribute!r}")
        column = sql_identifier(condition.attribute)
        parts.append(sql_condition(column=column, op=condition.op, value=condition.value))
    return " AND ".join(f"({p})" for p in parts) or "TRUE"


def _age_sql(reference_date: date) -> str:
    """Complete years at the reference date; unknown or future birth dates give no age.
    YYYYMMDD arithmetic: twice as fast as datesub; a 29 February birthday falls on 1 March
    in other years."""
    ref = sql_literal(reference_date)
    ymd = int(reference_date.strftime("%Y%m%d"))
    return (f"CASE WHEN birth_date <= {ref} THEN ({ymd} - (year(birth_date) * 10000 "
            f"+ month(birth_date) * 100 + day(birth_date))) // 10000 END")


def _component_caps_sql(rules: ProgramRules) -> str:
    whens = " ".join(
        f"WHEN {i} THEN {c.max_per_household}"
        for i, c in enumerate(rules.components) if c.max_per_household is not None
    )
    return f"CASE comp {whens} END" if whens else "NULL::INTEGER"


def flags_sql(rules: ProgramRules) -> str:
    """Table `hf`: the household flags this program excludes, with their order in the file."""
    flags = rules.exclusions.flags
    if not flags:
        return ("CREATE OR REPLACE TEMP TABLE hf AS SELECT NULL::BIGINT AS household_id, "
                "NULL::VARCHAR AS flag, NULL::INTEGER AS pos WHERE FALSE")
    order = "[" + ", ".join(sql_literal(f) for f in flags) + "]::VARCHAR[]"
    return f"""
CREATE OR REPLACE TEMP TABLE hf AS
SELECT DISTINCT household_id, flag, list_position({order}, flag) AS pos
FROM in_flags WHERE list_contains({order}, flag)
"""  # noqa: S608


def gates_sql(*, rules: ProgramRules, decile_column: str, reference_date: date) -> str:
    """Table `hx`: one narrow row per household with everything decided before components:
    exclusions, the decile against the threshold, and each household condition (c0, c1, ...)."""
    ex = rules.exclusions
    basis = sql_identifier(decile_column if rules.eligibility.decile_basis == "national"
                           else "decile_regional")
    occupations = ", ".join(sql_literal(o) for o in ex.occupations) or "NULL"
    conditions = [household_condition_sql(c, decile_column=decile_column)
                  for c in rules.eligibility.conditions]
    cond_cols = "".join(f"{expr} AS c{i}, " for i, expr in enumerate(conditions))
    cond_all = " AND ".join(f"c{i}" for i in range(len(conditions))) or "TRUE"
    # The households table's living-member count decides, as it does `persons`.
    deceased = "coalesce(h.members_alive, 0) = 0" if ex.deceased else "FALSE"
    excluded = "ex_deceased OR ex_occupation IS NOT NULL OR flagged"
    return f"""
CREATE OR REPLACE TEMP TABLE hx AS
WITH occ AS (
  -- Only adults exclude; an unknown age with such an occupation is taken as adult.
  SELECT household_id, arg_min(occupation, person_id) AS occupation, count(*) AS occ_members
  FROM in_members
  WHERE occupation IN ({occupations}) AND coalesce(alive, TRUE)
    AND coalesce(({_age_sql(reference_date)}) >= 18, TRUE)
  GROUP BY household_id
), base AS (
  SELECT h.household_id, h.{basis}::INTEGER AS basis_decile, {cond_cols}
         h.members_alive, {deceased} AS ex_deceased, o.occupation AS ex_occupation,
         o.occ_members,
         h.household_id IN (SELECT household_id FROM hf) AS flagged
  FROM in_households h
  LEFT JOIN occ o ON o.household_id = h.household_id
)
SELECT *,
  coalesce(basis_decile, 0) < 1 AS unranked,
  NOT ({excluded}) AND coalesce(basis_decile, 0) BETWEEN 1 AND {rules.eligibility.max_decile}
    AND {cond_all} AS gate
FROM base
"""  # noqa: S608


def candidates_sql(*, rules: ProgramRules, reference_date: date) -> str:
    """Table `cand`: (member, component) pairs a member of a gated household meets, with the
    member's number of such components (n_opts). Dead members count only if the rules say so."""
    members = [(i, c) for i, c in enumerate(rules.components) if c.scope == "member"]
    tests = [f"({member_conditions_sql(c.conditions)})" for _, c in members]
    n_opts = " + ".join(f"coalesce({t}, FALSE)::INTEGER" for t in tests) or "0"
    selects = [
        f"SELECT household_id, person_id, birth_date, {i} AS comp, {c.cycle_amount}::BIGINT AS unit, n_opts FROM m WHERE {t}"  # noqa: S608
        for (i, c), t in zip(members, tests, strict=True)
    ] or ["SELECT NULL::BIGINT AS household_id, NULL::BIGINT AS person_id, NULL::DATE AS "
          "birth_date, NULL::INTEGER AS comp, NULL::BIGINT AS unit, 0 AS n_opts WHERE FALSE"]
    alive = "AND coalesce(alive, TRUE)" if rules.exclusions.deceased else ""
    union = "\n  UNION ALL ".join(selects)
    return f"""
CREATE OR REPLACE TEMP TABLE cand AS
WITH attrs AS (
  SELECT household_id, person_id, birth_date, {_age_sql(reference_date)} AS age,
         sex, relationship, coalesce(school_level, '') AS school_level,
         coalesce(disability, 'none') AS disability, coalesce(pregnant, FALSE) AS pregnant,
         occupation, education, coalesce(alive, TRUE) AS alive
  FROM in_members
  WHERE household_id IN (SELECT household_id FROM hx WHERE gate) {alive}
), m AS MATERIALIZED (
  SELECT * FROM (SELECT *, {n_opts} AS n_opts FROM attrs) WHERE n_opts > 0
)
{union}
"""  # noqa: S608


def assign_all_sql(rules: ProgramRules) -> str:
    """Table `paid` when members may count for several components: per-component maximum only.
    Over the maximum, the oldest members are paid first (birth date, then person id)."""
    return f"""
CREATE OR REPLACE TEMP TABLE paid AS
SELECT household_id, person_id, birth_date, comp, unit FROM cand
QUALIFY {_component_caps_sql(rules)} IS NULL
  OR row_number() OVER (PARTITION BY household_id, comp
                        ORDER BY birth_date NULLS LAST, person_id) <= {_component_caps_sql(rules)}
"""  # noqa: S608


def assign_round_sql(*, rules: ProgramRules, first: bool) -> str:
    """One round of one-component-per-member assignment, appended to `paid`.

    Each unpaid member picks their best component that still has room (highest amount, then
    file order); within a component, members with no other option go first, then the oldest.
    A member who loses a full component picks again next round; only members with more than
    one option can, so later rounds touch few rows. Members with a single option and
    components without a maximum skip the window sorts."""
    caps = _component_caps_sql(rules)
    if first:
        open_rows = f"SELECT *, 0 AS used, {caps} AS cap FROM cand"
    else:
        # Only households where someone has another option; their paid rows are few.
        open_rows = f"""
  WITH retry AS (SELECT * FROM cand WHERE n_opts > 1),
  here AS (SELECT * FROM paid WHERE household_id IN (SELECT household_id FROM retry))
  SELECT c.*, coalesce(u.n, 0) AS used, {caps} AS cap FROM retry c
  LEFT JOIN (SELECT household_id, comp, count(*) AS n FROM here GROUP BY ALL) u
    USING (household_id, comp)
  ANTI JOIN here p ON p.household_id = c.household_id AND p.person_id = c.person_id
  WHERE {caps} IS NULL OR coalesce(u.n, 0) < {caps}"""  # noqa: S608
    return f"""
INSERT INTO paid
WITH open AS ({open_rows}
), choice AS (
  SELECT * FROM open WHERE n_opts = 1
  UNION ALL
  (SELECT * FROM open WHERE n_opts > 1
   QUALIFY row_number() OVER (PARTITION BY household_id, person_id ORDER BY unit DESC, comp) = 1)
)
SELECT household_id, person_id, birth_date, comp, unit FROM choice WHERE cap IS NULL
UNION ALL
(SELECT household_id, person_id, birth_date, comp, unit FROM choice WHERE cap IS NOT NULL
 QUALIFY row_number() OVER (PARTITION BY household_id, comp
                            ORDER BY n_opts, birth_date NULLS LAST, person_id) <= cap - used)
"""  # noqa: S608


def member_cap_sql(rules: ProgramRules) -> list[str]:
    """Table `over_cap` (households with more members paid than caps.max_members, and how
    many), then the members beyond the cap removed from `paid`, keeping the highest amounts
    (ties: earlier component, then the oldest member). Only households over the cap are sorted."""
    limit = rules.caps.max_members
    if limit is None:
        return ["CREATE OR REPLACE TEMP TABLE over_cap AS "
                "SELECT NULL::BIGINT AS household_id, NULL::BIGINT AS members WHERE FALSE"]
    over = f"""
CREATE OR REPLACE TEMP TABLE over_cap AS
SELECT household_id, count(DISTINCT person_id) AS members FROM paid
GROUP BY household_id HAVING count(DISTINCT person_id) > {int(limit)}
"""  # noqa: S608
    drop = f"""
DELETE FROM paid USING (
  SELECT household_id, person_id FROM (
    SELECT household_id, person_id, sum(unit) AS total, min(comp) AS first_comp,
           any_value(birth_date) AS birth_date
    FROM paid WHERE household_id IN (SELECT household_id FROM over_cap)
    GROUP BY household_id, person_id)
  QUALIFY row_number() OVER (PARTITION BY household_id
                             ORDER BY total DESC, first_comp, birth_date NULLS LAST, person_id)
          > {int(limit)}
) AS dropped
WHERE paid.household_id = dropped.household_id AND paid.person_id = dropped.person_id
"""  # noqa: S608
    return [over, drop]


def household_components_sql(rules: ProgramRules) -> str:
    """Query `hc`: per household and component, members qualifying and paid, and the amount."""
    flat = [
        f"SELECT household_id, {i} AS comp, {c.cycle_amount}::BIGINT AS unit, 1::BIGINT AS qualifying, 1::BIGINT AS paid FROM hx WHERE gate"  # noqa: S608
        for i, c in enumerate(rules.components) if c.scope == "household"
    ]
    union = "".join(f"\n  UNION ALL {s}" for s in flat)
    return f"""
SELECT *, unit * paid AS amount FROM (
  SELECT q.household_id, q.comp, q.unit, q.qualifying, coalesce(p.paid, 0) AS paid
  FROM (SELECT household_id, comp, any_value(unit) AS unit, count(*) AS qualifying
        FROM cand GROUP BY household_id, comp) q
  LEFT JOIN (SELECT household_id, comp, count(*) AS paid FROM paid
             GROUP BY household_id, comp) p USING (household_id, comp){union}
)
"""  # noqa: S608


def _quota_sql(rules: ProgramRules) -> tuple[str, str]:
    """Columns and join ranking a quota region's households, poorest (lowest score) first."""
    quota = rules.quota
    if quota is None:
        return ("NULL::VARCHAR AS quota_region, NULL::BIGINT AS quota_rank, "
                "NULL::BIGINT AS quota_limit", "")
    limits = ", ".join(f"({sql_literal(code)}, {int(n)})" for code, n in quota.limits.items())
    region = f"h.{REGION_COLUMNS[quota.level]}"
    columns = (f"{region} AS quota_region, CASE WHEN lim.quota_limit IS NOT NULL THEN "
               f"row_number() OVER (PARTITION BY {region}, pre.pre_ok "
               f"ORDER BY h.score NULLS LAST, pre.household_id) END AS quota_rank, "
               f"lim.quota_limit")
    join = (f"JOIN in_households h ON h.household_id = pre.household_id "
            f"LEFT JOIN (VALUES {limits}) AS lim(region, quota_limit) "
            f"ON lim.region = {region} AND pre.pre_ok")
    return columns, join


def decisions_sql(rules: ProgramRules) -> str:
    """Query `dec`: eligibility, amount and persons per household, quota applied. Reads the
    `paid` table directly (not `hc`), so previews skip the per-component counts."""
    requires = "TRUE" if rules.eligibility.requires_component else "FALSE"
    # The insurer is paid per insured member; a family's size is its living members.
    insurer = rules.payee == "insurer"
    members = [i for i, c in enumerate(rules.components) if c.scope == "member"]
    insured = ""
    if not insurer:
        persons = "coalesce(hx.members_alive, 0)"
    elif len(members) == 1 or rules.caps.one_component_per_member:
        # Each paid member appears once in `paid`, so its rows need no distinct count.
        persons = "coalesce(tot.members, 0)"
    else:
        persons = "coalesce(pp.persons, 0)"
        insured = ("LEFT JOIN (SELECT household_id, count(DISTINCT person_id) AS persons "
                   "FROM paid GROUP BY household_id) pp USING (household_id)")
    flat = [c.cycle_amount for c in rules.components if c.scope == "household"]
    # Household components: every gated household gets each of them once.
    flat_paid = f"CASE WHEN hx.gate THEN {len(flat)} ELSE 0 END"
    flat_amount = f"CASE WHEN hx.gate THEN {sum(flat)} ELSE 0 END"
    quota_columns, quota_join = _quota_sql(rules)
    return f"""
WITH tot AS (
  SELECT household_id, sum(unit) AS amount, count(*) AS members FROM paid GROUP BY household_id
), pre AS (
  SELECT hx.household_id,
         coalesce(tot.members, 0) + {flat_paid} AS paid,
         hx.gate AND (NOT {requires} OR paid > 0) AS pre_ok,
         hx.gate AND {requires} AND paid = 0 AS no_component,
         (coalesce(tot.amount, 0) + {flat_amount})::BIGINT AS amount_pre,
         ({persons})::INTEGER AS persons_pre
  FROM hx LEFT JOIN tot USING (household_id) {insured}
), ranked AS (
  SELECT pre.*, {quota_columns} FROM pre {quota_join}
), decided AS (
  SELECT *, pre_ok AND coalesce(quota_rank <= quota_limit, TRUE) AS eligible FROM ranked
)
SELECT household_id, eligible, pre_ok, no_component, quota_region, quota_rank, quota_limit,
  CASE WHEN eligible THEN amount_pre ELSE 0 END AS amount,
  CASE WHEN eligible THEN persons_pre ELSE 0 END AS persons
FROM decided
"""  # noqa: S608
