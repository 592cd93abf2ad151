"""CSV files: stream the records after the header (see `read_csv_sniff`) in blocks.

Each block is split into records with numpy (`block_scan`). Records that are valid UTF-8, with
regular quoting, go to pyarrow's C++ CSV parser, all at once when they have the header's width
or grouped by width otherwise; the others (Windows-1252, stray quotes, more cells than the
header) are parsed one by one with the csv module. Both follow the csv module's rules, so the
result does not depend on the way a record went; the property tests check it. Memory is
bounded by the block size plus RECORD_LIMIT, whatever the file holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bansos.intake.read_csv_scan import (
    BlockScan,
    Record,
    block_scan,
    cp1252_decode,
    line_breaks,
    line_end,
    record_cells,
    record_next,
    records_cells,
)
from bansos.intake.read_layout import RECORD_LIMIT, ROW, FileLayout, read_issue
from bansos.intake.read_rows import RowCollector, cell_names, piece_schema

BLOCK_BYTES = 8 << 20


def csv_pieces(*, path: Path, layout: FileLayout) -> Iterator[pa.Table]:
    """Tables of read records (cells as `c0..`, not yet stripped), in file order."""
    with path.open("rb") as f:
        f.seek(layout.data_offset)
        yield from _CsvReader(f, layout, BLOCK_BYTES).pieces()


class _CsvReader:
    """Reads `f` block by block; `buf` always starts at a record boundary, line `line`."""

    def __init__(self, f: BinaryIO, layout: FileLayout, block_bytes: int) -> None:
        assert layout.delimiter is not None
        self.f = f
        self.layout = layout
        self.delimiter = layout.delimiter
        self.width = len(layout.columns)
        self.block_bytes = block_bytes
        self.buf = b""
        self.line = layout.data_line
        self.eof = False

    def pieces(self) -> Iterator[pa.Table]:
        stalled = False
        while True:
            self._fill(more=stalled)
            if not self.buf:
                return
            size = len(self.buf)
            scan = block_scan(self.buf, delimiter=self.delimiter, final=self.eof)
            oversized = np.flatnonzero(scan.ends - scan.starts > RECORD_LIMIT)
            if oversized.size:  # stop before it; `_overlong` takes it once it is first
                scan = scan.head(int(oversized[0]))
            if scan.cut:
                yield self._fast(scan)
                self._consume(scan.cut, scan.cut_lines)
            if scan.open_at_end:
                yield self._open_at_end()
            stalled = len(self.buf) == size
            if stalled and size > RECORD_LIMIT:
                yield self._overlong()
                stalled = False
            elif stalled and self.eof:  # cannot happen: a final block always yields records
                raise RuntimeError("CSV reader made no progress at the end of the file")

    def _fill(self, *, more: bool) -> None:
        while not self.eof and (more or len(self.buf) < self.block_bytes):
            chunk = self.f.read(self.block_bytes)
            self.eof = not chunk
            self.buf += chunk
            more = False

    def _consume(self, size: int, lines: int) -> None:
        self.buf = self.buf[size:]
        self.line += lines

    def _fast(self, scan: BlockScan) -> pa.Table:
        """Records with regular quoting through pyarrow (Windows-1252 ones recoded to UTF-8
        first): all at once when they have the header's width, else grouped by width (short
        rows padded). The rest by hand with the csv module."""
        buf, n = self.buf, scan.starts.size
        nonblank = scan.content_ends > scan.starts
        recode = self._not_utf8(scan)
        parse = _ArrowParse(self, scan, nonblank, recode)
        parsed_groups = parse.groups(nonblank & ~scan.by_hand())
        rows = scan.lines + self.line
        offsets = np.append(scan.starts, scan.cut).astype(np.int32)
        raw = pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets),
                                                     pa.py_buffer(buf)])
        pieces = []
        by_hand = nonblank.copy()
        for width, group, table in parsed_groups:
            chosen = np.flatnonzero(group)
            pieces.append(self._with_bookkeeping(
                table, rows=rows[chosen], raw=raw.take(pa.array(chosen)),
                recoded=recode[chosen], short=width < self.width))
            by_hand &= ~group
        hand = np.flatnonzero(by_hand).tolist()
        if hand:
            collector = RowCollector(self.width)
            contents = [buf[scan.starts[i]:scan.content_ends[i]] for i in hand]
            for i, (cells, fallback) in zip(hand, records_cells(contents, self.delimiter),
                                            strict=True):
                collector.add(cells, row=int(rows[i]), raw=buf[scan.starts[i]:scan.ends[i]],
                              issues=("encoding_fallback",) if fallback else ())
            pieces.append(collector.table())
        if not pieces:
            return piece_schema(self.width).empty_table()
        if len(pieces) == 1:
            return pieces[0]
        both = pa.concat_tables(pieces)
        return both.take(pc.sort_indices(both.column(ROW)))

    def _with_bookkeeping(self, parsed: pa.Table, *, rows: np.ndarray, raw: pa.Array,
                          recoded: np.ndarray, short: bool) -> pa.Table:
        n = parsed.num_rows
        padding = pa.chunked_array([pa.nulls(n, pa.string())])
        missing = [padding] * (self.width - parsed.num_columns)
        width_code = "row_width_mismatch" if short else None
        both = ";".join(code for code in ("encoding_fallback", width_code) if code)
        issues = pc.if_else(pa.array(recoded), pa.scalar(both, pa.string()),
                            pa.scalar(width_code, pa.string()))
        extra = [pa.nulls(n, pa.list_(pa.string())), pa.array(rows, type=pa.int64()),
                 pa.nulls(n, pa.string()), raw, issues]
        columns = parsed.columns + missing + [pa.chunked_array([array]) for array in extra]
        return pa.Table.from_arrays(columns, schema=piece_schema(self.width))

    def _not_utf8(self, scan: BlockScan) -> np.ndarray:
        """Records that are not valid UTF-8 (read as Windows-1252)."""
        bad = np.zeros(scan.starts.size, dtype=bool)
        try:
            str(memoryview(self.buf)[:scan.cut], "utf-8")
            return bad
        except UnicodeDecodeError:
            pass
        a = np.frombuffer(self.buf, dtype=np.uint8, count=scan.cut)
        high = np.flatnonzero(a >= 0x80)
        for i in np.unique(np.searchsorted(scan.ends, high, side="right")).tolist():
            try:
                self.buf[scan.starts[i]:scan.content_ends[i]].decode("utf-8")
            except UnicodeDecodeError:
                bad[i] = True
        return bad

    def _open_at_end(self) -> pa.Table:
        """The file ends inside a quoted value: its record is read only up to the end of its
        first line, and the lines after it as records of their own."""
        collector = RowCollector(self.width)
        pos = lines = 0
        while pos < len(self.buf):
            rec = record_next(self.buf, pos, delimiter=self.delimiter, final=True)
            assert rec is not None
            if rec.open_quote:
                rec = self._first_line(rec)
            self._add(collector, rec, row=self.line + lines)
            lines += line_breaks(self.buf[rec.start:rec.end])
            pos = rec.end
        self._consume(pos, lines)
        return collector.table()

    def _add(self, collector: RowCollector, rec: Record, *, row: int) -> None:
        if rec.content_end == rec.start:
            return  # a blank line
        cells, fallback = record_cells(self.buf[rec.start:rec.content_end], self.delimiter)
        issues = ("quote_unclosed",) if rec.open_quote else ()
        if fallback:
            issues += ("encoding_fallback",)
        collector.add(cells, row=row, raw=self.buf[rec.start:rec.end], issues=issues)

    def _first_line(self, rec: Record) -> Record:
        """A quote left open: keep only the record's first physical line, so the lines after
        it are read as the records they most likely are."""
        end = line_end(self.buf, rec.start)
        if end is None or end > rec.end:
            return rec
        content_end = end - 2 if self.buf[rec.start:end].endswith(b"\r\n") else end - 1
        return Record(rec.start, content_end, end, open_quote=True)

    def _overlong(self) -> pa.Table:
        """The record at buf[0] is longer than RECORD_LIMIT (or does not end within it).
        If its first line is shorter, a quoted value runs over many lines (most likely a
        stray quote): only that line is the row, and the lines after it are read again as
        records. Otherwise the line is not read (row_too_long) and reading resumes after it."""
        collector = RowCollector(self.width)
        end = line_end(self.buf, 0)
        if end == len(self.buf) and self.buf.endswith(b"\r") and not self.eof:
            self._fill(more=True)  # CR or CRLF?
            end = line_end(self.buf, 0)
        if end is not None and end <= RECORD_LIMIT:
            rec = self._first_line(Record(0, len(self.buf), len(self.buf), open_quote=True))
            self._add(collector, rec, row=self.line)
            self._consume(rec.end, 1)
            return collector.table()
        collector.add([], row=self.line, raw=self.buf[:RECORD_LIMIT], issues=("row_too_long",))
        size = end if end is not None else self._skip_line()
        self.layout.issues.append(read_issue("row_too_long", row=self.line, size=size))
        if end is not None:
            self._consume(end, 1)
        else:
            self.line += 1
        return collector.table()

    def _skip_line(self) -> int:
        """Read past the rest of an absurd line in bounded chunks; returns its length."""
        size = len(self.buf)
        self.buf = b""
        while True:
            chunk = self.f.read(self.block_bytes)
            if not chunk:
                self.eof = True
                return size
            end = line_end(chunk, 0)
            if end is None:
                size += len(chunk)
                continue
            if end == len(chunk) and chunk.endswith(b"\r"):
                nxt = self.f.read(1)  # CR at the chunk end: CRLF or a lone CR?
                chunk += nxt
                if nxt == b"\n":
                    end += 1
            self.buf = chunk[end:]
            return size + end


class _ArrowParse:
    """pyarrow's CSV parser over some records of a block."""

    def __init__(self, reader: _CsvReader, scan: BlockScan, nonblank: np.ndarray,
                 recode: np.ndarray) -> None:
        self.reader, self.scan, self.nonblank, self.recode = reader, scan, nonblank, recode

    def groups(self, candidates: np.ndarray) -> list[tuple[int, np.ndarray, pa.Table]]:
        """(width, records, table) for the records pyarrow parses. pyarrow refuses a block
        holding a row of another width; then each width up to the header's goes on its own
        (longer rows are rare and go by hand, to keep their extra cells)."""
        width = self.reader.width
        whole = self.table(candidates, width)
        if whole is not None:
            return [(width, candidates, whole)]
        widths = self.scan.widths(self.reader.buf, delimiter=self.reader.delimiter)
        parsed = []
        for cells in np.unique(widths[candidates]).tolist():
            group = candidates & (widths == cells)
            table = self.table(group, cells) if cells <= width else None
            if table is not None:
                parsed.append((cells, group, table))
        return parsed

    def table(self, chosen: np.ndarray, width: int) -> pa.Table | None:
        """The chosen records as `width` string columns, or None if pyarrow refuses them (a
        row of another width) or counts them differently."""
        if not chosen.any():
            return None
        names = cell_names(width)
        try:
            table = pacsv.read_csv(
                pa.BufferReader(self._source(chosen)),
                read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 22),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.reader.delimiter, quote_char='"', double_quote=True,
                    escape_char=False, newlines_in_values=self.scan.quoted_newlines,
                    ignore_empty_lines=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                    quoted_strings_can_be_null=False),
            )
        except pa.ArrowInvalid:
            return None
        return table if table.num_rows == int(chosen.sum()) else None

    def _source(self, chosen: np.ndarray) -> object:
        """The chosen records' bytes, Windows-1252 ones recoded to UTF-8."""
        buf, scan = self.reader.buf, self.scan
        recode = self.recode & chosen
        if not recode.any():
            if np.array_equal(chosen, self.nonblank):  # pyarrow skips the blank lines
                return memoryview(buf)[:scan.cut]
            a = np.frombuffer(buf, dtype=np.uint8, count=scan.cut)
            return a[np.repeat(chosen, scan.ends - scan.starts)].tobytes()
        # runs of consecutive UTF-8 records are copied as they are, the others recoded
        picked = np.flatnonzero(chosen)
        flags = self.recode[picked]
        split = np.ones(picked.size, dtype=bool)
        split[1:] = (np.diff(picked) != 1) | flags[1:] | flags[:-1]
        heads = np.flatnonzero(split)
        tails = np.append(heads[1:], picked.size) - 1
        parts = []
        for head, tail in zip(heads.tolist(), tails.tolist(), strict=True):
            data = buf[scan.starts[picked[head]]:scan.ends[picked[tail]]]
            parts.append(cp1252_decode(data).encode() if flags[head] else data)
        return b"".join(parts)

