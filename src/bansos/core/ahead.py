"""Compute the items of an iterator in a worker thread, a few ahead of the consumer.

Used where one side waits on something that releases the GIL (the database, Arrow kernels) so
the other side can work meanwhile: intake reads and checks the next batch while the current one
is written; bulk inserts encode the next piece while the database parses this one. The producer
must not touch the caller's database connection (Django connections are per thread)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from queue import Full, Queue
from typing import Any, TypeVar

T = TypeVar("T")


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


_END = object()


def ahead(items: Iterator[T], *, depth: int = 2, name: str = "ahead") -> Iterator[T]:
    """The items of `items` in order, computed up to `depth` ahead in a worker thread. An
    exception in the producer is raised in the consumer; closing the consumer stops the
    producer at its next item (and closes it, so chained stages stop in turn)."""
    queue: Queue[Any] = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_END)
        except BaseException as exc:  # handed to the consumer, raised there
            put(_Failed(exc))
        finally:
            # A producer that is itself a pipeline stage (a generator over another `ahead`)
            # is closed here, in its own thread, so its threads stop too.
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=work, name=name, daemon=True)
    worker.start()
    try:
        while (item := queue.get()) is not _END:
            if isinstance(item, _Failed):
                raise item.exc
            yield item
    finally:
        stop.set()
        worker.join()
