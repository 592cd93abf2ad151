"""The benchmark harness's mechanics, with dummy benchmarks (no timing assertions)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from benchmarks.cli import main, plan
from benchmarks.context import Context, FixtureContext
from benchmarks.registry import Registry, fixture, resolve
from benchmarks.report import render
from benchmarks.results import CRASHED, OK, Result, is_within_budget, load, merge, save
from benchmarks.runner import DEFAULT_POSTGRES_URL, POSTGRES_URL_ENV, database_url_for

# A registry of its own, so these dummies never show up in `make bench`.
DUMMIES = Registry()


@fixture("numbers")
def numbers(ctx: FixtureContext) -> dict[str, object]:
    # The pid shows whether the fixture was built once or per benchmark.
    (ctx.out_dir / "numbers.txt").write_text("\n".join(str(i) for i in range(ctx.size or 0)))
    return {"files": {"numbers": "numbers.txt"}, "built_by": os.getpid()}


@DUMMIES.benchmark("dummy-sum", budget_seconds=60, budget_at=1_000, fixtures=[numbers])
def dummy_sum(ctx: Context) -> dict[str, int]:
    """Sums the numbers fixture."""
    data = ctx.fixture("numbers")
    total = sum(int(x) for x in data.file("numbers").read_text().split())
    (ctx.scratch / "out.txt").write_text(str(total))
    return {"total": total, "built_by": data.info["built_by"]}


@DUMMIES.benchmark("dummy-once", budget_seconds=1e-9, sized=False)
def dummy_once(ctx: Context) -> None:
    """Size-independent, and impossible to finish within its budget."""


@DUMMIES.benchmark("dummy-crash", budget_seconds=5, sized=False)
def dummy_crash(ctx: Context) -> None:
    raise RuntimeError("boom | on purpose")


def _row(name: str, size: int | None, **kw: object) -> Result:
    base: dict[str, object] = {
        "status": OK,
        "budget_seconds": 6.0,
        "seconds": 1.5,
        "peak_rss_mb": 100.0,
        "within_budget": True,
        "machine": {"date": "2025-01-02T00:00:00+00:00", "commit": "abc"},
    }
    return Result(benchmark=name, size=size, **{**base, **kw})  # type: ignore[arg-type]


def test_registry_declares_selects_and_scales_budgets() -> None:
    assert [b.name for b in DUMMIES.select()] == ["dummy-crash", "dummy-once", "dummy-sum"]
    assert [b.name for b in DUMMIES.select("sum")] == ["dummy-sum"]
    assert DUMMIES.select("nothing") == []
    assert resolve(dummy_sum.target) is dummy_sum
    assert dummy_sum.description == "Sums the numbers fixture."
    assert dummy_sum.budget_for(100) == pytest.approx(6.0)
    assert dummy_once.budget_for(None) == 1e-9


def test_same_name_twice_is_refused() -> None:
    registry = Registry()

    def first(ctx: Context) -> None: ...

    def second(ctx: Context) -> None: ...

    registry.benchmark("x", budget_seconds=1)(first)
    with pytest.raises(ValueError, match="declared twice"):
        registry.benchmark("x", budget_seconds=1)(second)


def test_a_benchmark_can_pin_its_database(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = Registry()

    def noop(ctx: Context) -> None: ...

    either = registry.benchmark("either", budget_seconds=1)(noop)
    lite = registry.benchmark("lite", budget_seconds=1, database="sqlite")(noop)
    pg = registry.benchmark("pg", budget_seconds=1, database="postgres")(noop)
    server = "postgresql://bench@db.example:5432/x"
    monkeypatch.delenv(POSTGRES_URL_ENV, raising=False)
    assert database_url_for(either, None) is None
    assert database_url_for(either, server) == server
    assert database_url_for(lite, server) is None
    assert database_url_for(pg, server) == server
    assert database_url_for(pg, None) == DEFAULT_POSTGRES_URL
    assert database_url_for(pg, "sqlite:////tmp/x.sqlite3") == DEFAULT_POSTGRES_URL
    monkeypatch.setenv(POSTGRES_URL_ENV, server)
    assert database_url_for(pg, None) == server
    with pytest.raises(ValueError, match="database must be"):
        registry.benchmark("bad", budget_seconds=1, database="mysql")


def test_budget_check_covers_time_and_memory() -> None:
    assert is_within_budget(5.0, 6.0, 900.0, None)
    assert not is_within_budget(7.0, 6.0, 100.0, None)
    assert not is_within_budget(5.0, 6.0, 2_000.0, 1_000.0)
    assert is_within_budget(5.0, 6.0, 900.0, 1_000.0)


def test_plan_runs_size_independent_ones_once_then_small_sizes_first() -> None:
    steps = plan(DUMMIES.select(), (1_000_000, 100_000))
    assert [(b.name, s) for b, s in steps] == [
        ("dummy-crash", None),
        ("dummy-once", None),
        ("dummy-sum", 100_000),
        ("dummy-sum", 1_000_000),
    ]


def test_merge_replaces_same_key_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    save(path, {r.key: r for r in [_row("a", 100), _row("a", 1000), _row("b", None)]})
    merged = merge(load(path), [_row("a", 100, seconds=9.0, within_budget=False)])
    assert sorted(merged, key=lambda k: (k[0], k[1] or 0)) == [("a", 100), ("a", 1000), ("b", None)]
    assert merged[("a", 100)].seconds == 9.0
    assert merged[("a", 1000)].seconds == 1.5


def test_markdown_table() -> None:
    latest = {"date": "2025-02-01T00:00:00+00:00", "commit": "def", "dirty": True, "nproc": 2}
    rows = [
        _row("gen", 100_000, metrics={"persons/s": 25_000, "f1": 0.97312}, machine=latest),
        _row(
            "gen", 1_000_000, seconds=70.0, budget_seconds=60.0, within_budget=False, machine=latest
        ),
        _row(
            "load",
            None,
            status=CRASHED,
            seconds=None,
            peak_rss_mb=None,
            within_budget=None,
            error="boom | x",
        ),
    ]
    text = render({r.key: r for r in rows})
    assert (
        "| benchmark | size | seconds | budget | within budget | peak RSS MB | notes/metrics |"
        in text
    )
    assert "| gen | 100,000 | 1.50 | 6.0 s | ✅ | 100 | persons/s=25,000; f1=0.973 |" in text
    assert "| gen | 1,000,000 | 70.00 | 60.0 s | ❌ over budget |" in text
    load_line = next(line for line in text.splitlines() if line.startswith("| load |"))
    assert "| — |" in load_line and "💥 crashed" in load_line
    assert "boom \\| x" in load_line and "earlier run 2025-01-02 00:00 @ abc" in load_line
    assert "| git commit | def (+ uncommitted changes) |" in text


def test_run_end_to_end_in_child_processes(tmp_path: Path) -> None:
    args = ["--sizes", "10,20", "--output-dir", str(tmp_path), "--work-dir", str(tmp_path / "work")]
    status = main(args, registry=DUMMIES)
    assert status == 1  # dummy-crash crashed; over budget alone would not fail the run

    rows = {
        (r["benchmark"], r["size"]): r
        for r in json.loads((tmp_path / "results.json").read_text())["results"]
    }
    assert set(rows) == {
        ("dummy-crash", None),
        ("dummy-once", None),
        ("dummy-sum", 10),
        ("dummy-sum", 20),
    }
    assert rows[("dummy-sum", 10)]["metrics"]["total"] == 45
    assert rows[("dummy-sum", 20)]["metrics"]["total"] == 190
    assert rows[("dummy-sum", 10)]["within_budget"] is True
    assert rows[("dummy-sum", 10)]["peak_rss_mb"] > 0
    assert rows[("dummy-once", None)]["within_budget"] is False
    assert rows[("dummy-crash", None)]["status"] == CRASHED
    assert "RuntimeError: boom" in rows[("dummy-crash", None)]["error"]
    assert (tmp_path / "work" / "numbers-10-42" / "fixture.json").exists()
    assert not list((tmp_path / "work" / "scratch").iterdir())  # scratch removed after each run

    # A second, narrower run reuses the cached fixture and keeps the rows it did not re-run.
    built_by = rows[("dummy-sum", 10)]["metrics"]["built_by"]
    assert main([*args[2:], "--sizes", "10", "--only", "sum"], registry=DUMMIES) == 0
    again = {
        (r["benchmark"], r["size"]): r
        for r in json.loads((tmp_path / "results.json").read_text())["results"]
    }
    assert set(again) == set(rows)
    assert again[("dummy-sum", 10)]["metrics"]["built_by"] == built_by
    assert "❌ over budget" in (tmp_path / "RESULTS.md").read_text()


def test_quick_run_keeps_out_of_the_committed_table(tmp_path: Path) -> None:
    work = tmp_path / "work"
    assert main(["--quick", "--only", "sum", "--work-dir", str(work)], registry=DUMMIES) == 0
    rows = json.loads((work / "quick" / "results.json").read_text())["results"]
    assert [(r["benchmark"], r["size"]) for r in rows] == [("dummy-sum", 10_000)]


def test_a_declared_setup_gets_its_own_time_on_top_of_the_timeout():
    from benchmarks.registry import Benchmark
    from benchmarks.runner import timeout_for

    def run(ctx):
        return {}

    plain = Benchmark(name="x", func=run, target="t", budget_seconds=30, budget_at=1_000_000)
    heavy = Benchmark(name="y", func=run, target="t", budget_seconds=30, budget_at=1_000_000, setup_seconds=1200)
    assert timeout_for(plain, 1_000_000) == 300
    assert timeout_for(heavy, 1_000_000) == 1500 and timeout_for(heavy, 100_000) == 420
