"""Streaming an ISO 20022 file as Arrow tables, a chunk of transactions at a time.

lxml's pull parser is fed the file a few megabytes at a time. After each block a small XSLT
flattens the complete transactions in the tree into tab-separated lines, in C, which
pyarrow's CSV reader turns into columns; then they are deleted from the tree. Python does no
work per transaction, and memory holds one block's tree: a million-payment file reads in
seconds.

Fields are XPath expressions relative to the transaction, inside the document's own namespace
(prefix `p`), so every version of a message reads the same way. Values of their container (a
payment block, a camt entry) are XSLT variables set once per container: `../x` from each
transaction would scan all its siblings, which is quadratic. Lines are first written raw;
should any value hold a tab or a line break (the CSV then has the wrong shape), the chunk is
written again with every value through normalize-space()."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from lxml import etree

FEED = 4 << 20  # bytes of XML per chunk
PARSE = {"resolve_entities": False, "no_network": True, "huge_tree": True, "collect_ids": False,
         "remove_blank_text": True}
XSL = "http://www.w3.org/1999/XSL/Transform"


@dataclass(frozen=True)
class Shape:
    """How one message is flattened: for each `container` (local name) found anywhere, its
    `variables` (name → XPath), an optional entry line (`E`, `entry` expressions), then for
    each `inner` block in it (a relative path, or "." for the container itself) one
    transaction line (`T`) per `record` child with `fields`: (name, XPath) or (name, XPath,
    guard), fields sharing a guard being read only when it holds (each XPath costs about a
    microsecond per transaction: fallbacks seldom needed sit behind a guard)."""

    name: str
    root: str  # the message element under Document
    container: str
    inner: str
    record: str
    fields: tuple[tuple[str, ...], ...]
    variables: tuple[tuple[str, str], ...] = ()
    entry: tuple[tuple[str, str], ...] = ()
    headers: tuple[str, ...] = field(default=())

    @property
    def width(self) -> int:
        return max(len(self.fields), len(self.entry))

    @property
    def path(self) -> str:
        """The transactions' XPath from the root, in XSLT order (document order)."""
        inner = "" if self.inner == "." else f"/p:{self.inner}"
        return f"//p:{self.container}{inner}/p:{self.record}"


def _line(kind: str, expressions: tuple[tuple[str, ...], ...], width: int, safe: bool) -> str:
    tab = "<xsl:text>&#9;</xsl:text>"
    guards = [e[2] if len(e) > 2 else None for e in expressions]
    out, at = [f"<xsl:text>{kind}</xsl:text>"], 0
    while at < len(expressions):
        guard, end = guards[at], at
        while end < len(expressions) and guards[end] == guard:
            end += 1
        group = expressions[at:end]
        cells = "".join(f'{tab}<xsl:value-of select="{f"normalize-space({e[1]})" if safe else e[1]}"/>'
                        for e in group)
        if guard:
            cells = (f'<xsl:choose><xsl:when test="{guard}">{cells}</xsl:when>'
                     f"<xsl:otherwise>{tab * len(group)}</xsl:otherwise></xsl:choose>")
        out.append(cells)
        at += len(group)
    out.append(tab * (width - len(expressions)) + "<xsl:text>&#10;</xsl:text>")
    return "".join(out)


@functools.cache
def _stylesheet(namespace: str, shape: Shape, safe: bool) -> etree.XSLT:
    def variables(pairs: tuple[tuple[str, str], ...]) -> str:
        return "".join(f'<xsl:variable name="{n}" select="{e}"/>' for n, e in pairs)

    entry = _line("E", shape.entry, shape.width, safe) if shape.entry else ""
    text = (
        f'<xsl:stylesheet version="1.0" xmlns:xsl="{XSL}" xmlns:p="{namespace}">'
        '<xsl:output method="text" encoding="UTF-8"/>'
        '<xsl:param name="carried" select="0"/><xsl:param name="open" select="0"/>'
        f'<xsl:template match="/"><xsl:for-each select="//p:{shape.container}">'
        f"{variables(shape.variables)}{entry}"
        f'<xsl:for-each select="{"." if shape.inner == "." else "p:" + shape.inner}">'
        f'<xsl:for-each select="p:{shape.record}">{_line("T", shape.fields, shape.width, safe)}'
        "</xsl:for-each></xsl:for-each></xsl:for-each></xsl:template></xsl:stylesheet>")
    return etree.XSLT(etree.XML(text))


