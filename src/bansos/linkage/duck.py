"""The DuckDB connection every linkage stage runs on: in memory, never spilling to disk.

A spill would write intermediate tables, decrypted NIKs among them, to temp files (by default in
the working directory). Linkage keeps its probabilistic work small (only rows without a sure
match, and their candidates), so it fits in memory; a run that does not fails with an
out-of-memory error rather than leaving identifiers on disk."""

from __future__ import annotations

import duckdb


def duck_connect() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(config={"temp_directory": ""})
