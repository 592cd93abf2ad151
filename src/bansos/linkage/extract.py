"""What a registry linkage run reads: staged rows not linked yet, the registry's persons, and
(for the few records compared probabilistically) their NIKs in the clear, in memory only.

Registry persons get negative uids (`-person_id`), staged rows positive ones (`staged_row_id`),
so one table of records can hold both and blocking can keep registry-against-registry pairs
out (`block.pairs_block(side="new")`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc

from bansos.core import protected
from bansos.core.bulk_read import query_table
from bansos.intake.models import ListImport, StagedRow
from bansos.registry.models import Person

CHUNK = 50_000
_NIKS = pa.schema([("id", pa.int64()), ("nik", pa.binary())])

STAGED_SCHEMA = pa.schema([
    ("uid", pa.int64()), ("list_import_id", pa.int64()), ("source", pa.string()),
    ("nik_index", pa.string()), ("kk_index", pa.string()), ("full_name", pa.string()),
    ("birth_date", pa.date32()), ("sex", pa.string()), ("birth_place", pa.string()),
    ("relationship", pa.string()), ("address", pa.string()), ("rt", pa.string()),
    ("rw", pa.string()), ("village", pa.string()),
])
REGISTRY_SCHEMA = pa.schema([
    ("uid", pa.int64()), ("nik_index", pa.string()), ("kk_index", pa.string()),
    ("full_name", pa.string()), ("birth_date", pa.date32()), ("sex", pa.string()),
    ("birth_place", pa.string()), ("household_id", pa.int64()), ("address", pa.string()),
    ("rt", pa.string()), ("rw", pa.string()), ("village", pa.string()),
])


def staged_unlinked() -> pa.Table:
    """Staged rows of finished imports that no run has placed yet. Banks' account lists are
    not linked: they say who holds which account, not who lives where, and payments place
    them by exact NIK (the bank checked the KTP when it opened the account)."""
    sql = f"""
        SELECT s.id, s.list_import_id, src.code, s.nik_index, s.kk_index, s.full_name,
               s.birth_date, s.sex, s.birth_place, s.relationship, s.address, s.rt, s.rw,
               s.village_id
        FROM intake_stagedrow s
        JOIN intake_listimport li ON li.id = s.list_import_id
        JOIN intake_source src ON src.id = li.source_id
        LEFT JOIN linkage_recordlink k ON k.staged_row_id = s.id
        WHERE k.id IS NULL AND li.status = '{ListImport.Status.DONE}' AND src.kind != 'bank'
        ORDER BY s.id"""
    return _blank_to_null(query_table(sql=sql, schema=STAGED_SCHEMA))


def registry_persons() -> pa.Table:
    """Every registry person (the dead too: a listed dead person must be found) with the
    place and KK of their current household."""
    sql = """
        SELECT -p.id, p.nik_index, h.kk_index, p.full_name, p.birth_date, p.sex, p.birth_place,
               p.household_id, h.address, h.rt, h.rw, h.village_id
        FROM registry_person p LEFT JOIN registry_household h ON h.id = p.household_id"""
    return _blank_to_null(query_table(sql=sql, schema=REGISTRY_SCHEMA))


def _blank_to_null(table: pa.Table) -> pa.Table:
    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type):
            column = table.column(i)
            table = table.set_column(i, field, pc.if_else(pc.equal(column, ""), None, column))
    return table


def rows_by_id(*, table: str, columns: str, ids: list[int], schema: pa.Schema
               ) -> Iterator[pa.Table]:
    """The rows of `table` (its `columns`, first `id`) whose id is in `ids`, a chunk at a time
    (ids are integers, inlined: `query_table` reads by `COPY`)."""
    for start in range(0, len(ids), CHUNK):
        listed = ",".join(str(int(i)) for i in ids[start:start + CHUNK])
        yield query_table(sql=f"SELECT {columns} FROM {table} WHERE id IN ({listed})",
                          schema=schema)


def niks_in_clear(*, uids: Iterable[int]) -> dict[int, str]:
    """uid -> NIK for the records compared probabilistically. Ciphertexts are read by `COPY`
    and opened with the keyring directly: through the ORM field each cost ten times more, and
    a run at 1M persons opens a few hundred thousand."""
    ring = protected.keyring()
    staged = sorted(u for u in uids if u > 0)
    persons = sorted(-u for u in uids if u < 0)
    out: dict[int, str] = {}
    for ids, table, sign in ((staged, StagedRow._meta.db_table, 1),
                             (persons, Person._meta.db_table, -1)):
        for found in rows_by_id(table=table, columns="id, nik", ids=ids, schema=_NIKS):
            for pk, blob in zip(found["id"].to_pylist(), found["nik"].to_pylist(), strict=True):
                if blob is not None:
                    out[sign * pk] = ring.decrypt(blob, purpose="nik")
    return out


def with_niks(*, records: pa.Table) -> pa.Table:
    """`records` with a `nik` column in the clear (null where none is known)."""
    niks = niks_in_clear(uids=records["uid"].to_pylist())
    column = pa.array([niks.get(u) for u in records["uid"].to_pylist()], pa.string())
    return records.append_column("nik", column)
