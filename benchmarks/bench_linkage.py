"""Record linkage: the five program lists of the population linked into the registry
(bansos.linkage.run.link_run), and a plain Splink baseline on the same records.

Setup (untimed, both benchmarks): areas, the registry loaded from the population with 2% of
its persons left out (as the demo does: people the civil-registry extract lacks), and the five
lists imported. `linkage-registry-postgres` times `link_run()` from the staged rows in the
database to the merged registry written back; `linkage-splink-baseline` times a plain Splink
link-and-dedupe of the same staged rows and registry persons, read from Parquet written in
setup (so its clock excludes reading the database, which favours the baseline). Both report
pairwise precision, recall and F1 against the generator's ground truth, measured after the
clock over the staged rows and the registry persons together.
"""

from __future__ import annotations

import csv
import time
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.context import Context
from benchmarks.fixtures import population
from benchmarks.registry import benchmark

FILES = ("pkh", "bpnt", "pbijk", "pip", "blt")
WITHHELD = 0.02
MEMORY_MB = 4_000


def _prepare(ctx: Context) -> None:
    from bansos.areas.services import areas_load
    from bansos.demo.build import registry_withhold
    from bansos.demo.generate import AS_OF
    from bansos.intake.services import list_import_run, sources_ensure
    from bansos.registry.bulk import registry_load_population

    pop = ctx.fixture("population")
    areas_load()
    sources_ensure()
    registry_load_population(population_dir=pop.path)
    registry_withhold(share=WITHHELD, seed=ctx.seed)
    for name in FILES:
        result = list_import_run(path=pop.file(name), source_code=name.upper(),
                                 today=AS_OF.astype(object))
        if result.status != "done":
            raise RuntimeError(f"import of {name} {result.status}: {result.error}")


def _truth(ctx: Context) -> tuple[dict[int, int], int]:
    """staged row id -> true person id, and the largest person id of the population."""
    from bansos.linkage.evaluate import staged_labels

    with open(ctx.fixture("population").file("ground_truth"), encoding="utf-8") as f:
        truth = {(r["source"], r["row_number"]): int(r["person_id"]) for r in csv.DictReader(f)}
    return {pk: truth[label] for pk, label in staged_labels().items()}, max(truth.values())


def _accuracy(staged_pred: dict[int, int], person_pred: dict[int, int], truth: dict[int, int]
              ) -> dict[str, Any]:
    """Pairwise accuracy over staged rows and registry persons (a registry person's truth is
    itself; persons created by the run have no truth of their own and are not records)."""
    from bansos.linkage.evaluate import accuracy

    rows = sorted(truth)
    predicted = [staged_pred.get(r, -r) for r in rows] + list(person_pred.values())
    true = [truth[r] for r in rows] + list(person_pred)
    labels = {v: i for i, v in enumerate(dict.fromkeys(predicted))}  # mixed ids -> codes
    return accuracy(predicted=np.array([labels[p] for p in predicted]),
                    truth=np.array(true)).as_dict()


def _ours(ctx: Context) -> dict[str, Any]:
    from bansos.linkage.run import link_run

    run = link_run(started_by="benchmark")
    ctx.state["run"] = run.pk
    return {**run.counts, **{f"{k} s": v for k, v in run.timings.items()}}


def _ours_accuracy(ctx: Context, metrics: Any) -> dict[str, Any]:
    from bansos.linkage.models import RecordLink
    from bansos.registry.models import Person

    truth, top = _truth(ctx)
    staged_pred = dict(RecordLink.objects.exclude(person=None)
                       .values_list("staged_row_id", "person_id"))
    persons = {p: p for p in Person.objects.filter(pk__lte=top).values_list("pk", flat=True)}
    return _accuracy(staged_pred, persons, truth)


@benchmark("linkage-registry-postgres", budget_seconds=30, budget_mb=MEMORY_MB,
           fixtures=[population], django=True, database="postgres", setup=_prepare,
           finish=_ours_accuracy)
def linkage_registry_postgres(ctx: Context) -> dict[str, Any]:
    """link_run(): the five lists' staged rows linked into the registry and written back."""
    return _ours(ctx)


# --- the plain Splink baseline ------------------------------------------------------------


def _export(ctx: Context) -> None:
    """Untimed: staged rows and registry persons with NIK and KK in the clear, to Parquet."""
    from bansos.intake.models import StagedRow
    from bansos.registry.models import Person

    _prepare(ctx)
    staged = StagedRow.objects.values_list("pk", "nik", "kk", "full_name", "birth_date", "sex",
                                           "village_id", "rt", "rw")
    persons = Person.objects.values_list("pk", "nik", "household__kk", "full_name",
                                         "birth_date", "sex", "household__village_id",
                                         "household__rt", "household__rw")
    names = ["unique_id", "nik", "kk", "full_name", "birth_date", "sex", "village", "rt", "rw"]
    for label, rows in (("lists", staged), ("registry", persons)):
        columns = list(zip(*rows.iterator(chunk_size=20_000), strict=True))
        table = pa.table({n: pa.array(c) for n, c in zip(names, columns, strict=True)})
        path = ctx.scratch / f"{label}.parquet"
        pq.write_table(table, path)
        ctx.state[label] = path


def _baseline_settings() -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="link_and_dedupe",
        comparisons=[
            cl.NameComparison("full_name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.LevenshteinAtThresholds("nik", [1, 2]),
            cl.ExactMatch("sex"),
            cl.ExactMatch("kk"),
            cl.ExactMatch("village"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("nik"), block_on("full_name", "birth_date"),
            block_on("birth_date", "village"), block_on("kk", "full_name"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def _baseline(ctx: Context) -> dict[str, Any]:
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    # Spills (the baseline needs them at 1M) go to the run's scratch directory, not the cwd.
    con = duckdb.connect(config={"temp_directory": str(ctx.scratch / "duckdb")})
    api = DuckDBAPI(connection=con)
    lists = api.register(pq.read_table(ctx.state["lists"]), dataset_display_name="lists")
    registry = api.register(pq.read_table(ctx.state["registry"]),
                            dataset_display_name="registry")
    start = time.perf_counter()
    linker = Linker([lists, registry], _baseline_settings(), log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nik", "birth_date")], recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("nik"))
    trained = time.perf_counter() - start
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.99)
    rows = con.sql(f"SELECT source_dataset, unique_id, cluster_id FROM "
                   f"{clusters.physical_name}").fetchall()
    ctx.state["clusters"] = rows
    return {"train s": round(trained, 2), "pairs": _count(con, predictions.physical_name)}


def _count(con: Any, table: str) -> int:
    return int(con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def _baseline_accuracy(ctx: Context, metrics: Any) -> dict[str, Any]:
    truth, top = _truth(ctx)
    staged_pred, person_pred = {}, {}
    for source, uid, cluster in ctx.state["clusters"]:
        if source == "lists":
            staged_pred[int(uid)] = cluster
        elif int(uid) <= top:
            person_pred[int(uid)] = cluster
    return _accuracy({k: f"c{v}" for k, v in staged_pred.items()},
                     {k: f"c{v}" for k, v in person_pred.items()}, truth)


@benchmark("linkage-splink-baseline", budget_seconds=300, budget_mb=MEMORY_MB,
           fixtures=[population], django=True, database="postgres", setup=_export,
           finish=_baseline_accuracy)
def linkage_splink_baseline(ctx: Context) -> dict[str, Any]:
    """Plain Splink (default comparisons, random-sampled u, EM) on the same staged rows and
    registry persons: the reference our run must beat (≤ 0.5× its time, F1 at least equal)."""
    return _baseline(ctx)
