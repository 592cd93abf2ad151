"""Results: one row per (benchmark, size), kept in benchmarks/results.json across runs.

A run only re-measures what it selected, so its rows are merged into the stored ones by
(benchmark, size) and everything else is kept; RESULTS.md is rendered from the merged file.
Each row carries the machine facts and commit of the run that measured it.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FORMAT = 1
OK = "ok"
CRASHED = "crashed"

Key = tuple[str, int | None]


@dataclass
class Result:
    benchmark: str
    size: int | None  # None for size-independent benchmarks ("—" in the table)
    status: str  # OK or CRASHED
    budget_seconds: float
    seconds: float | None = None
    peak_rss_mb: float | None = None
    budget_mb: float | None = None
    within_budget: bool | None = None  # None when it crashed
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    database: str | None = None
    machine: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> Key:
        return (self.benchmark, self.size)


def is_within_budget(
    seconds: float, budget_seconds: float, peak_rss_mb: float | None, budget_mb: float | None
) -> bool:
    if seconds > budget_seconds:
        return False
    return budget_mb is None or peak_rss_mb is None or peak_rss_mb <= budget_mb


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _nproc() -> int:
    # Like `nproc`: the CPUs this process may use, which a container can limit below cpu_count.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def machine_facts(repo: Path) -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git(repo, "rev-parse", "--short", "HEAD") or "unknown",
        "dirty": bool(_git(repo, "status", "--porcelain", "--untracked-files=no")),
        "nproc": _nproc(),
        "ram_gib": _ram_gib(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def load(path: Path) -> dict[Key, Result]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = [Result(**row) for row in data.get("results", [])]
    return {row.key: row for row in rows}


def merge(old: dict[Key, Result], new: list[Result]) -> dict[Key, Result]:
    """Stored rows with this run's rows replacing those of the same (benchmark, size)."""
    merged = dict(old)
    for row in new:
        merged[row.key] = row
    return merged


def sort_key(key: Key) -> tuple[str, int]:
    name, size = key
    return (name, -1 if size is None else size)


def save(path: Path, rows: dict[Key, Result]) -> None:
    ordered = [asdict(rows[k]) for k in sorted(rows, key=sort_key)]
    body = json.dumps({"format": FORMAT, "results": ordered}, indent=2, ensure_ascii=False)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(body + "\n", encoding="utf-8")
    tmp.replace(path)  # never leave a half-written file behind
