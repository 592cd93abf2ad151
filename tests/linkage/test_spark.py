"""A model trained and stored by a run scores the same pair again through Splink's own
`score_pairs`, on DuckDB here and on Spark for national runs. The Spark case runs only where
pyspark and a Java runtime are installed; this project's CI machine has neither, so it is
skipped there (docs/linkage.md)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil

import duckdb
import pyarrow as pa
import pytest

from bansos.linkage.compare import comparisons_for, settings_base
from bansos.linkage.model import model_train, pairs_score
from bansos.linkage.normalize import records_normalise

HAS_SPARK = importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None


@pytest.fixture(scope="module")
def trained():
    day = dt.date(1990, 1, 1)
    names = ["SUKARNO", "SOEKARNO", "BUDI SANTOSO", "BUDI SANTOSA", "SITI AMINAH", "RINA"] * 40
    records = records_normalise(records=pa.table({
        "uid": pa.array(range(1, len(names) + 1), pa.int64()),
        "full_name": names,
        "birth_date": [day + dt.timedelta(days=i // 2) for i in range(len(names))],
        "sex": ["L"] * len(names)}))
    con = duckdb.connect()
    con.register("r", records)
    con.sql("CREATE TABLE rec AS SELECT * FROM r")
    spec = settings_base(comparisons=comparisons_for(records=records), blocking_sql=[])
    model = model_train(con=con, table="rec", u_table="rec", settings=spec,
                        match_rate_rules=["l.name_key = r.name_key"])
    pairs = pa.table({"uid_l": pa.array([1], pa.int64()), "uid_r": pa.array([2], pa.int64()),
                      "rule": pa.array([0], pa.int8())})
    weight = pairs_score(con=con, table="rec", model=model, pairs=pairs)["match_weight"][0]
    return records, model, weight.as_py()


def _score_again(linker, records: pa.Table) -> float:
    rows = records.to_pylist()
    scored = linker.inference.score_pairs([rows[0]], [rows[1]])
    return scored.as_record_list()[0]["match_weight"]


def test_a_stored_model_scores_the_same_pair_again_on_duckdb(trained):
    from splink import DuckDBAPI, Linker

    records, model, weight = trained
    con = duckdb.connect()
    con.register("r", records)
    con.sql("CREATE TABLE rec AS SELECT * FROM r")
    linker = Linker(DuckDBAPI(connection=con).register("rec"), model, log_level=None)
    assert _score_again(linker, records) == pytest.approx(weight, abs=1e-6)


@pytest.mark.skipif(not HAS_SPARK, reason="pyspark and a Java runtime are not installed")
def test_a_stored_model_scores_the_same_pair_on_spark(trained):  # pragma: no cover
    from pyspark.sql import SparkSession
    from splink import Linker, SparkAPI

    records, model, weight = trained
    spark = SparkSession.builder.master("local[1]").getOrCreate()
    frame = spark.createDataFrame(records.to_pylist())
    linker = Linker(SparkAPI(spark_session=spark).register(frame), model, log_level=None)
    assert _score_again(linker, records) == pytest.approx(weight, abs=1e-6)
