"""The "5R" of a cycle, measured against a reference: right target (inclusion and exclusion
error of the PMT list, and of the 14-criteria baseline on the same rules), right amount, right
time and right administration.

The reference is the best knowledge of each household's true welfare: in the demo and the
benchmarks the generator's true expenditure decile (and true family members); in production a
survey sample with measured expenditure (the same file the PMT is fitted on, held out)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from bansos.core.bulk_read import query_table
from bansos.programs.cycles import cycle_verify
from bansos.programs.models import Cycle
from bansos.targeting.engine import rules_evaluate
from bansos.targeting.inputs import flags_read
from bansos.targeting.rules import rules_parse
from bansos.targeting.scoring import snapshot_load

REFERENCE_SCHEMA = pa.schema([("household_id", pa.int64()), ("true_decile", pa.int8())])


def cycle_measures(*, cycle: Cycle, reference: pa.Table, reference_members: pa.Table | None = None,
                   reference_name: str = "") -> dict:
    """Compute and store the cycle's 5R measures; returns them."""
    households, members = snapshot_load(cycle.scoring_run)
    rules = rules_parse(cycle.rule_version.body, source=cycle.rule_version.source)
    con = duckdb.connect()
    con.register("hh", households)
    con.register("ref", reference.select(REFERENCE_SCHEMA.names).cast(REFERENCE_SCHEMA))
    known = con.sql("SELECT hh.*, ref.true_decile FROM hh JOIN ref USING (household_id) "
                    "ORDER BY household_id").to_arrow_table()
    members = reference_members if reference_members is not None else members
    members = members.filter(pc.is_in(members.column("household_id"), known.column("household_id")))
    flags = flags_read()

    def evaluate(column: str) -> pa.Table:
        return rules_evaluate(rules=rules, households=known, members=members, flags=flags,
                              reference_date=cycle.starts_on, decile_column=column)

    con.register("truth", evaluate("true_decile"))
    con.register("baseline", evaluate("criteria_decile"))
    con.register("listed", _listed(cycle))
    con.register("known", known.select(["household_id"]))
    measures = {
        "reference": reference_name, "households_known": known.num_rows,
        "target": {"pmt": _errors(con, "(SELECT household_id FROM listed)"),
                   "criteria14": _errors(con, "(SELECT household_id FROM baseline WHERE eligible)")},
        "amount": _amounts(con),
        "time": _time(cycle),
        "administration": _administration(cycle, households.num_rows),
    }
    cycle.measures = measures
    cycle.save(update_fields=["measures"])
    return measures


def _listed(cycle: Cycle) -> pa.Table:
    sql = (f"SELECT household_id, amount FROM programs_entitlement WHERE cycle_id = {int(cycle.pk)} "
           f"AND state != 'cancelled'")
    return query_table(sql=sql, schema=pa.schema([("household_id", pa.int64()), ("amount", pa.int64())]))


def _errors(con: duckdb.DuckDBPyConnection, selected_sql: str) -> dict:
    """Inclusion error: listed but not truly eligible, over listed. Exclusion error: truly
    eligible but not listed, over truly eligible. Only households the reference knows count."""
    row = con.sql(f"""
        WITH sel AS (SELECT household_id FROM {selected_sql} JOIN known USING (household_id)),
             tru AS (SELECT household_id FROM truth WHERE eligible)
        SELECT (SELECT COUNT(*) FROM sel),
               (SELECT COUNT(*) FROM tru),
               (SELECT COUNT(*) FROM sel WHERE household_id NOT IN (SELECT household_id FROM tru)),
               (SELECT COUNT(*) FROM tru WHERE household_id NOT IN (SELECT household_id FROM sel))
    """).fetchall()[0]
    selected, eligible, included, excluded = (int(x) for x in row)
    return {"selected": selected, "truly_eligible": eligible,
            "inclusion_error": round(included / selected, 4) if selected else None,
            "exclusion_error": round(excluded / eligible, 4) if eligible else None}


def _amounts(con: duckdb.DuckDBPyConnection) -> dict:
    """Among households both listed and truly eligible: how far the amount is from the amount
    the true family would get under the same rules."""
    both, exact, off, true_total = con.sql("""
        SELECT COUNT(*), COUNT(*) FILTER (WHERE l.amount = t.amount),
               COALESCE(SUM(abs(l.amount - t.amount)), 0), COALESCE(SUM(t.amount), 0)
        FROM listed l JOIN truth t USING (household_id) WHERE t.eligible""").fetchall()[0]
    return {"households": int(both), "exact_share": round(exact / both, 4) if both else None,
            "abs_error_rupiah": int(off), "abs_error_share": round(off / true_total, 4) if true_total else None}


def _time(cycle: Cycle) -> dict:
    if cycle.approved_at is None:
        return {"approved": False}
    days = (cycle.approved_at.date() - cycle.starts_on).days
    return {"approved": True, "approved_days_after_start": days, "approved_on_time": days <= 0}


def _administration(cycle: Cycle, snapshot_households: int) -> dict:
    decisions = cycle.decisions.count()
    return {"decisions": decisions, "every_household_decided": decisions == snapshot_households,
            "rule_version": str(cycle.rule_version), "scoring_run": cycle.scoring_run_id,
            "frozen_list_verified": cycle_verify(cycle) if cycle.digest else None}
