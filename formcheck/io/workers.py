"""Background work with bounded memory: :class:`Worker` (calls run in order on one thread) and
:class:`Prefetcher` (an iterator, e.g. video decoding, run a few items ahead on a Worker).

    with Prefetcher(source.frames(), depth=4) as frames:
        for frame in frames:
            ...  # the next frames decode while this one is analysed

    worker = Worker(depth=4, name="formcheck-video-writer")
    worker.submit(sink.write, rgb)  # waits while 4 frames are waiting; raises an earlier write's error
    worker.finish()                 # every frame written (or the first error raised here)

Both are built on :class:`concurrent.futures.ThreadPoolExecutor` with one thread: a future per
call carries its result or exception back to the caller. At most ``depth`` calls wait or run,
so memory stays flat; an error is re-raised in the caller; leaving early (a break, an error,
Ctrl-C) drops the calls not started and stops the thread. ``busy_s`` (the thread's own work)
and ``wait_s`` (the caller's waiting) feed the stage timer. OpenCV and MediaPipe release the
GIL while they work, so decoding and encoding really overlap inference and drawing.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, Callable, Generic, Iterable, Iterator, TypeVar

T = TypeVar("T")

DEFAULT_DEPTH = 4
JOIN_TIMEOUT_S = 5.0


class Worker:
    """Runs submitted calls one at a time, in order, on one named background thread.

    Attributes:
        busy_s: seconds the thread spent inside the calls (overlapped with the caller).
        wait_s: seconds :meth:`submit` waited for room (the part not hidden).
    """

    def __init__(self, depth: int = DEFAULT_DEPTH, name: str = "formcheck-worker") -> None:
        if depth < 1:
            raise ValueError(f"depth must be at least 1, got {depth}")
        self.name = name
        self.busy_s = 0.0
        self.wait_s = 0.0
        self._slots = threading.BoundedSemaphore(depth)  # calls waiting or running
        self._futures: deque[Future[Any]] = deque()
        self._thread: threading.Thread | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name, initializer=self._named)

    def _named(self) -> None:
        self._thread = threading.current_thread()
        self._thread.name = self.name

    def submit(self, fn: Callable[..., T], *args: Any, block: bool = True, check: bool = True) -> Future[T] | None:
        """Queue ``fn(*args)``; first re-raises the error of a call that already failed (unless
        ``check`` is False).

        Waits while ``depth`` calls are waiting or running (``block``), or returns None at once
        (the call is dropped) when ``block`` is False.
        """
        self._forget_finished(raise_errors=check)
        if block:
            started = time.perf_counter()
            self._slots.acquire()
            self.wait_s += time.perf_counter() - started
        elif not self._slots.acquire(blocking=False):
            return None
        try:
            future = self._executor.submit(self._run, fn, *args)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        self._futures.append(future)
        return future

    def _run(self, fn: Callable[..., T], *args: Any) -> T:
        started = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.busy_s += time.perf_counter() - started

    def raise_error(self) -> None:
        """Forget finished calls; re-raise the first exception among them (once)."""
        self._forget_finished(raise_errors=True)

    def _forget_finished(self, raise_errors: bool) -> None:
        """Drop the finished calls at the head of the line (their results are the caller's)."""
        while self._futures and self._futures[0].done():
            future = self._futures.popleft()
            error = None if future.cancelled() else future.exception()
            if error is not None and raise_errors:
                raise error

    def cancel_waiting(self) -> None:
        """Drop the calls that have not started (the running one goes on)."""
        for future in self._futures:
            future.cancel()

    def finish(self, timeout_s: float | None = None, raise_errors: bool = True) -> None:
        """Take no more calls, wait for those queued (up to ``timeout_s``) and stop the thread;
        re-raises the first error unless ``raise_errors`` is False. Safe to call twice."""
        wait(list(self._futures), timeout=timeout_s)
        self._executor.shutdown(wait=False)
        if self._thread is not None:
            self._thread.join(timeout=timeout_s)
        if raise_errors:
            self.raise_error()
        else:
            self._futures.clear()

    def abort(self, timeout_s: float = JOIN_TIMEOUT_S) -> None:
        """Drop the waiting calls, give the running one ``timeout_s`` to end, stop; errors are
        dropped (the caller is already leaving)."""
        self.cancel_waiting()
        self.finish(timeout_s, raise_errors=False)

    @property
    def alive(self) -> bool:
        """True while the thread runs."""
        return self._thread is not None and self._thread.is_alive()


class _End:
    """What ``next`` returns once the iterator is exhausted."""


_END = _End()


class Prefetcher(Generic[T]):
    """Iterates ``items`` on a :class:`Worker`, keeping at most ``depth`` items ready.

    An exception raised by the iterator reaches the consumer where the next item would have
    come; leaving the ``with`` block early closes the iterator in the worker thread (so e.g.
    the decoder is released by the thread that used it).
    """

    def __init__(self, items: Iterable[T], depth: int = DEFAULT_DEPTH, name: str = "prefetch") -> None:
        self._worker = Worker(depth, name)  # raises ValueError for depth < 1
        self._depth = depth
        self._items = items
        self._iterator: Iterator[T] | None = None
        self._ahead: deque[Future[T | _End]] = deque()
        self._wait_s = 0.0
        self._closed = False

    @property
    def busy_s(self) -> float:
        """Seconds the worker spent inside the iterator (its own work, overlapped)."""
        return self._worker.busy_s

    @property
    def wait_s(self) -> float:
        """Seconds the consumer waited for an item (the part not hidden)."""
        return self._wait_s + self._worker.wait_s

    def start(self) -> Prefetcher[T]:
        """Start fetching ahead (idempotent); returns self."""
        if self._iterator is None:
            self._iterator = iter(self._items)
            self._fill()
        return self

    def _next(self) -> T | _End:
        assert self._iterator is not None
        return next(self._iterator, _END)

    def _fill(self) -> None:
        while len(self._ahead) < self._depth:
            future = self._worker.submit(self._next, check=False)  # errors come with their item
            assert future is not None
            self._ahead.append(future)

    def __iter__(self) -> Iterator[T]:
        self.start()
        while self._ahead:
            future = self._ahead.popleft()
            started = time.perf_counter()
            try:
                item = future.result()
            finally:
                self._wait_s += time.perf_counter() - started
            if isinstance(item, _End):
                self.close(raise_errors=True)
                return
            self._fill()
            yield item

    def close(self, raise_errors: bool = False) -> None:
        """Drop the items fetched ahead, close the iterator in the worker thread and stop it
        (safe to call twice). ``raise_errors``: re-raise an error of the iterator's close."""
        if self._closed:
            return
        self._closed = True
        self._ahead.clear()
        self._worker.cancel_waiting()
        close = getattr(self._iterator, "close", None)
        closing = self._worker.submit(close, check=False) if close is not None else None
        self._worker.finish(JOIN_TIMEOUT_S, raise_errors=False)
        error = closing.exception(timeout=0) if closing is not None and closing.done() else None
        if raise_errors and error is not None:
            raise error

    @property
    def alive(self) -> bool:
        """True while the worker thread runs."""
        return self._worker.alive

    def __enter__(self) -> Prefetcher[T]:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
