"""Rendering results.json as benchmarks/RESULTS.md."""

from __future__ import annotations

from typing import Any

from benchmarks.results import CRASHED, Key, Result, sort_key

COLUMNS = [
    "benchmark",
    "size",
    "seconds",
    "budget",
    "within budget",
    "peak RSS MB",
    "notes/metrics",
]
ALIGN = ["---", "---:", "---:", "---:", ":---:", "---:", "---"]

HEADER = """\
# Benchmark results

Written by `make bench` (`python -m benchmarks`, see `benchmarks/README.md`) from
`benchmarks/results.json`; do not edit by hand. A run re-measures only the benchmarks and sizes
it selected and keeps the other rows. Budgets are tracked, not enforced: ❌ marks a row over
budget, 💥 a benchmark that crashed. Seconds and peak RSS cover the benchmark function only
(not process start, Django setup or fixtures); sized budgets scale linearly with persons.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def latest_machine(rows: dict[Key, Result]) -> dict[str, Any]:
    dated = [r.machine for r in rows.values() if r.machine.get("date")]
    return max(dated, key=lambda m: m["date"]) if dated else {}


def _budget(row: Result) -> str:
    text = f"{row.budget_seconds:,.1f} s"
    if row.budget_mb is not None:
        text += f", {row.budget_mb:,.0f} MB"
    return text


def _verdict(row: Result) -> str:
    if row.status == CRASHED:
        return "💥 crashed"
    return "✅" if row.within_budget else "❌ over budget"


def _notes(row: Result, latest: dict[str, Any]) -> str:
    parts = [f"{k}={format_number(v)}" for k, v in row.metrics.items()]
    if row.database:
        parts.append(row.database)
    if row.error:
        parts.append(f"error: {row.error}")
    if row.machine.get("date") and row.machine.get("date") != latest.get("date"):
        m = row.machine
        parts.append(
            f"earlier run {m['date'][:16].replace('T', ' ')} @ {m.get('commit', '?')}, {m.get('nproc', '?')} CPUs"
        )
    return "; ".join(parts)


def render_row(row: Result, latest: dict[str, Any]) -> str:
    cells = [
        row.benchmark,
        "—" if row.size is None else f"{row.size:,}",
        "" if row.seconds is None else f"{row.seconds:,.2f}",
        _budget(row),
        _verdict(row),
        "" if row.peak_rss_mb is None else f"{row.peak_rss_mb:,.0f}",
        _notes(row, latest),
    ]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def render_machine(machine: dict[str, Any]) -> str:
    commit = machine.get("commit", "unknown") + (
        " (+ uncommitted changes)" if machine.get("dirty") else ""
    )
    ram = machine.get("ram_gib")
    facts = [
        ("date (UTC)", machine.get("date", "")),
        ("git commit", commit),
        ("CPUs (nproc)", str(machine.get("nproc", ""))),
        ("CPU", machine.get("cpu", "")),
        ("RAM", f"{ram} GiB" if ram is not None else "unknown"),
        ("Python", machine.get("python", "")),
        ("OS", machine.get("os", "")),
    ]
    lines = ["| fact | value |", "|---|---|"]
    lines += [f"| {name} | {_cell(str(value))} |" for name, value in facts]
    return "\n".join(lines)


def render(rows: dict[Key, Result]) -> str:
    latest = latest_machine(rows)
    table = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(ALIGN) + "|"]
    table += [render_row(rows[k], latest) for k in sorted(rows, key=sort_key)]
    return "\n".join(
        [
            HEADER,
            "## Machine of the latest run",
            "",
            render_machine(latest),
            "",
            "## Results",
            "",
            *table,
            "",
        ]
    )
