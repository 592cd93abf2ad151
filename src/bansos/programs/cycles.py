"""Payment cycles (tahap): create one from a scoring run and the program's rule version, approve
it (which freezes its list), then paying and closed.

Creating evaluates the rules for every household at once (targeting.engine), writes a decision
per household and an entitlement per eligible one with COPY. A draft can be recomputed; an
approved cycle never changes: later registry edits, new scores or new rule files leave it as it
was frozen, and `cycle_verify` proves it against the digest taken at approval."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date, timedelta

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.utils import timezone

from bansos.audit.services import audit_record
from bansos.core.bulk_insert import tables_insert
from bansos.core.bulk_read import query_table
from bansos.programs.models import Cycle, Decision, Enrollment, Entitlement, Suspension
from bansos.programs.periods import cycle_period
from bansos.programs.rulesync import rule_version_sync
from bansos.targeting.engine import rules_evaluate
from bansos.targeting.inputs import flags_read
from bansos.targeting.models import ScoringRun
from bansos.targeting.rules import ProgramRules, rules_current
from bansos.targeting.scoring import scoring_latest, snapshot_load

# A suspended household's check is due within this many days (the social office's deadline).
SUSPENSION_CHECK_DAYS = 30
_NEXT = {Cycle.State.APPROVED: Cycle.State.PAYING, Cycle.State.PAYING: Cycle.State.CLOSED}


class CycleError(Exception):
    """A cycle operation refused, with the reason in Indonesian and English."""


def cycle_create(*, program: str, on: date, created_by: str, scoring_run: ScoringRun | None = None,
                 rules: ProgramRules | None = None) -> Cycle:
    """Create (or recompute, while still a draft) the cycle of `program` whose period contains
    `on`, deciding every household of the scoring run with the rules valid on that day."""
    rules = rules or rules_current(program, on=on)
    scoring_run = scoring_run or scoring_latest()
    if scoring_run is None:
        raise CycleError("belum ada pemeringkatan kesejahteraan / no scoring run yet: score the registry first")
    period, starts, ends = cycle_period(cycle_months=rules.cycle_months, on=on)
    clock = time.perf_counter()
    households, members = snapshot_load(scoring_run)
    flags = flags_read()
    outcome = _decide(rules=rules, households=households, members=members, flags=flags, reference=starts)
    evaluated = round(time.perf_counter() - clock, 3)
    with transaction.atomic():
        version = rule_version_sync(rules=rules)
        cycle, created = Cycle.objects.select_for_update().get_or_create(
            program_id=rules.program, period=period,
            defaults={"starts_on": starts, "ends_on": ends, "rule_version": version,
                      "scoring_run": scoring_run, "created_by": created_by,
                      "registry_version": scoring_run.registry_version})
        if cycle.frozen:
            raise CycleError(f"siklus {cycle} sudah disetujui dan dibekukan / cycle {cycle} is approved and frozen")
        if not created:
            _clear(cycle)
            cycle.rule_version, cycle.scoring_run = version, scoring_run
            cycle.registry_version = scoring_run.registry_version
        _write(cycle=cycle, outcome=outcome)
        cycle_totals(cycle)
        cycle.timings = {"evaluate": evaluated, "write": round(time.perf_counter() - clock - evaluated, 3)}
        cycle.save()
        audit_record(actor=created_by, action="cycle.create" if created else "cycle.recompute",
                     target_type="Cycle", target_id=cycle.pk,
                     data={"program": rules.program, "period": period, "rules": rules.version,
                           "scoring_run": scoring_run.pk, "households": cycle.households,
                           "total": cycle.total})
    return cycle


def _decide(*, rules: ProgramRules, households: pa.Table, members: pa.Table, flags: pa.Table,
            reference: date) -> pa.Table:
    """Decisions for every household, and for enrolled households that rose just above the
    threshold (within `continuity.suspend_max_decile`), a suspended entitlement instead of an
    exit: the social office checks before they lose the benefit."""
    normal = rules_evaluate(rules=rules, households=households, members=members, flags=flags,
                            reference_date=reference)
    con = duckdb.connect()
    con.register("normal", normal)
    con.register("hh", households.select(["household_id", "district_code", "decile"]))
    suspend_to = rules.continuity.suspend_max_decile if rules.continuity else None
    enrolled = _enrolled(rules.program)
    if suspend_to and enrolled.num_rows:
        relaxed_rules = rules.model_copy(update={"eligibility": rules.eligibility.model_copy(
            update={"max_decile": suspend_to})})
        relaxed = rules_evaluate(rules=relaxed_rules, households=households, members=members,
                                 flags=flags, reference_date=reference)
    else:
        relaxed = normal.slice(0, 0)
    con.register("relaxed", relaxed)
    con.register("enrolled", enrolled)
    return con.sql(f"""
        SELECT n.household_id, hh.district_code,
               n.eligible, s.household_id IS NOT NULL AS suspended,
               CASE WHEN s.household_id IS NULL THEN n.amount ELSE s.amount END AS amount,
               CASE WHEN s.household_id IS NULL THEN n.persons ELSE s.persons END AS persons,
               CASE WHEN s.household_id IS NULL THEN n.components ELSE s.components END AS components,
               CASE WHEN s.household_id IS NULL THEN n.reasons
                    ELSE rtrim(n.reasons, ']') || ',' || json_object(
                        'code', 'suspended_pending_check',
                        'params', json_object('decile', hh.decile, 'max', {rules.eligibility.max_decile},
                                              'program', '{_code(rules.program)}'))::VARCHAR || ']'
               END AS reasons
        FROM normal n JOIN hh USING (household_id)
        LEFT JOIN (SELECT r.* FROM relaxed r JOIN enrolled e USING (household_id)
                   WHERE r.eligible) s
               ON s.household_id = n.household_id AND NOT n.eligible
        ORDER BY n.household_id""").to_arrow_table()


def _enrolled(program: str) -> pa.Table:
    sql = (f"SELECT household_id FROM programs_enrollment WHERE program_id = '{_code(program)}' "
           f"AND status IN ('{Enrollment.Status.ACTIVE}', '{Enrollment.Status.SUSPENDED}')")
    return query_table(sql=sql, schema=pa.schema([("household_id", pa.int64())]))


def _code(program: str) -> str:
    if not program.isalnum():
        raise CycleError(f"kode program tidak sah / invalid program code {program!r}")
    return program


def _write(*, cycle: Cycle, outcome: pa.Table, size: int = 200_000) -> None:
    decisions = outcome.select(["household_id", "eligible", "amount", "components", "reasons"])
    tables_insert(model=Decision, constants={"cycle_id": cycle.pk},
                  tables=(decisions.slice(i, size) for i in range(0, decisions.num_rows, size)))
    con = duckdb.connect()
    con.register("outcome", outcome)
    owed = con.sql(f"""
        SELECT household_id, amount, persons, components, district_code,
               CASE WHEN suspended THEN '{Entitlement.State.SUSPENDED}'
                    ELSE '{Entitlement.State.PENDING}' END AS state
        FROM outcome WHERE eligible OR suspended ORDER BY household_id""").to_arrow_table()
    now = timezone.now()
    tables_insert(model=Entitlement, constants={"cycle_id": cycle.pk, "updated_at": now},
                  tables=(owed.slice(i, size) for i in range(0, owed.num_rows, size)))
    _suspensions_open(cycle=cycle, outcome=outcome)
    _analyze("programs_entitlement", "programs_enrollment")


def _analyze(*tables: str) -> None:
    """Fresh PostgreSQL statistics after a bulk write, so the next statements over these tables
    are planned for their real size (a million new rows look like none until analysed)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


