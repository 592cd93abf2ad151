"""Finding CSV records in bytes, with the csv module's quoting rules (non-strict, `""` escapes,
a quote is special only at the start of a field).

Two splitters with the same result:
- `block_scan` (numpy, a whole block at once): a line break ends a record when an even number
  of quotes precede it. Quotes that are plain text under the csv rules, such as those in
  `JL. MERDEKA "GG 5"`, are found and left out of the count first.
- `record_next` (one regex match per record) for the sniffer's sample and the rare record that
  ends the file inside a quoted value.

Records are split on bytes, before decoding: `"`, the delimiter, CR and LF are single ASCII
bytes in both UTF-8 and Windows-1252, so each record can then be decoded on its own.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass

import numpy as np

QUOTE, LF, CR = 0x22, 0x0A, 0x0D
DELIMITERS = (",", ";", "\t", "|")  # in order of preference when the header cannot tell

# Windows-1252 as browsers decode it (WHATWG): the five bytes Python's cp1252 leaves undefined
# map to the C1 control with the same number, so every byte string decodes and none is lost.
_CP1252 = "".join(
    bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)
)


def cp1252_decode(data: bytes) -> str:
    return codecs.charmap_decode(data, "strict", _CP1252)[0]


def record_decode(data: bytes) -> tuple[str, bool]:
    """Decode one record: UTF-8 if it is valid UTF-8, else Windows-1252 (True = fell back)."""
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return cp1252_decode(data), True


# The csv module refuses fields over 128 KiB by default; a record may reach RECORD_LIMIT
# (1 MiB), and pyarrow accepts such fields, so both ways must.
csv.field_size_limit(max(csv.field_size_limit(), 2 << 20))


def record_cells(content: bytes, delimiter: str) -> tuple[list[str], bool]:
    """The cells of one record (without its line end) and whether it fell back to cp1252."""
    text, fallback = record_decode(content)
    return next(csv.reader([text], delimiter=delimiter), []), fallback


def records_cells(contents: list[bytes], delimiter: str) -> list[tuple[list[str], bool]]:
    """`record_cells` for many non-blank records, with one csv reader: each text is one
    whole record, so the reader yields one row per text (checked, else one by one)."""
    decoded = [record_decode(content) for content in contents]
    rows = list(csv.reader([text for text, _ in decoded], delimiter=delimiter))
    if len(rows) != len(decoded):
        return [record_cells(content, delimiter) for content in contents]
    return [(row, fallback) for row, (_, fallback) in zip(rows, decoded, strict=True)]


def line_breaks(data: bytes) -> int:
    """Physical lines ended inside `data` (CRLF, CR and LF each end one)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


@dataclass(frozen=True)
class BlockScan:
    starts: np.ndarray  # record start offsets in the block (int64)
    content_ends: np.ndarray  # end of each record without its line end
    ends: np.ndarray  # end of each record with its line end (= next record's start)
    lines: np.ndarray  # line breaks in the block before each record starts
    cut: int  # bytes covered by these records
    cut_lines: int  # line breaks in block[:cut]
    quotes: np.ndarray  # offsets of the quotes that open, close or escape (not plain ones)
    irregular: np.ndarray  # offsets of plain quotes and of values going on after a closing
    # quote (`"X"Y`): the records holding them are parsed by the csv module, not pyarrow
    quoted_newlines: bool  # some value holds a line break
    open_at_end: bool  # the file ends inside a quoted value (after the records)

    def head(self, count: int) -> BlockScan:
        """The first `count` records only."""
        cut = int(self.ends[count - 1]) if count else 0
        return BlockScan(
            starts=self.starts[:count], content_ends=self.content_ends[:count],
            ends=self.ends[:count], lines=self.lines[:count], cut=cut,
            cut_lines=int(self.lines[count]) if count < self.lines.size else self.cut_lines,
            quotes=self.quotes[:np.searchsorted(self.quotes, cut)],
            irregular=self.irregular[:np.searchsorted(self.irregular, cut)],
            quoted_newlines=self.quoted_newlines, open_at_end=False)

    def widths(self, block: bytes, *, delimiter: str) -> np.ndarray:
        """Cells per record: delimiters outside quotes, plus one. Only needed when pyarrow
        reports a row of another width, so computed on demand."""
        a = np.frombuffer(block, dtype=np.uint8, count=self.cut)
        delims = np.flatnonzero(a == ord(delimiter))
        if self.quotes.size and delims.size:
            delims = delims[(np.searchsorted(self.quotes, delims) & 1) == 0]
        return np.searchsorted(delims, self.content_ends) - np.searchsorted(delims, self.starts) + 1

    def by_hand(self) -> np.ndarray:
        """Records holding an irregular quote."""
        marked = np.zeros(self.starts.size, dtype=bool)
        marked[np.searchsorted(self.ends, self.irregular, side="right")] = True
        return marked