def _lines(data: bytes, columns: list[str]) -> pa.Table | None:
    """The flattened lines as string columns; None when a value broke the line shape."""
    if not data:
        return pa.table({c: pa.array([], pa.string()) for c in columns})
    try:
        return pcsv.read_csv(
            io.BytesIO(data), read_options=pcsv.ReadOptions(column_names=columns),
            parse_options=pcsv.ParseOptions(delimiter="\t", quote_char=False, escape_char=False),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(columns, pa.string()),
                                                strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None


@dataclass
class Chunk:
    rows: pa.Table  # per transaction: the shape's fields, `_k` (index in chunk), `_e` (container)
    entries: pa.Table  # one row per container that ended, with the entry fields
    every_entry: pa.Table  # the containers of `rows` (`_e` indexes it), the open one too
    open_entry: dict | None  # the entry fields of the container still open, if any
    xpath: Callable[[str], list]  # an XPath (prefix `p`) on the chunk's tree, for error lines
    path: str  # the transactions' XPath

    def locate(self, k: int) -> etree._Element:
        """Transaction k of the chunk."""
        return self.xpath(self.path)[k]


def chunks(*, path: Path, namespace: str, shape: Shape,
           on_element: Callable[[str, etree._Element], None],
           not_xml: Callable[[etree.XMLSyntaxError], Exception]) -> Iterator[Chunk]:
    """The file's transactions, chunk by chunk (one chunk per FEED bytes read).
    `on_element(local name, element)` is called at the end of each header element, which is
    then cleared.

    The parser is fed blocks of the file; between blocks, everything in the tree is complete
    except the elements on its rightmost path (the ones the parser is inside): those stay for
    the next chunk, all else is flattened and taken out of the tree."""
    q = functools.partial("{{{}}}{}".format, namespace)
    record, container = q(shape.record), q(shape.container)
    headers = {q(name): name for name in shape.headers}
    names = ["kind", *(f[0] for f in shape.fields), *[f"_{i}" for i in range(shape.width - len(shape.fields))]]
    entry_names = ["kind", *(n for n, _ in shape.entry)]
    carried = 0  # transactions of the open container given in earlier chunks
    parser = etree.XMLPullParser(events=("start", "end"), tag=[q(shape.root), *headers], **PARSE)
    trees: list[etree._ElementTree] = []
    with path.open("rb") as source:
        done = False
        while not done:
            data = source.read(FEED)
            try:
                if data:
                    parser.feed(data)
                else:
                    parser.close()
                    done = True
                events = list(parser.read_events())
            except etree.XMLSyntaxError as error:
                raise not_xml(error) from error
            for event, element in events:
                if not trees:
                    trees.append(element.getroottree())
                if event == "end" and element.tag in headers:
                    on_element(headers[element.tag], element)
                    element.clear()
            if not trees:
                continue
            tree = trees[0]
            tip = [tree.getroot()]  # the rightmost path: what the parser is inside
            while not done and len(tip[-1]):
                tip.append(tip[-1][-1])
            open_record = next((e for e in tip if e.tag == record), None) if not done else None
            open_container = next((e for e in tip if e.tag == container), None) if not done else None
            position = int(tree.xpath(f"count(//p:{shape.container})", namespaces={"p": namespace})
                           ) if open_container is not None else 0
            params = {"carried": str(carried), "open": str(position)}
            present = int(tree.xpath(f"count({shape.path})", namespaces={"p": namespace}))
            table = None
            for safe in (False, True):  # raw first; a tab or line break in a value breaks lines
                table = _lines(bytes(_stylesheet(namespace, shape, safe)(tree, **params)), names)
                if table is not None and (pc.sum(pc.equal(table["kind"], "T")).as_py() or 0) == present:
                    break
                table = None
            if table is None:
                raise ValueError(f"{path.name}: flattening failed")
            if open_record is not None and table.num_rows:  # half read: in the next chunk
                table = table.slice(0, table.num_rows - 1)
            for i, column in enumerate(table.columns):
                table = table.set_column(i, table.field(i), pc.utf8_trim_whitespace(column))
            is_entry = pc.equal(table["kind"], "E")
            rows = table.filter(pc.invert(is_entry))
            rows = rows.append_column("_k", pa.array(range(rows.num_rows), pa.int64()))
            # each transaction's container: the E line before it (every container present,
            # the open one too, writes its E line before its transactions)
            rows = rows.append_column("_e", pc.subtract(
                pc.cumulative_sum(pc.cast(is_entry, pa.int64())), 1).filter(pc.invert(is_entry)))
            entries = table.filter(is_entry).select(list(range(len(entry_names)))).rename_columns(entry_names)
            every_entry = entries
            open_entry = None
            if open_container is not None and entries.num_rows:  # its line comes again when it ends
                open_entry = entries.slice(entries.num_rows - 1).to_pylist()[0]
                entries = entries.slice(0, entries.num_rows - 1)
                after = pc.indices_nonzero(is_entry)[-1].as_py()  # the open container's E line
                carried = (carried if position == 1 else 0) + table.num_rows - 1 - after
            else:
                carried = 0
            yield Chunk(rows=rows, entries=entries, every_entry=every_entry, open_entry=open_entry, path=shape.path,
                        xpath=functools.partial(tree.xpath, namespaces={"p": namespace}))
            if not done:
                _remove_done(tip, record, container, shape, namespace)


def _remove_done(tip: list[etree._Element], record: str, container: str, shape: Shape,
                 namespace: str) -> None:
    """Take the complete transactions and containers out of the tree: those left of the
    rightmost path `tip`, by slice deletion (no Python object per element)."""
    for node in tip[1:]:
        before = node.getprevious()
        if before is not None and before.tag in (record, container):
            parent = before.getparent()
            first = next(parent.iterchildren(before.tag))
            del parent[parent.index(first):parent.index(before) + 1]
    for name in (shape.container, shape.record):  # left under another parent: rare
        for other in tip[-1].xpath(f"preceding::p:{name}", namespaces={"p": namespace}):
            other.getparent().remove(other)
