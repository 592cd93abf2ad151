"""Masking of identifiers in free text (logs, error messages).

A NIK, KK or account number is a run of 10+ digits; phone numbers start with 08 or +62. Any such
run in a log line is replaced so that no raw identifier reaches a log file.
"""

from __future__ import annotations

import logging
import re

# 10 or more digits, possibly grouped by spaces, dots or dashes (as people type them).
_LONG_NUMBER = re.compile(r"(?<!\d)(?:\+?62|0)?\d(?:[ .\-]?\d){9,}(?!\d)")


def redact(text: str) -> str:
    return _LONG_NUMBER.sub(lambda m: "[disamarkan/redacted]", text)


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted record, tracebacks included (exception messages often
    carry the offending value)."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        # The time stamp in front ("2026-11-22 03:42:11") is digits with dashes: keep it.
        stamp = getattr(record, "asctime", "")
        if stamp and text.startswith(stamp):
            return stamp + redact(text[len(stamp):])
        return redact(text)