def _suspensions_open(*, cycle: Cycle, outcome: pa.Table) -> None:
    held = outcome.filter(pc.field("suspended"))
    if not held.num_rows:
        return
    reasons = dict(zip(held.column("household_id").to_pylist(), held.column("reasons").to_pylist(),
                       strict=True))
    due = cycle.starts_on + timedelta(days=SUSPENSION_CHECK_DAYS)
    entitlements = Entitlement.objects.filter(cycle=cycle, state=Entitlement.State.SUSPENDED)
    Suspension.objects.bulk_create(
        [Suspension(entitlement_id=pk, household_id=household, cycle=cycle, due_on=due,
                    reason=json.loads(reasons[household])[-1])
         for pk, household in entitlements.values_list("pk", "household_id")], batch_size=2_000)


def _clear(cycle: Cycle) -> None:
    """Remove a draft's decisions and list before recomputing it."""
    Suspension.objects.filter(cycle=cycle).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM programs_decision WHERE cycle_id = %s", [cycle.pk])
        cursor.execute("DELETE FROM programs_entitlement WHERE cycle_id = %s", [cycle.pk])


def cycle_totals(cycle: Cycle) -> None:
    """Count the list: payable (pending or approved) households, persons and rupiah, and the held."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(persons), 0), COALESCE(SUM(amount), 0) "
            "FROM programs_entitlement WHERE cycle_id = %s AND state != %s",
            [cycle.pk, Entitlement.State.SUSPENDED])
        # PostgreSQL sums bigints as numeric: back to int.
        cycle.households, cycle.persons, cycle.total = (int(x) for x in cursor.fetchone())
        cursor.execute("SELECT COUNT(*) FROM programs_entitlement WHERE cycle_id = %s AND state = %s",
                       [cycle.pk, Entitlement.State.SUSPENDED])
        cycle.suspended = cursor.fetchone()[0]


def cycle_approve(*, cycle: Cycle, by: str) -> Cycle:
    """Approve a draft: its entitlements are approved and frozen with a digest; enrolments
    follow (new households join, suspended ones are held, those no longer listed leave)."""
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.state != Cycle.State.DRAFT:
            raise CycleError(f"siklus {cycle} bukan draf / cycle {cycle} is not a draft")
        Entitlement.objects.filter(cycle=cycle, state=Entitlement.State.PENDING).update(
            state=Entitlement.State.APPROVED, updated_at=timezone.now())
        _analyze("programs_entitlement", "programs_enrollment")
        _enrollments_follow(cycle)
        cycle.state, cycle.approved_by, cycle.approved_at = Cycle.State.APPROVED, by, timezone.now()
        cycle.digest = cycle_digest(cycle)
        cycle.save()
        audit_record(actor=by, action="cycle.approve", target_type="Cycle", target_id=cycle.pk,
                     data={"households": cycle.households, "total": cycle.total, "digest": cycle.digest})
    return cycle


def _enrollments_follow(cycle: Cycle) -> None:
    """Set-at-a-time: UPDATE … FROM, an anti-join and INSERT … SELECT, not a save per household.
    Joins rather than IN-subqueries, and ON CONFLICT rather than an anti-join against the table
    being filled (which PostgreSQL may plan as a scan per row: quadratic at a million rows)."""
    now = timezone.now()
    params = {"cycle": cycle.pk, "program": cycle.program_id, "now": now,
              "approved": Entitlement.State.APPROVED, "suspended": Entitlement.State.SUSPENDED,
              "active": Enrollment.Status.ACTIVE, "held": Enrollment.Status.SUSPENDED,
              "ended": Enrollment.Status.ENDED}
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE programs_enrollment SET last_cycle_id = %(cycle)s, updated_at = %(now)s,
                status = CASE WHEN e.state = %(suspended)s THEN %(held)s ELSE %(active)s END
            FROM programs_entitlement e
            WHERE e.cycle_id = %(cycle)s AND e.state IN (%(approved)s, %(suspended)s)
              AND programs_enrollment.program_id = %(program)s
              AND programs_enrollment.household_id = e.household_id""", params)
        cursor.execute("""
            UPDATE programs_enrollment SET status = %(ended)s, updated_at = %(now)s
            WHERE program_id = %(program)s AND status != %(ended)s
              AND NOT EXISTS (SELECT 1 FROM programs_entitlement e
                              WHERE e.cycle_id = %(cycle)s AND e.household_id = programs_enrollment.household_id
                                AND e.state IN (%(approved)s, %(suspended)s))""", params)
        cursor.execute("""
            INSERT INTO programs_enrollment (program_id, household_id, status, since_id, last_cycle_id, updated_at)
            SELECT %(program)s, e.household_id,
                   CASE WHEN e.state = %(suspended)s THEN %(held)s ELSE %(active)s END,
                   %(cycle)s, %(cycle)s, %(now)s
            FROM programs_entitlement e
            WHERE e.cycle_id = %(cycle)s AND e.state IN (%(approved)s, %(suspended)s)
            ON CONFLICT (program_id, household_id) DO NOTHING""", params)


