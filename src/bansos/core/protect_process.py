"""Encrypting and indexing big batches in a helper process.

Per value, AES-GCM and the HMAC blind index are a few microseconds of Python that hold the
GIL; for a million-row import that is the largest single cost of the importing process. A
helper process (`python -m bansos.core.protect_process`, our own code, reading requests on
its stdin and answering on its stdout) takes it over, so it runs on another core alongside
reading, checking and the database. Small batches are done in place: the round trip would
cost more than it saves. The helper gets the keys once, through its pipe (never on a command
line), and is replaced when the keys change; if it dies, the batch is done in place.

A plain subprocess rather than `multiprocessing`: spawning re-runs the caller's main script,
and forking a process with threads and open connections can inherit a held lock.
"""

from __future__ import annotations

import atexit
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from bansos.core import protected

# Below this many values in one call, protecting in place is cheaper than the round trip.
MIN_VALUES = 20_000
Column = tuple[list[str | None], str]  # values, purpose
Protected = tuple[list[bytes | None], list[str | None]]  # blobs, blind indexes


def _protect(ring: protected.Keyring, columns: list[Column]) -> list[Protected]:
    return [ring.protect_many(values, purpose=purpose) for values, purpose in columns]


class _Helper:
    def __init__(self, keys: tuple[str, str]) -> None:
        self.keys = keys
        src = str(Path(protected.__file__).resolve().parents[2])  # the folder holding `bansos`
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (src, os.environ.get("PYTHONPATH", "")) if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bansos.core.protect_process"], env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._send(keys)

    def _send(self, item: Any) -> None:
        stdin: IO[bytes] = self.process.stdin  # type: ignore[assignment]
        pickle.dump(item, stdin, protocol=pickle.HIGHEST_PROTOCOL)
        stdin.flush()

    def protect(self, columns: list[Column]) -> list[Protected]:
        self._send(columns)
        # Our own child on a private pipe: trusted bytes.
        return pickle.load(self.process.stdout)  # type: ignore[arg-type]  # noqa: S301

    def close(self) -> None:
        try:
            self.process.stdin.close()  # type: ignore[union-attr]  # EOF: the helper ends
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


_helper: _Helper | None = None
_lock = threading.Lock()


def _close() -> None:
    global _helper
    if _helper is not None:
        _helper.close()
        _helper = None


atexit.register(_close)


def _running() -> _Helper:
    """The helper for the current keys, started if need be (the caller holds `_lock`)."""
    global _helper
    keys = (settings.BANSOS_DATA_KEY, settings.BANSOS_INDEX_KEY)
    if _helper is None or _helper.keys != keys or _helper.process.poll() is not None:
        _close()
        _helper = _Helper(keys)
    return _helper


def protect_columns(columns: list[Column]) -> list[Protected]:
    """`protected.protect_many` of each (values, purpose), in the helper process when the
    batch is big enough to be worth it; the results are the same either way."""
    global _helper
    ring = protected.keyring()
    if sum(len(values) for values, _ in columns) < MIN_VALUES or not settings.BANSOS_PROTECT_PROCESS:
        return _protect(ring, columns)
    with _lock:
        try:
            return _running().protect(columns)
        except (OSError, EOFError, pickle.UnpicklingError):
            # The helper could not start or died (e.g. killed for memory): do it in place.
            if _helper is not None:
                _helper.process.kill()
            _helper = None
            return _protect(ring, columns)


def _serve() -> None:
    """The helper's loop: keys first, then one answer per request until its stdin closes."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # nothing else may write into the answer pipe
    requests = sys.stdin.buffer
    ring = protected.parse_keyring(*pickle.load(requests))  # noqa: S301  # our parent's pipe
    while True:
        try:
            columns = pickle.load(requests)  # noqa: S301  # our parent's pipe
        except EOFError:
            return
        pickle.dump(_protect(ring, columns), answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


if __name__ == "__main__":
    _serve()
