"""Vectorised NIK and KK parsing (bansos.core.identifiers_bulk)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.context import Context, FixtureData
from benchmarks.fixtures import population
from benchmarks.registry import benchmark


def _kk_column(names: list[str]) -> str:
    """The KK column of a program list: spelt NO_KK, No KK or NO KK depending on the ministry."""
    return next(n for n in names if n.upper().replace(" ", "").replace("_", "") == "NOKK")


def _list_identifiers(path: Path) -> tuple[list, list]:
    """The NIK and KK columns of one CSV program list, as raw text (no type guessing)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
    delimiter = ";" if ";" in header else ","
    names = [n.strip().strip('"') for n in header.strip().split(delimiter)]
    kk = _kk_column(names)
    table = pacsv.read_csv(
        path,
        parse_options=pacsv.ParseOptions(delimiter=delimiter),
        convert_options=pacsv.ConvertOptions(
            include_columns=["NIK", kk], column_types={"NIK": pa.string(), kk: pa.string()}
        ),
    )
    return table["NIK"].chunks, table[kk].chunks


def _dirty_identifiers(ctx: Context) -> None:
    """Untimed: `size` NIKs and KKs drawn (with replacement, seeded) from the NIK and KK columns of
    the population's CSV program lists, so they carry the lists' dirt: spaces, apostrophes,
    separators, scientific notation, blanks."""
    import numpy as np
    import pyarrow as pa

    from bansos.core.identifiers_bulk import parse_kk_array, parse_nik_array

    pop: FixtureData = ctx.fixture("population")
    niks, kks = [], []
    for code in pop.info["list_rows"]:
        path = pop.file(code.lower())
        if path.suffix == ".csv":  # PIP comes as XLSX; the CSV lists are dirty enough
            nik, kk = _list_identifiers(path)
            niks += nik
            kks += kk
    nik_all = pa.chunked_array(niks, pa.string()).combine_chunks()
    kk_all = pa.chunked_array(kks, pa.string()).combine_chunks()
    picks = pa.array(np.random.default_rng(ctx.seed).integers(0, len(nik_all), ctx.size))
    ctx.state["nik"], ctx.state["kk"] = nik_all.take(picks), kk_all.take(picks)
    # Load the district list (cached after the first call) before the clock.
    parse_nik_array(ctx.state["nik"][:10])
    parse_kk_array(ctx.state["kk"][:10])


@benchmark("identifiers-parse", budget_seconds=5, fixtures=[population], setup=_dirty_identifiers)
def identifiers_parse(ctx: Context) -> dict[str, int]:
    """parse_nik_array() + parse_kk_array() on `size` dirty NIKs and KKs from the program lists."""
    from bansos.core.identifiers_bulk import parse_kk_array, parse_nik_array

    nik = parse_nik_array(ctx.state["nik"])
    kk = parse_kk_array(ctx.state["kk"])
    return {
        "NIK invalid": nik["value"].null_count,
        "KK invalid": kk["value"].null_count,
    }
