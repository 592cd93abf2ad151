"""Parent side: builds fixtures and runs each benchmark in its own child process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.registry import Benchmark, Fixture
from benchmarks.results import CRASHED, OK, Result, is_within_budget

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / "work"

# Keys and database of the developer's shell must never reach a benchmark: each child makes its own.
_SCRUBBED_ENV = (
    "DATABASE_URL",
    "BANSOS_DATA_KEY",
    "BANSOS_INDEX_KEY",
    "SECRET_KEY",
    "BANSOS_VAR_DIR",
    "DJANGO_SETTINGS_MODULE",
)
FIXTURE_TIMEOUT = 3600.0
# Where benchmarks declared with database="postgres" run when --database-url names no server.
POSTGRES_URL_ENV = "BANSOS_BENCH_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


class FixtureError(RuntimeError):
    pass


@dataclass
class RunOptions:
    seed: int = 42
    database_url: str | None = None
    keep_scratch: bool = False
    rebuild_fixtures: bool = False
    work: Path = WORK
    machine: dict[str, Any] = field(default_factory=dict)
    # Fixtures built during this run, so --rebuild-fixtures rebuilds each one once, not per use.
    built: set[str] = field(default_factory=set)


def timeout_for(bench: Benchmark, size: int | None) -> float:
    """Kill a hung benchmark eventually, but leave a slow one room to finish and be measured
    (and its declared setup room to run first)."""
    scale = size / bench.budget_at if bench.sized and size else 1.0
    return max(10 * bench.budget_for(size), 300.0) + bench.setup_seconds * scale


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    # The repo root makes `benchmarks` (and test modules declaring benchmarks) importable.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def database_url_for(bench: Benchmark, run_url: str | None) -> str | None:
    """The server a benchmark runs on (None: SQLite in its scratch directory). A benchmark that
    pins "postgres" takes the run's --database-url if that is PostgreSQL, else
    $BANSOS_BENCH_POSTGRES_URL, else the local server; one pinning "sqlite" ignores the option."""
    from benchmarks.djangoenv import is_postgres

    if bench.database == "sqlite":
        return None
    if bench.database == "postgres":
        if run_url and is_postgres(run_url):
            return run_url
        return os.environ.get(POSTGRES_URL_ENV) or DEFAULT_POSTGRES_URL
    return run_url


def _shown(path: Path) -> str:
    """A path as printed in RESULTS.md: relative to the repo, so it means the same on any clone."""
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def _last_line(log: Path) -> str:
    """The exception line of a crashed child's log (its last non-empty line)."""
    try:
        lines = [
            ln.strip() for ln in log.read_text(encoding="utf-8", errors="replace").splitlines()
        ]
    except OSError:
        return "no log"
    lines = [ln for ln in lines if ln]
    return lines[-1][:300] if lines else "no output"


def spawn(
    request: dict[str, Any], run_dir: Path, timeout: float
) -> tuple[dict[str, Any] | None, str | None]:
    """Run `python -m benchmarks.child` on `request`; (outcome, None) or (None, error)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    req_path, result_path, log = (
        run_dir / "request.json",
        run_dir / "result.json",
        run_dir / "child.log",
    )
    result_path.unlink(missing_ok=True)
    req_path.write_text(json.dumps({**request, "result": str(result_path)}), encoding="utf-8")
    with log.open("w", encoding="utf-8") as out:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.child", str(req_path)],
                cwd=REPO,
                env=child_env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return None, f"timed out after {timeout:.0f} s (log: {_shown(log)})"
    if done.returncode != 0 or not result_path.exists():
        return None, f"{_last_line(log)} (exit {done.returncode}; log: {_shown(log)})"
    return json.loads(result_path.read_text(encoding="utf-8")), None


def _cached_version(meta_path: Path) -> str | None:
    if not meta_path.exists():
        return None
    return json.loads(meta_path.read_text(encoding="utf-8")).get("version")


def ensure_fixture(fix: Fixture, size: int | None, opts: RunOptions) -> Path:
    """The fixture's cache directory, built first (in its own child) unless already there."""
    final = opts.work / fix.dir_name(size, opts.seed)
    meta_path = final / "fixture.json"
    fresh = opts.rebuild_fixtures and final.name not in opts.built
    if not fresh and _cached_version(meta_path) == fix.version:
        return final
    # Build beside the cache and rename when done, so an interrupted build is never reused.
    partial = opts.work / (final.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    print(f"  building fixture {final.name} …", flush=True)
    request = {
        "kind": "fixture",
        "target": fix.target,
        "size": size,
        "seed": opts.seed,
        "out_dir": str(partial),
    }
    outcome, error = spawn(request, opts.work / "logs" / f"fixture-{final.name}", FIXTURE_TIMEOUT)
    if outcome is None:
        raise FixtureError(f"fixture {fix.name}: {error}")
    meta = {"version": fix.version, "size": size, "seed": opts.seed, **outcome}
    (partial / "fixture.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    shutil.rmtree(final, ignore_errors=True)
    partial.rename(final)
    opts.built.add(final.name)
    print(f"  fixture {final.name} built in {outcome['seconds']:.1f} s", flush=True)
    return final


def _crashed(bench: Benchmark, size: int | None, error: str, opts: RunOptions) -> Result:
    return Result(
        benchmark=bench.name,
        size=size,
        status=CRASHED,
        budget_seconds=bench.budget_for(size),
        budget_mb=bench.budget_mb,
        error=error,
        machine=opts.machine,
    )


def run_one(bench: Benchmark, size: int | None, opts: RunOptions) -> Result:
    """Measure `bench` at `size` in a fresh process; a crash becomes a CRASHED row, not an exception."""
    try:
        fixtures = {f.name: str(ensure_fixture(f, size, opts)) for f in bench.fixtures}
    except FixtureError as exc:
        return _crashed(bench, size, str(exc), opts)
    label = f"{bench.name}-{size if size is not None else 'once'}"
    scratch = opts.work / "scratch" / label
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    request = {
        "kind": "benchmark",
        "target": bench.target,
        "size": size,
        "seed": opts.seed,
        "scratch": str(scratch),
        "fixtures": fixtures,
        "database_url": database_url_for(bench, opts.database_url),
    }
    try:
        outcome, error = spawn(request, opts.work / "logs" / label, timeout_for(bench, size))
    finally:
        if not opts.keep_scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    if outcome is None:
        return _crashed(bench, size, error or "unknown error", opts)
    return _measured(bench, size, outcome, opts)


def _measured(
    bench: Benchmark, size: int | None, outcome: dict[str, Any], opts: RunOptions
) -> Result:
    seconds, peak = outcome["seconds"], outcome["peak_rss_mb"]
    budget = bench.budget_for(size)
    metrics = dict(outcome.get("metrics") or {})
    if size is not None and seconds > 0:
        # Every sized benchmark works on `size` persons, so throughput is comparable across them.
        metrics = {"persons/s": round(size / seconds), **metrics}
    return Result(
        benchmark=bench.name,
        size=size,
        status=OK,
        budget_seconds=budget,
        seconds=seconds,
        peak_rss_mb=peak,
        budget_mb=bench.budget_mb,
        within_budget=is_within_budget(seconds, budget, peak, bench.budget_mb),
        metrics=metrics,
        database=outcome.get("database"),
        machine=opts.machine,
    )
