"""The generator's ground truth as a 5R reference: each household's true welfare decile and its
true members (as the rules engine reads members), for `programs.measures.cycle_measures`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bansos.registry.vocab import disability_code, relationship_code


def truth_reference(population_dir: Path) -> tuple[pa.Table, pa.Table]:
    """(household_id, true_decile) and the true members of every generated household."""
    population_dir = Path(population_dir)
    households = pq.read_table(population_dir / "households.parquet",
                               columns=["household_id", "true_decile"])
    households = households.set_column(1, "true_decile", pc.cast(households.column(1), pa.int8()))
    p = pq.read_table(population_dir / "persons.parquet", columns=[
        "household_id", "person_id", "birth_date", "sex", "relationship", "school_level",
        "disability", "pregnant", "occupation", "education", "alive"])
    members = pa.table({
        "household_id": p.column("household_id"), "person_id": p.column("person_id"),
        "birth_date": pc.cast(p.column("birth_date"), pa.date32()), "sex": p.column("sex"),
        "relationship": _mapped(p.column("relationship"), relationship_code),
        "school_level": pc.fill_null(p.column("school_level"), ""),
        "disability": _mapped(p.column("disability"), disability_code),
        "pregnant": p.column("pregnant"), "occupation": pc.fill_null(p.column("occupation"), ""),
        "education": pc.fill_null(p.column("education"), ""), "alive": p.column("alive"),
    })
    return households, members


def _mapped(column: pa.ChunkedArray, to_code) -> pa.Array:
    """Map labels to codes once per distinct label, not once per person."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    codes = np.array([str(to_code(label)) for label in encoded.dictionary.to_pylist()], dtype=object)
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return pa.array(codes[indices], pa.string())
