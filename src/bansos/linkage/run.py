"""A registry linkage run: every staged row not placed yet is linked against the registry and
each other, and the outcome written set-at-a-time (see docs/linkage.md).

Stages: extract (staged rows, registry persons) -> sure matches (NIK and birth date) ->
normalise and block the rest -> train the model and score -> decide -> households -> write.
Only the rows without a sure match are compared probabilistically, and only their candidates'
NIKs are decrypted (in memory)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bansos.core.runs import run_finish, run_start
from bansos.linkage import extract
from bansos.linkage.block import REGISTRY_RULES, pairs_block, rules_usable
from bansos.linkage.compare import comparisons_for, settings_base
from bansos.linkage.decide import Thresholds, placements_decide, sure_matches
from bansos.linkage.duck import duck_connect
from bansos.linkage.households import households_assign
from bansos.linkage.model import model_train, pairs_score
from bansos.linkage.models import LinkRun
from bansos.linkage.normalize import records_normalise
from bansos.linkage.write import outcome_write

Progress = Callable[[str, int, int], None]
U_SAMPLE = 20_000  # registry persons whose random pairs give the u probabilities
MATCH_RATE_RULES = ["l.nik = r.nik AND l.birth_date = r.birth_date",
                    "l.name_key = r.name_key AND l.birth_date = r.birth_date"]
# Scoring columns: what the comparisons read (compare.COMPARISONS), nothing else.
SCORE_COLUMNS = ("uid", "nik", "nik_birth_date", "birth_date", "name_key", "name_key_sorted",
                 "name_rare", "sex", "village", "rt", "rw", "kk", "birth_place")


class LinkRunBusy(RuntimeError):
    pass


@dataclass
class _Clock:
    timings: dict[str, float] = field(default_factory=dict)
    last: float = field(default_factory=time.perf_counter)

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.last, 3)
        self.last = now


def link_run(*, upper: float | None = None, lower: float | None = None, started_by: str = "",
             progress: Progress | None = None) -> LinkRun:
    """Link every unplaced staged row into the registry; returns the finished LinkRun."""
    limits = Thresholds(upper=upper if upper is not None else settings.BANSOS_LINK_UPPER,
                        lower=lower if lower is not None else settings.BANSOS_LINK_LOWER)
    if not 0 < limits.lower <= limits.upper < 1:
        raise ValueError("thresholds must satisfy 0 < lower <= upper < 1 "
                         "/ ambang harus 0 < bawah <= atas < 1")
    if LinkRun.objects.filter(status=LinkRun.Status.RUNNING).exists():
        raise LinkRunBusy("another linkage run is in progress / pencocokan lain sedang berjalan")
    run = run_start(kind="linkage.run", params={"upper": limits.upper, "lower": limits.lower},
                    started_by=started_by)
    link = LinkRun.objects.create(run=run, upper_threshold=limits.upper,
                                  lower_threshold=limits.lower, started_by=started_by)
    clock = _Clock()
    try:
        counts = _link(link=link, limits=limits, clock=clock, progress=progress)
    except Exception as exc:
        LinkRun.objects.filter(pk=link.pk).update(status=LinkRun.Status.FAILED,
                                                  error=str(exc)[:2000],
                                                  finished_at=timezone.now())
        run_finish(run=run, summary={"error": str(exc)[:500]}, failed=True)
        raise
    link.status, link.counts, link.timings = LinkRun.Status.DONE, counts, clock.timings
    link.finished_at = timezone.now()
    link.save(update_fields=["status", "counts", "timings", "finished_at", "model"])
    run_finish(run=run, summary={"counts": counts, "timings": clock.timings})
    return link


def _link(*, link: LinkRun, limits: Thresholds, clock: _Clock, progress: Progress | None
          ) -> dict[str, int]:
    staged = extract.staged_unlinked()
    if staged.num_rows == 0:
        return {"rows": 0}
    registry = extract.registry_persons()
    clock.lap("extract")
    con = duck_connect()
    con.register("staged", staged)
    con.register("registry", registry)
    sure = sure_matches(con=con, staged="staged", registry="registry")
    sure_uids = set(sure["uid"].to_pylist())
    residual = np.array([u for u in staged["uid"].to_pylist() if u not in sure_uids],
                        dtype=np.int64)
    clock.lap("sure")
    if progress:
        progress("pasti / sure", len(sure_uids), staged.num_rows)

    placements = pa.table({
        "uid": sure["uid"], "person_uid": sure["person_uid"],
        "new_key": pa.nulls(sure.num_rows, pa.int64()),
        "method": pa.repeat(pa.scalar("nik_birth_date"), sure.num_rows),
        "match_probability": pa.repeat(pa.scalar(1.0), sure.num_rows)})
    reviews, scored = None, None
    if len(residual):
        residual_placements, reviews, scored = _residual(
            con=con, link=link, staged=staged, registry=registry, residual=residual,
            limits=limits, clock=clock)
        placements = pa.concat_tables([placements, residual_placements.cast(placements.schema)])
    con.register("placements", placements)
    con.sql("""CREATE TABLE placed AS SELECT s.uid, s.list_import_id, s.kk_index,
               s.relationship, p.person_uid, p.new_key, p.method, p.match_probability
               FROM staged s JOIN placements p USING (uid)""")
    homes = households_assign(con=con, rows="placed", registry="registry")
    clock.lap("households")
    with transaction.atomic():
        counts = outcome_write(con=con, link=link, staged=staged, homes=homes,
                               reviews=reviews, scored=scored)
    clock.lap("write")
    counts["sure"] = len(sure_uids)
    counts["compared"] = len(residual)
    return counts


def _residual(*, con, link: LinkRun, staged: pa.Table, registry: pa.Table, residual: np.ndarray,
              limits: Thresholds, clock: _Clock) -> tuple[pa.Table, pa.Table, str]:
    """Normalise, block, train, score and decide the rows without a sure match."""
    rows = staged.filter(pc.is_in(staged["uid"], pa.array(residual)))
    # Blocking compares KKs and NIKs by blind index: equal values, equal indexes.
    both = pa.concat_tables([_for_blocking(rows), _for_blocking(registry)],
                            promote_options="default")
    blocking = records_normalise(records=both)
    blocking = blocking.append_column("district", pc.utf8_slice_codeunits(blocking["village"], 0, 8))
    con.register("blocking", blocking)
    clock.lap("normalise")
    pairs = pairs_block(con=con, table="blocking", side="new",
                        rules=rules_usable(columns=blocking.column_names, rules=REGISTRY_RULES))
    clock.lap("block")
    con.register("pairs", pairs)
    wanted = pc.unique(pa.concat_arrays([pairs["uid_l"].combine_chunks(),
                                         pairs["uid_r"].combine_chunks(),
                                         pa.array(residual)]))
    scoring = _for_scoring(both.filter(pc.is_in(both["uid"], wanted)))
    sample = registry.take(np.random.default_rng(link.pk).choice(
        registry.num_rows, size=min(U_SAMPLE, registry.num_rows), replace=False))
    u_records = _for_scoring(_for_blocking(sample))
    con.register("scoring_view", scoring)
    con.sql("CREATE OR REPLACE TABLE scoring AS SELECT * FROM scoring_view")
    con.register("u_view", u_records)
    con.sql("CREATE OR REPLACE TABLE u_sample AS SELECT * FROM u_view")
    clock.lap("decrypt")
    spec = settings_base(comparisons=comparisons_for(records=scoring), blocking_sql=[])
    model = model_train(con=con, table="scoring", u_table="u_sample", settings=spec,
                        match_rate_rules=MATCH_RATE_RULES, seed=link.pk)
    link.model = model
    clock.lap("train")
    scored = pairs_score(con=con, table="scoring", model=model, pairs=pairs)
    con.register("scored_view", scored)
    con.sql("CREATE OR REPLACE TABLE scored AS SELECT * FROM scored_view")
    clock.lap("score")
    sure_links = con.sql("""
        SELECT a.uid AS uid_l, b.uid AS uid_r FROM blocking a JOIN blocking b
          ON a.nik_index = b.nik_index AND a.birth_date = b.birth_date AND a.uid < b.uid
        WHERE a.uid > 0 AND b.uid > 0""").to_arrow_table()
    placements, reviews = placements_decide(con=con, residual=residual, scored="scored",
                                            sure_links=sure_links, limits=limits)
    clock.lap("decide")
    return placements, reviews, "scored"


def _for_blocking(table: pa.Table) -> pa.Table:
    """Records as `records_normalise` takes them, identifiers as blind indexes."""
    keep = {"uid": "uid", "full_name": "full_name", "birth_date": "birth_date", "sex": "sex",
            "birth_place": "birth_place", "address": "address", "rt": "rt", "rw": "rw",
            "village": "village", "kk_index": "kk", "nik_index": "nik_index"}
    return pa.table({new: table[old] for old, new in keep.items() if old in table.column_names})


def _for_scoring(records: pa.Table) -> pa.Table:
    """Normalised records with the NIK in the clear, only the columns the model compares."""
    clear = extract.with_niks(records=records.select(
        [c for c in records.column_names if c != "nik_index"]))
    normalised = records_normalise(records=clear)
    return normalised.select([c for c in SCORE_COLUMNS if c in normalised.column_names])
