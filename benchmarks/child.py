"""The child process: runs one benchmark or builds one fixture, then reports as JSON.

Started by the runner as `python -m benchmarks.child REQUEST.json`. A fresh process per
benchmark keeps each one's memory peak its own and keeps a crash from taking the run down. The
outcome goes to a file named in the request, not stdout, so a benchmark may print freely.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks.context import Context, FixtureContext, FixtureData
from benchmarks.measure import peak_rss_mb, reset_peak
from benchmarks.registry import Benchmark, Fixture, resolve


def _jsonable(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """Metrics as plain JSON values (numpy scalars and the like become numbers or text)."""
    out: dict[str, Any] = {}
    for key, value in (values or {}).items():
        if isinstance(value, bool | int | float | str) or value is None:
            out[str(key)] = value
        elif hasattr(value, "item"):  # numpy scalar
            out[str(key)] = value.item()
        else:
            out[str(key)] = str(value)
    return out


def _load_fixtures(paths: Mapping[str, str]) -> dict[str, FixtureData]:
    out = {}
    for name, path in paths.items():
        meta = json.loads((Path(path) / "fixture.json").read_text(encoding="utf-8"))
        out[name] = FixtureData(path=Path(path), info=meta.get("info", {}))
    return out


def run_benchmark(request: Mapping[str, Any]) -> dict[str, Any]:
    bench = resolve(request["target"])
    if not isinstance(bench, Benchmark):
        raise TypeError(f"{request['target']} is not a @benchmark")
    scratch = Path(request["scratch"])
    ctx = Context(
        size=request["size"],
        seed=request["seed"],
        scratch=scratch,
        fixtures=_load_fixtures(request.get("fixtures", {})),
    )
    database = None
    with ExitStack() as stack:
        if bench.django:
            from benchmarks.djangoenv import django_database

            database = stack.enter_context(
                django_database(scratch / "var", request.get("database_url"), migrate=bench.migrate)
            )
            ctx.database_url = os.environ.get("DATABASE_URL")  # the fresh one, if not SQLite
        if bench.setup:
            bench.setup(ctx)
        # The clock and the memory peak cover the benchmark function only, not the setup above.
        reset_worked = reset_peak()
        start = time.perf_counter()
        metrics = bench.func(ctx)
        seconds = time.perf_counter() - start
        peak = peak_rss_mb(reset_worked)
        if bench.finish:
            metrics = {**(metrics or {}), **bench.finish(ctx, metrics)}
    return {
        "seconds": seconds,
        "peak_rss_mb": peak,
        "metrics": _jsonable(metrics),
        "database": database,
    }


def build_fixture(request: Mapping[str, Any]) -> dict[str, Any]:
    fix = resolve(request["target"])
    if not isinstance(fix, Fixture):
        raise TypeError(f"{request['target']} is not a @fixture")
    ctx = FixtureContext(
        size=request["size"], seed=request["seed"], out_dir=Path(request["out_dir"])
    )
    start = time.perf_counter()
    info = fix.build(ctx)
    seconds = time.perf_counter() - start
    # Fixture info may nest (e.g. a dict of files); Paths and the like are stored as text.
    return {"seconds": seconds, "info": json.loads(json.dumps(info or {}, default=str))}


def main(argv: list[str]) -> int:
    request = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    outcome = run_benchmark(request) if request["kind"] == "benchmark" else build_fixture(request)
    Path(request["result"]).write_text(json.dumps(outcome), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
