"""The one place where corpus rendering runs in parallel (to be swapped for the project's batch engine).

:func:`map_clips` runs ``fn(item)`` for every item in up to ``jobs`` worker processes, each
set up once by ``initializer`` (e.g. loading the anny model), and yields one
:class:`Outcome` per item as it finishes. A failing item never stops the others: its
exception becomes a one-line ``error``; a worker process that dies is replaced and the items
it had not finished are run again once.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any


@dataclass
class Outcome:
    """What happened to one item: its result, or a one-line error; wall seconds in the worker."""

    item: Any
    result: Any = None
    error: str | None = None
    seconds: float = 0.0


def _one_line(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else ""
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {msg}{where}"


def _call(fn: Callable[[Any], Any], item: Any) -> tuple[Any, str | None, float]:
    t0 = time.perf_counter()
    try:
        return fn(item), None, time.perf_counter() - t0
    except Exception as exc:  # one line per failed item; the others go on
        return None, _one_line(exc), time.perf_counter() - t0


def map_clips(fn: Callable[[Any], Any], items: Iterable[Any], jobs: int = 1,
              initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> Iterator[Outcome]:
    """Run ``fn`` over ``items`` with ``jobs`` processes (1 = in this process); yield outcomes as they finish.

    ``fn`` and ``initializer`` must be importable module-level functions (workers are spawned).
    """
    items = list(items)
    if jobs <= 1:
        if initializer is not None:
            initializer(*initargs)
        for item in items:
            result, error, seconds = _call(fn, item)
            yield Outcome(item, result, error, seconds)
        return
    pending = list(range(len(items)))
    retried: set[int] = set()
    ctx = multiprocessing.get_context("spawn")
    while pending:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=initializer, initargs=initargs) as pool:
            futures: dict[Future, int] = {}
            queue = list(pending)
            pending = []
            broken = False

            def submit() -> None:
                while queue and len(futures) < 2 * jobs:
                    i = queue.pop(0)
                    futures[pool.submit(_call, fn, items[i])] = i

            try:
                submit()
            except BrokenProcessPool:
                broken = True
            while futures and not broken:
                done, _ = wait(list(futures), return_when=FIRST_COMPLETED)
                for fut in done:
                    i = futures.pop(fut)
                    try:
                        result, error, seconds = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        futures[fut] = i  # put back: handled below
                        break
                    yield Outcome(items[i], result, error, seconds)
                if broken:
                    break
                try:
                    submit()
                except BrokenProcessPool:
                    broken = True
            if broken:
                unfinished = sorted(set(futures.values()) | set(queue))
                for i in unfinished:
                    if i in retried:
                        yield Outcome(items[i], None, "worker process died (twice)", 0.0)
                    else:
                        retried.add(i)
                        pending.append(i)
                pool.shutdown(wait=False, cancel_futures=True)
