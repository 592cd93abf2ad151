"""Writing a run's outcome, set-at-a-time inside the caller's transaction: new households and
persons (their NIK and KK ciphertexts copied from the staged row: same purpose, same key, so
nothing is decrypted to write them), their memberships, one RecordLink per staged row and the
duplicate reviews with the weight of each field."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa
from django.db.models import Max

from bansos.areas.scope import scope_codes
from bansos.core.bulk_insert import rows_insert, tables_insert
from bansos.intake.models import StagedRow
from bansos.linkage.extract import rows_by_id
from bansos.linkage.model import level_label
from bansos.linkage.models import DuplicateReview, LinkRun, RecordLink
from bansos.registry.models import Household, Membership, Person

_BLOBS = pa.schema([("id", pa.int64()), ("nik", pa.binary()), ("nik_index", pa.string()),
                    ("kk", pa.binary()), ("kk_index", pa.string())])


def _blobs(uids: list[int]) -> dict[int, dict]:
    """Encrypted identifiers of staged rows, as stored (never decrypted here)."""
    out: dict[int, dict] = {}
    for table in rows_by_id(table=StagedRow._meta.db_table, ids=uids, schema=_BLOBS,
                            columns="id, nik, nik_index, kk, kk_index"):
        out.update((row["id"], row) for row in table.to_pylist())
    return out


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def outcome_write(*, con: duckdb.DuckDBPyConnection, link: LinkRun, staged: pa.Table,
                  homes: pa.Table, reviews: pa.Table | None, scored: str | None
                  ) -> dict[str, int]:
    con.register("homes", homes)
    con.sql("""CREATE OR REPLACE TABLE outcome AS
               SELECT p.*, h.household_id, h.new_household_key, s.full_name, s.birth_date,
                      s.birth_place, s.sex, s.village, s.rt, s.rw, s.address
               FROM placed p JOIN homes h USING (uid) JOIN staged s USING (uid)""")
    new_households = _households_create(con)
    new_persons = _persons_create(con, new_households)
    links = con.sql(f"""
        SELECT o.uid AS staged_row_id,
               CASE WHEN o.person_uid IS NOT NULL THEN -o.person_uid ELSE n.person_id END
                   AS person_id,
               coalesce(o.household_id, nh.household_id) AS household_id,
               o.method, o.match_probability, {link.pk}::BIGINT AS run_id
        FROM outcome o
        LEFT JOIN new_persons n ON n.new_key = o.new_key
        LEFT JOIN new_households nh ON nh.new_household_key = o.new_household_key
        ORDER BY o.uid""").to_arrow_table()
    written = tables_insert(model=RecordLink, tables=[
        pa.Table.from_batches([batch]) for batch in links.to_batches(max_chunksize=50_000)])
    opened = _reviews_create(con, link, staged, reviews, scored) if reviews is not None else 0
    methods = dict(con.sql("SELECT method, count(*) FROM outcome GROUP BY method").fetchall())
    return {"rows": written, "new_persons": new_persons, "new_households": new_households,
            "reviews": opened, **{f"method_{k}": v for k, v in methods.items()}}


def _households_create(con: duckdb.DuckDBPyConnection) -> int:
    """One household per new key, from its head row if any (else its first row with a village);
    `new_households` (new_household_key, household_id) is left in DuckDB for the links."""
    reps = con.sql("""
        SELECT new_household_key,
               arg_min(uid, (relationship IS DISTINCT FROM 'head', uid)) AS uid
        FROM outcome WHERE new_household_key IS NOT NULL AND village IS NOT NULL
        GROUP BY new_household_key ORDER BY new_household_key""").fetchall()
    first = _next_id(Household)
    keys = [k for k, _ in reps]
    con.register("_nh", pa.table({"new_household_key": pa.array(keys, pa.string()),
                                  "household_id": pa.array(range(first, first + len(keys)),
                                                           pa.int64())}))
    con.sql("CREATE OR REPLACE TABLE new_households AS SELECT * FROM _nh")
    if not reps:
        return 0
    blobs = _blobs([u for _, u in reps])
    values = {r["uid"]: r for r in con.sql(
        "SELECT uid, village, rt, rw, address FROM outcome WHERE uid IN "
        f"({','.join(str(u) for _, u in reps)})").to_arrow_table().to_pylist()}
    rows = []
    for offset, (_, uid) in enumerate(reps):
        v, b = values[uid], blobs.get(uid, {})
        rows.append((first + offset, b.get("kk"), b.get("kk_index"), v["village"],
                     *scope_codes(v["village"]), v["rw"] or "", v["rt"] or "", v["address"] or ""))
    return rows_insert(model=Household, rows=rows, fields=[
        "id", "kk", "kk_index", "village_id", "province_code", "regency_code", "district_code",
        "rw", "rt", "address"])


def _persons_create(con: duckdb.DuckDBPyConnection, new_households: int) -> int:
    """One person per new key from its first row; `new_persons` (new_key, person_id) is left
    in DuckDB for the links. Memberships follow."""
    reps = con.sql("""
        SELECT o.new_key, o.uid, o.full_name, o.birth_date, o.birth_place, o.sex,
               o.relationship, coalesce(o.household_id, nh.household_id) AS household_id
        FROM outcome o LEFT JOIN new_households nh USING (new_household_key)
        WHERE o.new_key IS NOT NULL AND o.uid = o.new_key ORDER BY o.new_key""").fetchall()
    first = _next_id(Person)
    con.register("_np", pa.table({"new_key": pa.array([r[0] for r in reps], pa.int64()),
                                  "person_id": pa.array(range(first, first + len(reps)),
                                                        pa.int64())}))
    con.sql("CREATE OR REPLACE TABLE new_persons AS SELECT * FROM _np")
    if not reps:
        return 0
    blobs = _blobs([r[1] for r in reps])
    people, members = [], []
    for offset, (_, uid, name, born, place, sex, relationship, household) in enumerate(reps):
        b = blobs.get(uid, {})
        pid = first + offset
        people.append((pid, b.get("nik"), b.get("nik_index"), name or "", place or "", born,
                       sex or "", household, relationship or "", "", "", ""))
        if household is not None:
            members.append((pid, household, relationship or "other", ""))
    rows_insert(model=Person, rows=people, fields=[
        "id", "nik", "nik_index", "full_name", "birth_place", "birth_date", "sex",
        "household_id", "relationship", "education", "school_level", "occupation"])
    rows_insert(model=Membership, rows=members, fields=["person_id", "household_id",
                                                        "relationship", "end_reason"])
    return len(people)


def _reviews_create(con: duckdb.DuckDBPyConnection, link: LinkRun, staged: pa.Table,
                    reviews: pa.Table, scored: str | None) -> int:
    if reviews.num_rows == 0 or scored is None:
        return 0
    con.register("reviews", reviews)
    weights = [c for c in con.sql(f"DESCRIBE {scored}").fetchall() if c[0].startswith("w_")]
    names = [c[0] for c in weights]
    rows = con.sql(f"""
        SELECT r.uid, r.person_uid, r.other_uid, r.match_probability, s.match_weight,
               o.village, {', '.join('s.' + n for n in names)}
        FROM reviews r
        JOIN {scored} s ON s.uid_r = r.uid AND s.uid_l = coalesce(r.person_uid, r.other_uid)
        JOIN outcome o ON o.uid = r.uid""").fetchall()
    out = []
    for uid, person_uid, other_uid, p, weight, village, *parts in rows:
        fields = [{"field": n[2:], "weight": round(w, 2),
                   "level": level_label(model=link.model, comparison=n[2:], weight=w)}
                  for n, w in zip(names, parts, strict=True)]
        out.append((link.pk, uid, -person_uid if person_uid is not None else None, other_uid,
                    p, weight, json.dumps(fields), *scope_codes(village)))
    return rows_insert(model=DuplicateReview, rows=out, fields=[
        "run_id", "staged_row_id", "person_id", "other_row_id", "match_probability",
        "match_weight", "weights", "province_code", "regency_code", "district_code"])
