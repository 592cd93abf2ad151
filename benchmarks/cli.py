"""`python -m benchmarks` (`make bench BENCH_ARGS=...`): run, record, render."""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks import report, results
from benchmarks.registry import Benchmark, Registry, discover
from benchmarks.results import CRASHED, Result
from benchmarks.runner import REPO, WORK, RunOptions, run_one

DEFAULT_SIZES = (100_000, 1_000_000)
QUICK_SIZES = (10_000,)
OUTPUT_DIR = REPO / "benchmarks"


def parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"sizes must be integers separated by commas, not {text!r}"
        ) from None
    if not sizes or any(s <= 0 for s in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description="Run bansos benchmarks.")
    p.add_argument(
        "--sizes",
        type=parse_sizes,
        default=DEFAULT_SIZES,
        help="persons, comma-separated (default 100000,1000000)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="smoke check: 10,000 persons only, results to benchmarks/work/quick/",
    )
    p.add_argument("--only", metavar="NAME", help="only benchmarks whose name contains NAME")
    p.add_argument("--seed", type=int, default=42, help="seed of generated data (default 42)")
    p.add_argument(
        "--database-url",
        help="run database benchmarks on this PostgreSQL server (a fresh database is created and dropped)",
    )
    p.add_argument(
        "--keep-scratch",
        action="store_true",
        help="keep each run's scratch directory under benchmarks/work/scratch/",
    )
    p.add_argument(
        "--rebuild-fixtures",
        action="store_true",
        help="rebuild cached fixtures instead of reusing them",
    )
    p.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    p.add_argument("--output-dir", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--work-dir", type=Path, default=WORK, help=argparse.SUPPRESS)
    return p


def plan(selected: list[Benchmark], sizes: tuple[int, ...]) -> list[tuple[Benchmark, int | None]]:
    """Size-independent benchmarks once, then each size (smallest first, so problems show early)."""
    steps: list[tuple[Benchmark, int | None]] = [(b, None) for b in selected if not b.sized]
    for size in sorted(sizes):
        steps += [(b, size) for b in selected if b.sized]
    return steps


def describe(row: Result) -> str:
    size = "—" if row.size is None else f"{row.size:,}"
    if row.status == CRASHED:
        return f"{row.benchmark} @ {size}: 💥 CRASHED: {row.error}"
    verdict = "✅ within budget" if row.within_budget else "❌ OVER BUDGET"
    return (
        f"{row.benchmark} @ {size}: {row.seconds:.2f} s (budget {row.budget_seconds:.1f} s), "
        f"peak {row.peak_rss_mb:,.0f} MB — {verdict}"
    )


def record(output_dir: Path, new: list[Result]) -> None:
    """Merge into results.json and re-render RESULTS.md (after every row, so an interrupted run
    keeps what it measured)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    json_path = output_dir / "results.json"
    merged = results.merge(results.load(json_path), new)
    results.save(json_path, merged)
    (output_dir / "RESULTS.md").write_text(report.render(merged), encoding="utf-8")


def list_benchmarks(registry: Registry) -> None:
    for b in registry.select():
        scope = (
            f"{b.budget_seconds:g} s at {b.budget_at:,} persons"
            if b.sized
            else f"{b.budget_seconds:g} s, size-independent"
        )
        where = f" [{b.database}]" if b.database else ""
        print(f"{b.name:24} {scope:36} {b.description}{where}")


def main(argv: list[str] | None = None, registry: Registry | None = None) -> int:
    args = build_parser().parse_args(argv)
    registry = registry or discover()
    if args.list:
        list_benchmarks(registry)
        return 0
    selected = registry.select(args.only)
    if not selected:
        print(f"no benchmark matches {args.only!r}; --list shows them")
        return 2
    sizes = QUICK_SIZES if args.quick else args.sizes
    # A smoke check's rows would only clutter the committed table (and look over budget there).
    output_dir = args.output_dir or (args.work_dir / "quick" if args.quick else OUTPUT_DIR)
    opts = RunOptions(
        seed=args.seed,
        database_url=args.database_url,
        keep_scratch=args.keep_scratch,
        rebuild_fixtures=args.rebuild_fixtures,
        work=args.work_dir,
        machine=results.machine_facts(REPO),
    )
    steps = plan(selected, sizes)
    done: list[Result] = []
    for i, (bench, size) in enumerate(steps, 1):
        print(
            f"[{i}/{len(steps)}] {bench.name} @ {'—' if size is None else f'{size:,}'} …",
            flush=True,
        )
        done.append(run_one(bench, size, opts))
        print("  " + describe(done[-1]), flush=True)
        record(output_dir, done)
    crashed = [r for r in done if r.status == CRASHED]
    over = [r for r in done if r.status != CRASHED and not r.within_budget]
    print(
        f"\n{len(done)} measured, {len(over)} over budget, {len(crashed)} crashed → {output_dir / 'RESULTS.md'}"
    )
    return 1 if crashed else 0