def block_scan(block: bytes, *, delimiter: str, final: bool) -> BlockScan:
    """Complete records at the start of `block` (which starts at a record boundary), found
    with vectorised scans. `final`: the block ends at the end of the file.

    A line break ends a record when an even number of quotes precede it, counting only the
    quotes that open, close or escape. Where every quote alternates open/close at field edges
    (the common case) that is all of them; from the first quote that does not, the csv
    module's rules are followed quote by quote (`_quote_roles`)."""
    a = np.frombuffer(block, dtype=np.uint8)
    n = a.size
    delim = ord(delimiter)
    breaks = _breaks(a, final=final)
    quotes = np.flatnonzero(a == QUOTE)
    irregular = np.zeros(0, dtype=np.int64)
    first = _first_irregular_quote(a, quotes, delim) if quotes.size else None
    if first is not None:
        effective, odd = _quote_roles(block, quotes, delim, first)
        quotes, irregular = quotes[effective], np.array(odd, dtype=np.int64)
    if quotes.size:
        outside = (np.searchsorted(quotes, breaks) & 1) == 0
        record_breaks = breaks[outside]
        quoted_newlines = not bool(outside.all())
    else:
        record_breaks, quoted_newlines = breaks, False
    ends = record_breaks + 1
    content_ends = record_breaks - _crlf_tail(a, record_breaks)
    last = int(ends[-1]) if ends.size else 0
    open_at_end = False
    if final and last < n:
        if quotes.size & 1:  # a quoted value still open at the end of the file
            open_at_end = True
        else:  # the last record has no line end
            ends = np.append(ends, n)
            content_ends = np.append(content_ends, n)
    starts = np.concatenate(([0], ends[:-1])).astype(np.int64) if ends.size else ends
    cut = int(ends[-1]) if ends.size else 0
    return BlockScan(
        starts=starts, content_ends=content_ends, ends=ends,
        lines=np.searchsorted(breaks, starts), cut=cut,
        cut_lines=int(np.searchsorted(breaks, cut)),
        quotes=quotes[:np.searchsorted(quotes, cut)],
        irregular=irregular[:np.searchsorted(irregular, cut)],
        quoted_newlines=quoted_newlines, open_at_end=open_at_end,
    )


def _breaks(a: np.ndarray, *, final: bool) -> np.ndarray:
    """Offsets of the last byte of every line end: each LF, and each CR not followed by LF."""
    lf = np.flatnonzero(a == LF)
    cr = np.flatnonzero(a == CR)
    if not cr.size:
        return lf
    after = np.minimum(cr + 1, a.size - 1)
    lone = cr[(a[after] != LF) | (cr + 1 == a.size)]
    if not final and lone.size and lone[-1] == a.size - 1:
        lone = lone[:-1]  # a CR ending the block may be the first half of a CRLF
    return np.sort(np.concatenate((lf, lone)))


def _crlf_tail(a: np.ndarray, record_breaks: np.ndarray) -> np.ndarray:
    """1 where a record's line end is CRLF (the CR is not content), else 0."""
    tail = np.zeros(record_breaks.size, dtype=np.int64)
    if record_breaks.size:
        prev = np.maximum(record_breaks - 1, 0)
        tail[(a[record_breaks] == LF) & (a[prev] == CR) & (record_breaks > 0)] = 1
    return tail


