"""Named points where a test may kill the process, to prove a job resumes after a crash.

`BANSOS_CRASH_AT=<name>` (or `<name>:<n>` for the n-th pass) makes `crash_point(name)` send
SIGKILL to its own process: no cleanup, no `finally`, as with a power cut or the OOM killer.
Unset (always, outside those tests) it costs one dictionary lookup."""

from __future__ import annotations

import os
import signal

_passes: dict[str, int] = {}


def crash_point(name: str) -> None:
    wanted = os.environ.get("BANSOS_CRASH_AT")
    if not wanted:
        return
    target, _, nth = wanted.partition(":")
    if target != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
