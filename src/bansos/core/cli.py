"""The shape every batch command shares: a progress bar on a terminal, and with `--json` one
JSON object summarising the run as the last line of standard output."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ProgressCallback = Callable[[str, int, int], None]


class BatchCommand(BaseCommand):
    """Base for long-running commands. Subclasses implement `run(**options) -> dict`."""

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="print a JSON summary as the last line")

    def handle(self, *args: Any, **options: Any) -> None:
        self.as_json = bool(options.get("json"))
        # Progress goes to stderr and only on a terminal, so stdout stays parseable.
        self.console = Console(stderr=True)
        self.show_progress = self.console.is_terminal and not options.get("no_progress", False)
        started = time.perf_counter()
        summary = self.run(**options)  # each subclass defines run(**options) -> dict
        summary = dict(summary or {})
        summary.setdefault("seconds", round(time.perf_counter() - started, 3))
        if self.as_json:
            self.stdout.write(json.dumps(summary, default=str, ensure_ascii=False))
        else:
            self.print_summary(summary)

    def print_summary(self, summary: dict[str, Any]) -> None:
        table = Table(show_header=False, box=None)
        for key, value in summary.items():
            table.add_row(str(key), json.dumps(value, default=str, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value))
        Console(file=self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout).print(table)

    @contextmanager
    def progress(self) -> Iterator[ProgressCallback]:
        """Yields a callback `(step, done, total)`; draws one bar per step on a terminal."""
        if not self.show_progress:
            yield lambda step, done, total: None
            return
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=self.console, transient=False) as bar:
            tasks: dict[str, Any] = {}

            def update(step: str, done: int, total: int) -> None:
                if step not in tasks:
                    tasks[step] = bar.add_task(step, total=total or None)
                bar.update(tasks[step], completed=done, total=total or None)

            yield update