def _first_irregular_quote(a: np.ndarray, quotes: np.ndarray, delim: int) -> int | None:
    """Index of the first quote that breaks the alternation, or None. Taken as alternating
    open/close, an opening quote must start a field (after a delimiter, a line end, the block
    start, or right after a closing quote: `""` inside a value) and a closing quote must end
    one (before a delimiter, a line end, the block end, or a quote)."""
    bound = np.zeros(256, dtype=bool)
    bound[[delim, LF, CR, QUOTE]] = True
    bad_open = ~bound[a[np.maximum(quotes[0::2] - 1, 0)]] & (quotes[0::2] > 0)
    bad_close = ~bound[a[np.minimum(quotes[1::2] + 1, a.size - 1)]] & (quotes[1::2] < a.size - 1)
    first = [2 * int(bad.argmax()) + side for side, bad in ((0, bad_open), (1, bad_close))
             if bad.any()]
    return min(first) if first else None


def _quote_roles(block: bytes, quotes: np.ndarray, delim: int, first: int
                 ) -> tuple[np.ndarray, list[int]]:
    """The csv module's reading of each quote from quote `first` on (before it they
    alternate). Returns which quotes open, close or escape (the others are plain text) and the
    offsets of the irregular ones. One Python step per quote, so only where needed."""
    effective = np.ones(quotes.size, dtype=bool)
    odd: list[int] = []
    bounds = (delim, LF, CR)
    n = len(block)
    positions = quotes.tolist()
    quoted = bool(first & 1)  # an odd number of alternating quotes before it
    i = first
    while i < len(positions):
        q = positions[i]
        after = block[q + 1] if q + 1 < n else None
        if quoted:
            if after == QUOTE:  # `""` inside a quoted value
                i += 2
                continue
            quoted = False
            if after is not None and after not in bounds:
                odd.append(q)  # `"X"Y`: the value goes on as plain text
        elif q == 0 or block[q - 1] in bounds:
            quoted = True
        else:  # inside an unquoted value: a plain character
            effective[i] = False
            odd.append(q)
        i += 1
    return effective, odd


@dataclass(frozen=True)
class Record:
    start: int
    content_end: int
    end: int
    open_quote: bool  # a quoted value runs to the end of the data unclosed


_PATTERNS: dict[str, re.Pattern[bytes]] = {}


def _pattern(delimiter: str) -> re.Pattern[bytes]:
    """The csv module's record grammar as a regex: possessive, so no backtracking can read a
    field differently; the last field first tries a quoted value left open to the end."""
    if delimiter not in _PATTERNS:
        d = re.escape(delimiter.encode())
        body = rb'"(?:[^"]|"")*+'
        quoted = body + rb'(?:"[^' + d + rb"\r\n]*+)?"
        plain = rb"(?:[^\"" + d + rb"\r\n][^" + d + rb"\r\n]*+)?"
        field = rb"(?:" + quoted + rb"|" + plain + rb")"
        last = rb"(?:(?P<open>" + body + rb")\Z|" + field + rb")"
        _PATTERNS[delimiter] = re.compile(rb"(?:" + field + d + rb")*+" + last)
    return _PATTERNS[delimiter]


def record_next(data: bytes, pos: int, *, delimiter: str, final: bool) -> Record | None:
    """The record starting at `pos`, or None if `data` may end before the record does."""
    match = _pattern(delimiter).match(data, pos)
    assert match is not None  # every alternative may match empty
    stop = match.end()
    if stop == len(data):
        if not final:
            return None
        return Record(pos, stop, stop, match.group("open") is not None)
    if data[stop] == CR:
        if stop + 1 == len(data) and not final:
            return None  # CR or CRLF: cannot tell yet
        end = stop + 2 if data[stop + 1:stop + 2] == b"\n" else stop + 1
    else:
        end = stop + 1
    return Record(pos, stop, end, False)


_LINE_END = re.compile(rb"\r\n|\r|\n")


def line_end(data: bytes, pos: int) -> int | None:
    """End (after the line break) of the physical line starting at `pos`, if in `data`."""
    match = _LINE_END.search(data, pos)
    return match.end() if match else None
