"""What a benchmark (or a fixture builder) receives when it runs in its child process."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FixtureData:
    """A built fixture: its cache directory and the JSON-able summary its builder returned."""

    path: Path
    info: dict[str, Any]

    def file(self, name: str) -> Path:
        """A file the builder listed as `info["files"][name]`, relative to the fixture directory
        (relative because the directory is renamed once the build succeeds)."""
        return self.path / self.info["files"][name]


@dataclass
class Context:
    size: int | None  # persons; None for size-independent benchmarks
    seed: int
    scratch: Path  # empty directory of this run, removed afterwards unless --keep-scratch
    fixtures: dict[str, FixtureData] = field(default_factory=dict)
    database_url: str | None = None  # the database Django uses, when the benchmark asked for it
    # Filled by a benchmark's untimed `setup` for its timed function to use.
    state: dict[str, Any] = field(default_factory=dict)

    def fixture(self, name: str) -> FixtureData:
        try:
            return self.fixtures[name]
        except KeyError:
            raise KeyError(
                f"fixture {name!r} not declared in this benchmark's fixtures=(...)"
            ) from None


@dataclass(frozen=True)
class FixtureContext:
    size: int | None
    seed: int
    out_dir: Path  # write the fixture here; it becomes the cache directory once the build ends
