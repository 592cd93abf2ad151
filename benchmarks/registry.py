"""Declarations: what a benchmark and a shared fixture are, and the registry that holds them.

A benchmark is a plain function of a `Context`, declared with `@benchmark(...)` in a module
`benchmarks/bench_<area>.py`; `discover()` imports every such module so that declaring is the
whole job of adding one. The decorator returns the `Benchmark` object itself (not the function),
so the child process can find it again from `module:attribute` alone.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.context import Context, FixtureContext

# What a benchmark may return: extra figures shown in the notes column (F1, rows written, ...).
Metrics = Mapping[str, float | int | str]
BenchFunc = Callable[["Context"], Metrics | None]
SetupFunc = Callable[["Context"], None]
FinishFunc = Callable[["Context", Any], dict]
FixtureFunc = Callable[["FixtureContext"], Mapping[str, Any] | None]

# Budgets of sized benchmarks are stated at this many persons and scaled linearly to the others.
REFERENCE_SIZE = 1_000_000
# What `database=` may say: None runs on the run's database (--database-url, else SQLite).
DATABASES = (None, "sqlite", "postgres")


def _target(func: Callable[..., Any]) -> str:
    """`module:attribute` under which the decorated object can be imported again."""
    return f"{func.__module__}:{func.__qualname__}"


@dataclass(frozen=True)
class Fixture:
    """Shared input built once per (size, seed) and cached on disk under benchmarks/work/."""

    name: str
    build: FixtureFunc
    target: str
    # Bump when the fixture's content changes, so a stale cache is rebuilt instead of reused.
    version: str = "1"

    def dir_name(self, size: int | None, seed: int) -> str:
        return f"{self.name}-{size}-{seed}" if size is not None else f"{self.name}-{seed}"


@dataclass(frozen=True)
class Benchmark:
    name: str
    func: BenchFunc
    target: str
    budget_seconds: float
    # False: size-independent, run once per invocation and shown with size "—".
    sized: bool = True
    budget_at: int = REFERENCE_SIZE
    # A memory ceiling in MB, the same at every size (bulk work must stream, not grow with N).
    budget_mb: float | None = None
    fixtures: tuple[Fixture, ...] = ()
    django: bool = False
    # With django=True: migrate before the clock (False leaves an empty database to time a
    # benchmark that migrates itself, like `bansos demo`).
    migrate: bool = True
    # With django=True: "sqlite" or "postgres" pins the database whatever the run's
    # --database-url (so one run measures both); None uses the run's database.
    database: str | None = None
    setup: SetupFunc | None = None
    # Seconds the untimed setup may take at the reference size (linear in size), on top of the
    # timeout: a heavy setup (a million payments to reconcile) must not eat the run's time.
    setup_seconds: float = 0.0
    # Untimed, after the clock: extra metrics from what the function left (e.g. accuracy).
    finish: FinishFunc | None = None
    description: str = ""

    def budget_for(self, size: int | None) -> float:
        """Seconds allowed at `size`: linear in the number of persons for sized benchmarks."""
        if not self.sized or size is None:
            return self.budget_seconds
        return self.budget_seconds * size / self.budget_at


@dataclass
class Registry:
    benchmarks: dict[str, Benchmark] = field(default_factory=dict)

    def add(self, bench: Benchmark) -> Benchmark:
        if bench.name in self.benchmarks and self.benchmarks[bench.name].target != bench.target:
            raise ValueError(f"benchmark {bench.name!r} declared twice ({bench.target})")
        self.benchmarks[bench.name] = bench
        return bench

    def select(self, only: str | None = None) -> list[Benchmark]:
        """Benchmarks whose name contains `only` (all when None), in name order."""
        return [b for name, b in sorted(self.benchmarks.items()) if not only or only in name]

    def benchmark(
        self,
        name: str,
        *,
        budget_seconds: float,
        sized: bool = True,
        budget_at: int = REFERENCE_SIZE,
        budget_mb: float | None = None,
        fixtures: Iterable[Fixture] = (),
        django: bool = False,
        migrate: bool = True,
        database: str | None = None,
        setup: SetupFunc | None = None,
        setup_seconds: float = 0.0,
        finish: FinishFunc | None = None,
    ) -> Callable[[BenchFunc], Benchmark]:
        """Decorator declaring a benchmark in this registry; see benchmarks/README.md."""
        if database not in DATABASES:
            raise ValueError(f"database must be one of {DATABASES}, not {database!r}")

        def declare(func: BenchFunc) -> Benchmark:
            return self.add(
                Benchmark(
                    name=name,
                    func=func,
                    target=_target(func),
                    budget_seconds=budget_seconds,
                    sized=sized,
                    budget_at=budget_at,
                    budget_mb=budget_mb,
                    fixtures=tuple(fixtures),
                    django=django,
                    migrate=migrate,
                    database=database,
                    setup=setup,
                    setup_seconds=setup_seconds,
                    finish=finish,
                    description=(func.__doc__ or "").strip().split("\n")[0],
                )
            )

        return declare


REGISTRY = Registry()
benchmark = REGISTRY.benchmark


def fixture(name: str, *, version: str = "1") -> Callable[[FixtureFunc], Fixture]:
    """Decorator declaring a shared fixture; benchmarks list it in `fixtures=(...)`."""

    def declare(func: FixtureFunc) -> Fixture:
        return Fixture(name=name, build=func, target=_target(func), version=version)

    return declare


def discover(package_dir: Path | None = None) -> Registry:
    """Import every `benchmarks/bench_*.py` so their declarations land in REGISTRY."""
    package_dir = package_dir or Path(__file__).resolve().parent
    for info in pkgutil.iter_modules([str(package_dir)]):
        if info.name.startswith("bench_"):
            importlib.import_module(f"benchmarks.{info.name}")
    return REGISTRY


def resolve(target: str) -> Any:
    """The object declared at `module:attribute` (a Benchmark or a Fixture)."""
    module_name, _, attr = target.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj
