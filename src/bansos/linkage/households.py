"""Household linkage: which registry household each list family is, by its members rather than
by its KK number alone. Families split and KKs get reissued, so two lists naming the same head
and members are one household even when their KKs differ. Pure: DuckDB tables in, a table out.

A row whose person is in the registry belongs to that person's current household: the civil
registry knows moves and splits better than a program list, whose KK may be the family's old
one (a married child still listed under the parents' KK). For the other rows (new persons) the
list family decides. A list family is the rows of one import sharing a KK (a row without a KK
is a family alone):
1. its members already placed in the registry vote with their current household; the
   household with most votes wins, the head's vote breaking ties;
2. with no vote, a registry household with the same KK;
3. otherwise a new household, one per KK across all lists (the same new family in PKH and
   BPNT is one household), or per list family when the KK is missing.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa


def households_assign(*, con: duckdb.DuckDBPyConnection, rows: str, registry: str) -> pa.Table:
    """Per row of `rows` (uid, list_import_id, kk_index, relationship, person_uid): the
    `household_id` it belongs to, or a `new_household_key` for a household to create."""
    return con.sql(f"""
        WITH fam AS (
            SELECT uid, person_uid, relationship, kk_index,
                   coalesce(list_import_id::VARCHAR || ':' || kk_index, 'row:' || uid) AS family
            FROM {rows}),
        votes AS (
            SELECT f.family, r.household_id, count(*) AS n,
                   max(CASE WHEN f.relationship = 'head' THEN 1 ELSE 0 END) AS head
            FROM fam f JOIN {registry} r ON r.uid = f.person_uid
            WHERE r.household_id IS NOT NULL
            GROUP BY f.family, r.household_id),
        voted AS (
            SELECT family, arg_max(household_id, n * 2 + head) AS household_id
            FROM votes GROUP BY family),
        by_kk AS (
            SELECT kk_index, min(household_id) AS household_id FROM {registry}
            WHERE kk_index IS NOT NULL AND household_id IS NOT NULL GROUP BY kk_index),
        fam_kk AS (
            SELECT family, any_value(kk_index) AS kk_index FROM fam GROUP BY family)
        SELECT f.uid, coalesce(own.household_id, v.household_id, k.household_id) AS household_id,
               CASE WHEN coalesce(own.household_id, v.household_id, k.household_id) IS NULL
                    THEN coalesce('kk:' || fk.kk_index, f.family) END AS new_household_key
        FROM fam f
        JOIN fam_kk fk ON fk.family = f.family
        LEFT JOIN {registry} own ON own.uid = f.person_uid
        LEFT JOIN voted v ON v.family = f.family
        LEFT JOIN by_kk k ON k.kk_index = fk.kk_index
        ORDER BY f.uid""").to_arrow_table()
