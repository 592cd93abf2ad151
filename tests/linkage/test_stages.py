"""Golden tables for the pure linkage stages: blocking, known u, decisions, households and the
accuracy measures."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from bansos.linkage.block import Rule, pairs_block
from bansos.linkage.decide import Thresholds, placements_decide, sure_matches
from bansos.linkage.evaluate import accuracy
from bansos.linkage.households import households_assign
from bansos.linkage.model import known_u

D1, D2 = dt.date(1980, 1, 1), dt.date(1990, 5, 6)


def test_blocking_new_side_pairs_new_rows_with_registry_and_each_other_only():
    con = duckdb.connect()
    con.register("rec", pa.table({
        "uid": [-1, -2, 5, 6, 7],
        "birth_date": [D1, D1, D1, D1, D2],
        "sex": ["L", "L", "L", "P", "L"],
    }))
    pairs = pairs_block(con=con, table="rec", side="new",
                        rules=(Rule("birth_date_sex", ("birth_date", "sex")),))
    got = sorted(zip(pairs["uid_l"].to_pylist(), pairs["uid_r"].to_pylist(), strict=True))
    assert got == [(-2, 5), (-1, 5)]  # never registry with registry (-2, -1)


def test_blocking_skips_oversized_blocks_and_nulls():
    con = duckdb.connect()
    con.register("rec", pa.table({"uid": [1, 2, 3, 4], "kk": ["A", "A", "A", None]}))
    rule = (Rule("kk", ("kk",)),)
    assert pairs_block(con=con, table="rec", side="dedupe", rules=rule).num_rows == 3
    assert pairs_block(con=con, table="rec", side="dedupe", rules=rule, max_block=2).num_rows == 0


def test_blocking_link_side_pairs_across_files_only():
    con = duckdb.connect()
    con.register("rec", pa.table({"uid": [1, 2, 3], "source": ["L", "L", "R"],
                                  "nik": ["X", "X", "X"]}))
    pairs = pairs_block(con=con, table="rec", side="link", rules=(Rule("nik", ("nik",)),))
    assert sorted(pairs["uid_l"].to_pylist()) == [1, 2]
    assert set(pairs["uid_r"].to_pylist()) == {3}


def test_known_u_counts_nik_coincidences_exactly():
    con = duckdb.connect()
    con.register("u", pa.table({
        "uid": [1, 2, 3, 4],
        # 1-2 equal; 1-3 and 2-3 one digit off in the region part; 4 differs in the serial only
        "nik": ["3510010101800001", "3510010101800001", "3510020101800001", "3510010101800002"],
        "birth_date": [D1, D1, D2, D2], "sex": ["L", "L", "L", "P"],
    }))
    u = known_u(con=con, table="u")
    assert u[("nik", 1)] == pytest.approx(1 / 6)
    assert u[("nik", 2)] == pytest.approx(2 / 6)  # the serial-only difference is not "near"
    assert u[("birth_date", 1)] == pytest.approx(2 / 6)
    assert u[("sex", 1)] == pytest.approx(3 / 6)


def test_sure_match_needs_nik_birth_date_and_a_similar_name():
    con = duckdb.connect()
    con.register("staged", pa.table({
        "uid": [1, 2, 3], "nik_index": ["n1", "n2", "n1"], "birth_date": [D1, D1, D2],
        "full_name": ["BUDI SANTOSO", "ANI", "BUDI SANTOSO"]}))
    con.register("registry", pa.table({
        "uid": [-10, -11], "nik_index": ["n1", "n2"], "birth_date": [D1, D1],
        "full_name": ["BUDI SANTOSA", "RINA MARLINA"]}))  # -11: the twin whose NIK row 2 has
    sure = sure_matches(con=con, staged="staged", registry="registry")
    assert dict(zip(sure["uid"].to_pylist(), sure["person_uid"].to_pylist(), strict=True)) == {
        1: -10}


def _decide(scored_rows, residual, sure_links=()):
    con = duckdb.connect()
    con.register("scored", pa.table({
        "uid_l": pa.array([r[0] for r in scored_rows], pa.int64()),
        "uid_r": pa.array([r[1] for r in scored_rows], pa.int64()),
        "match_probability": pa.array([r[2] for r in scored_rows], pa.float64())}))
    links = pa.table({"uid_l": pa.array([a for a, _ in sure_links], pa.int64()),
                      "uid_r": pa.array([b for _, b in sure_links], pa.int64())})
    placements, reviews = placements_decide(
        con=con, residual=np.array(residual, dtype=np.int64), scored="scored",
        sure_links=links, limits=Thresholds(upper=0.99, lower=0.8))
    return ({r["uid"]: (r["person_uid"], r["new_key"], r["method"])
             for r in placements.to_pylist()}, reviews.to_pylist())


def test_decisions_merge_review_new_and_groups_that_reach_a_person():
    placed, reviews = _decide(
        [(-1, 10, 0.999), (-2, 10, 0.5),  # 10: best is person 1
         (-3, 11, 0.9),  # 11: between thresholds -> review
         (10, 12, 0.995),  # 12 reaches person 1 through 10
         (13, 14, 0.999),  # 13+14 reach nobody -> one new person
         (13, 15, 0.85)],  # 15 is uncertain against 13 -> review between new rows
        residual=[10, 11, 12, 13, 14, 15])
    assert placed[10] == (-1, None, "model")
    assert placed[11] == (None, None, "review")
    assert placed[12] == (-1, None, "model")
    assert placed[13] == placed[14] == (None, 13, "new")
    assert placed[15] == (None, 15, "new")
    assert {(r["uid"], r["person_uid"], r["other_uid"]) for r in reviews} == {
        (11, -3, None), (15, None, 13)}


def test_sure_links_between_new_rows_make_one_person():
    placed, _ = _decide([], residual=[20, 21], sure_links=[(20, 21)])
    assert placed[20] == placed[21] == (None, 20, "new")


def test_households_follow_the_registry_person_then_the_family_then_the_kk():
    con = duckdb.connect()
    con.register("registry", pa.table({
        "uid": pa.array([-1, -2, -3], pa.int64()), "household_id": pa.array([100, 100, 200]),
        "kk_index": ["KK-A", "KK-A", "KK-B"]}))
    con.register("rows", pa.table({
        "uid": pa.array([1, 2, 3, 4, 5, 6], pa.int64()),
        "list_import_id": pa.array([7, 7, 7, 7, 8, 8], pa.int64()),
        # row 3 is listed under the family's stale KK but lives in household 200 now
        "kk_index": ["OLD", "OLD", "OLD", "KK-B", "NEW", None],
        "relationship": ["head", "child", "child", "head", "head", "head"],
        "person_uid": pa.array([-1, None, -3, None, None, None], pa.int64())}))
    got = {r["uid"]: (r["household_id"], r["new_household_key"])
           for r in households_assign(con=con, rows="rows", registry="registry").to_pylist()}
    assert got[1] == (100, None)  # its person's household
    assert got[2] == (100, None)  # a new member of that family: the family's vote
    assert got[3] == (200, None)  # its person moved: the registry knows better than the KK
    assert got[4] == (200, None)  # no vote: the KK
    assert got[5] == (None, "kk:NEW")
    assert got[6] == (None, "row:6")


def test_accuracy_counts_pairs_from_the_contingency_table():
    result = accuracy(predicted=np.array([1, 1, 1, 2, 3]), truth=np.array([1, 1, 2, 2, 3]))
    assert (result.predicted_pairs, result.true_pairs, result.correct_pairs) == (3, 2, 1)
    assert result.precision == pytest.approx(1 / 3)
    assert result.recall == pytest.approx(1 / 2)
    assert result.f1 == pytest.approx(0.4)
    assert result.clusters_exact_recall == 0.0
    perfect = accuracy(predicted=np.array([5, 5, 9]), truth=np.array([1, 1, 2]))
    assert perfect.f1 == 1.0 and perfect.clusters_exact_precision == 1.0


def test_a_row_two_registry_persons_fit_goes_to_review():
    placed, reviews = _decide([(-1, 30, 0.9999), (-2, 30, 0.95)], residual=[30])
    assert placed[30] == (None, None, "review")
    assert [(r["uid"], r["person_uid"]) for r in reviews] == [(30, -1), (30, -2)]


def test_linkage_never_spills_to_disk():
    from bansos.linkage.duck import duck_connect

    con = duck_connect()
    assert con.sql("SELECT current_setting('temp_directory')").fetchall() == [("",)]
