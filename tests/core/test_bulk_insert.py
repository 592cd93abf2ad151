"""The pieces of `tables_insert` (and `core.ahead`) that need no database (its writes are covered by the intake
tests on both databases)."""

from __future__ import annotations

import threading
from contextlib import closing

import pyarrow as pa
import pytest

from bansos.core.ahead import ahead
from bansos.core.bulk_insert import _bytea_text
from bansos.core.fields import BlindIndexField


def test_bytea_text_is_postgres_hex_with_nulls_kept():
    values = pa.array([b"\x00\xff", None, b"", b"abc"], pa.binary())
    assert _bytea_text(values).to_pylist() == ["\\x00ff", None, "\\x", "\\x616263"]
    assert _bytea_text(values.slice(2)).to_pylist() == ["\\x", "\\x616263"]
    assert _bytea_text(pa.nulls(2, pa.binary())).to_pylist() == [None, None]


def test_ahead_yields_in_order_and_raises_the_workers_error():
    assert list(ahead(iter(range(100)))) == list(range(100))

    def failing():
        yield 1
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        list(ahead(failing()))


def test_ahead_stops_its_worker_when_the_caller_stops():
    before = threading.active_count()
    items = ahead(iter(range(1_000_000)))
    assert next(items) == 0
    items.close()
    assert threading.active_count() == before


def test_blind_index_field_without_index_keeps_saying_so_in_migrations():
    field = BlindIndexField(source="nik", purpose="nik", db_index=False)
    *_, kwargs = field.deconstruct()
    assert BlindIndexField(**kwargs).db_index is False
    *_, kwargs = BlindIndexField(source="nik", purpose="nik").deconstruct()
    assert BlindIndexField(**kwargs).db_index is True


def test_closing_a_chain_of_ahead_stages_stops_every_worker():
    before = threading.active_count()

    def doubled():
        with closing(ahead(iter(range(1_000_000)), depth=1)) as inner:
            for x in inner:
                yield x * 2

    outer = ahead(doubled(), depth=1)
    assert [next(outer), next(outer)] == [0, 2]
    outer.close()
    assert threading.active_count() == before
