"""Peak memory of the running benchmark.

`ru_maxrss` only ever grows, so it would charge the benchmark for the interpreter, Django and the
fixtures loaded before the clock starts. On Linux, writing "5" to /proc/self/clear_refs resets
the high-water mark (VmHWM) to the current RSS, so the peak read afterwards is the benchmark's
own. Where that is not possible we fall back to ru_maxrss, an upper bound. Processes the
benchmark starts itself are counted through RUSAGE_CHILDREN.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

_CLEAR_REFS = Path("/proc/self/clear_refs")
_STATUS = Path("/proc/self/status")


def reset_peak() -> bool:
    """Reset this process's RSS high-water mark; False when the platform cannot."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def _vm_hwm_kb() -> int | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _maxrss_mb(who: int) -> float:
    value = resource.getrusage(who).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return value / (1024 * 1024) if sys.platform == "darwin" else value / 1024


def peak_rss_mb(reset_worked: bool) -> float:
    """Peak RSS in MB since `reset_peak()` (or since start), including waited-for children."""
    hwm_kb = _vm_hwm_kb() if reset_worked else None
    own = hwm_kb / 1024 if hwm_kb is not None else _maxrss_mb(resource.RUSAGE_SELF)
    return max(own, _maxrss_mb(resource.RUSAGE_CHILDREN))
