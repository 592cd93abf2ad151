"""Decisions: where each staged row goes, from the sure matches and the scored pairs. Pure:
tables in, tables out; `run.py` writes them.

- A row whose NIK (blind index) and birth date equal a registry person's is that person
  (`nik_birth_date`), without scoring, unless the two names plainly differ.
- Otherwise its best-scoring registry candidate decides: at or above `upper` the row is that
  person (`model`); between `lower` and `upper` a duplicate review is opened and the row waits
  (`review`); below, the row is not that person. A row that two registry persons both fit
  (the runner-up at or above `lower`: twins, one with the other's NIK) is reviewed too.
- Rows that matched no registry person are grouped by their strong links to each other
  (connected components at `upper`): a group that reaches exactly one registry person joins it;
  a group that reaches none (or, ambiguously, several) becomes one new person (`new`). Uncertain links between new rows
  become reviews too.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from bansos.linkage.cluster import clusters_from_pairs

PLACEMENT_SCHEMA = pa.schema([
    ("uid", pa.int64()), ("person_uid", pa.int64()), ("new_key", pa.int64()),
    ("method", pa.string()), ("match_probability", pa.float64()),
])


SURE_NAME_SIMILARITY = 0.8


@dataclass(frozen=True)
class Thresholds:
    upper: float
    lower: float


def sure_matches(*, con: duckdb.DuckDBPyConnection, staged: str, registry: str) -> pa.Table:
    """(uid, person_uid) for staged rows whose NIK and birth date equal a registry person's,
    unless the names plainly differ (Jaro–Winkler below `SURE_NAME_SIMILARITY`): a NIK typed
    one digit wrong can be a twin's, who shares the birth date. Such rows are scored instead,
    where the true person (found by other blocking rules) outscores the twin."""
    return con.sql(f"""
        SELECT s.uid, min(r.uid) AS person_uid
        FROM {staged} s JOIN {registry} r
          ON s.nik_index = r.nik_index AND s.birth_date = r.birth_date
        WHERE s.full_name IS NULL OR r.full_name IS NULL
           OR jaro_winkler_similarity(s.full_name, r.full_name) >= {SURE_NAME_SIMILARITY}
        GROUP BY s.uid""").to_arrow_table()


def _best_registry(con: duckdb.DuckDBPyConnection, scored: str
                   ) -> dict[int, tuple[int, float, int | None, float]]:
    """Per row: its best registry candidate and that probability, the runner-up and its."""
    rows = con.sql(f"""
        SELECT uid_r, arg_max(uid_l, match_probability), max(match_probability),
               max(uid_l) FILTER (WHERE rank = 2),
               coalesce(max(match_probability) FILTER (WHERE rank = 2), 0)
        FROM (SELECT *, row_number() OVER (PARTITION BY uid_r
                                           ORDER BY match_probability DESC, uid_l) AS rank
              FROM {scored} WHERE uid_l < 0)
        GROUP BY uid_r""").fetchall()
    return {uid: (person, p, runner_up, second) for uid, person, p, runner_up, second in rows}


def placements_decide(*, con: duckdb.DuckDBPyConnection, residual: np.ndarray, scored: str,
                      sure_links: pa.Table, limits: Thresholds) -> tuple[pa.Table, pa.Table]:
    """(placements of the residual rows, reviews) — see the module docstring.

    `scored` names a DuckDB table of scored pairs (registry always on the left, uid < 0);
    `sure_links` holds extra certain links between staged rows (uid_l, uid_r)."""
    best = _best_registry(con, scored)
    strong = con.sql(f"""
        SELECT uid_l, uid_r, match_probability FROM {scored}
        WHERE uid_l > 0 AND match_probability >= {limits.upper}""").to_arrow_table()
    sure = sure_links.append_column("match_probability",
                                    pa.array(np.ones(sure_links.num_rows)))
    edges = pa.concat_tables([strong, sure.cast(strong.schema)])
    components = clusters_from_pairs(uids=residual, pairs=edges, threshold=limits.upper)
    components = np.asarray(components)

    person = np.zeros(len(residual), dtype=np.int64)
    prob = np.full(len(residual), np.nan)
    method = np.full(len(residual), "", dtype=object)
    reviews = []
    for i, uid in enumerate(residual.tolist()):
        candidate = best.get(uid)
        if candidate is None:
            continue
        person_uid, p, runner_up, second = candidate
        if p >= limits.upper and second < limits.lower:
            person[i], prob[i], method[i] = person_uid, p, "model"
        elif p >= limits.lower:
            method[i], prob[i] = "review", p
            reviews.append((uid, person_uid, None, p))
            if second >= limits.lower:  # the reviewer sees each person the row fits
                reviews.append((uid, runner_up, None, second))

    # Groups of rows: one registry person reached -> all join it; none -> one new person.
    order = np.argsort(components, kind="stable")
    bounds = np.flatnonzero(np.diff(components[order])) + 1
    new_key = np.zeros(len(residual), dtype=np.int64)
    for group in np.split(order, bounds):
        reached = {int(person[i]) for i in group if person[i] != 0}
        free = [i for i in group if method[i] == ""]
        if len(reached) == 1:
            only = reached.pop()
            for i in free:
                person[i], method[i] = only, "model"
                prob[i] = limits.upper if np.isnan(prob[i]) else prob[i]
        else:  # none reached, or several (then no one of them can be chosen for the group)
            for i in free:
                new_key[i], method[i] = int(residual[group[0]]), "new"
    reviews += _new_row_reviews(con, scored, residual, components, method, limits)

    placements = pa.table({
        "uid": pa.array(residual, pa.int64()),
        "person_uid": pa.array(np.where(person != 0, person, 0), pa.int64(),
                               mask=person == 0),
        "new_key": pa.array(new_key, pa.int64(), mask=new_key == 0),
        "method": pa.array(np.where(method == "", "new", method).tolist(), pa.string()),
        "match_probability": pa.array(prob, pa.float64(), mask=np.isnan(prob)),
    }, schema=PLACEMENT_SCHEMA)
    review_table = pa.table({
        "uid": pa.array([r[0] for r in reviews], pa.int64()),
        "person_uid": pa.array([r[1] for r in reviews], pa.int64()),
        "other_uid": pa.array([r[2] for r in reviews], pa.int64()),
        "match_probability": pa.array([r[3] for r in reviews], pa.float64()),
    })
    return placements, review_table


def _new_row_reviews(con, scored: str, residual: np.ndarray, components: np.ndarray,
                     method: np.ndarray, limits: Thresholds) -> list[tuple]:
    """Uncertain links between two rows that both became (parts of) new persons."""
    new_rows = {int(u): int(c) for u, c, m in zip(residual, components, method, strict=True)
                if m == "new"}
    if not new_rows:
        return []
    rows = con.sql(f"""
        SELECT uid_l, uid_r, match_probability FROM {scored}
        WHERE uid_l > 0 AND match_probability >= {limits.lower}
          AND match_probability < {limits.upper}""").fetchall()
    out, seen = [], set()
    for left, right, p in rows:
        if left in new_rows and right in new_rows and new_rows[left] != new_rows[right]:
            key = (min(new_rows[left], new_rows[right]), max(new_rows[left], new_rows[right]))
            if key not in seen:
                seen.add(key)
                out.append((right, None, left, p))
    return out