def cycle_digest(cycle: Cycle) -> str:
    """sha256 over the frozen list (household, amount, persons, components), in household order."""
    sql = (f"SELECT household_id, amount, persons, components FROM programs_entitlement "
           f"WHERE cycle_id = {int(cycle.pk)} ORDER BY household_id")
    table = query_table(sql=sql, schema=pa.schema([
        ("household_id", pa.int64()), ("amount", pa.int64()), ("persons", pa.int32()),
        ("components", pa.string())]))
    digest = hashlib.sha256()
    for batch in table.to_batches(100_000):
        columns = [c.to_pylist() for c in batch.columns]
        digest.update("".join(f"{h}|{a}|{p}|{c}\n" for h, a, p, c in zip(*columns, strict=True)).encode())
    return digest.hexdigest()


def cycle_verify(cycle: Cycle) -> bool:
    """True when the frozen list is exactly what was approved."""
    return bool(cycle.digest) and cycle_digest(cycle) == cycle.digest


def cycle_advance(*, cycle: Cycle, by: str) -> Cycle:
    """approved → paying → closed."""
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        target = _NEXT.get(cycle.state)
        if target is None:
            raise CycleError(f"siklus {cycle} berstatus {cycle.state}, tidak bisa dilanjutkan / "
                             f"cycle {cycle} is {cycle.state} and cannot move on")
        previous, cycle.state = cycle.state, target
        cycle.save(update_fields=["state"])
        audit_record(actor=by, action="cycle.advance", target_type="Cycle", target_id=cycle.pk,
                     data={"from": previous, "to": target})
    return cycle
