"""Runs an iterator (e.g. video decoding) in a background thread, a few items ahead.

    with Prefetcher(source.frames(), depth=4) as frames:
        for frame in frames:
            ...  # the next frames decode while this one is analysed

The queue is bounded (``depth`` items), so memory stays flat however long the video is.
An exception raised by the iterator is re-raised in the consumer at the point where the
next item would have come; leaving the ``with`` block early (a break, an error, Ctrl-C)
stops the producer and closes the iterator in its own thread (releasing e.g. the decoder).
OpenCV and MediaPipe release the GIL while they work, so decoding really overlaps inference.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Generic, Iterable, Iterator, TypeVar

T = TypeVar("T")

DEFAULT_DEPTH = 4
_PUT_POLL_S = 0.05  # how often a producer blocked on a full queue checks for stop
JOIN_TIMEOUT_S = 5.0


class _End:
    """Queue marker: the iterator is exhausted (``error`` set when it raised)."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class Prefetcher(Generic[T]):
    """Iterates ``items`` in a daemon thread, keeping at most ``depth`` items ready.

    Attributes:
        busy_s: seconds the producer thread spent inside the iterator (its own work,
            overlapped with the consumer's), for stage accounting.
        wait_s: seconds the consumer spent waiting for an item (the part not hidden).
    """

    def __init__(self, items: Iterable[T], depth: int = DEFAULT_DEPTH, name: str = "prefetch") -> None:
        if depth < 1:
            raise ValueError(f"depth must be at least 1, got {depth}")
        self._items = items
        self._queue: queue.Queue[T | _End] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._started = False
        self._done = False
        self.busy_s = 0.0
        self.wait_s = 0.0

    def start(self) -> Prefetcher[T]:
        """Start the producer thread (idempotent); returns self."""
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def _run(self) -> None:
        iterator = iter(self._items)
        end = _End()
        try:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    break
                finally:
                    self.busy_s += time.perf_counter() - started
                if not self._put(item):
                    break
        except BaseException as exc:  # handed to the consumer
            end = _End(exc)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                try:
                    close()
                except BaseException as exc:  # a failing cleanup still reaches the consumer
                    end = end if end.error is not None else _End(exc)
            self._put(end, final=True)

    def _put(self, item: T | _End, final: bool = False) -> bool:
        """Queue ``item``, waiting for room; False when stopped first (the final marker
        is then dropped: nobody reads it)."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_PUT_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[T]:
        self.start()
        while not self._done:
            started = time.perf_counter()
            item = self._queue.get()
            self.wait_s += time.perf_counter() - started
            if isinstance(item, _End):
                self._done = True
                if item.error is not None:
                    raise item.error
                return
            yield item

    def close(self) -> None:
        """Stop the producer (it closes the iterator) and wait for it; safe to call twice."""
        self._stop.set()
        if self._started:
            self._thread.join(timeout=JOIN_TIMEOUT_S)

    @property
    def alive(self) -> bool:
        """True while the producer thread runs."""
        return self._thread.is_alive()

    def __enter__(self) -> Prefetcher[T]:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
