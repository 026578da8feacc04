"""The background prefetcher: order, bounded look-ahead, errors handed over, clean stops."""

from __future__ import annotations

import threading
import time
from typing import Iterator

import pytest

from formcheck.errors import VideoError
from formcheck.io.workers import Prefetcher
from formcheck.io.sources import VideoFileSource


class _Counting:
    """A generator of 0..n-1 that records how far it got and whether it was closed."""

    def __init__(self, n: int, fail_at: int | None = None) -> None:
        self.n, self.fail_at = n, fail_at
        self.produced = 0
        self.closed = threading.Event()
        self.thread_names: set[str] = set()

    def __iter__(self) -> Iterator[int]:
        try:
            for i in range(self.n):
                self.thread_names.add(threading.current_thread().name)
                if i == self.fail_at:
                    raise VideoError(f"frame {i} could not be decoded")
                self.produced += 1
                yield i
        finally:
            self.closed.set()


def test_items_arrive_in_order_from_another_thread() -> None:
    items = _Counting(50)
    with Prefetcher(iter(items), depth=3, name="test-prefetch") as frames:
        assert list(frames) == list(range(50))
    assert items.thread_names == {"test-prefetch"}
    assert items.closed.is_set()


def test_lookahead_is_bounded_by_the_depth() -> None:
    items = _Counting(1000)
    with Prefetcher(iter(items), depth=4) as frames:
        iterator = iter(frames)
        assert next(iterator) == 0
        time.sleep(0.3)  # give the producer every chance to run ahead
        # one taken, four queued, one more held by the producer waiting for room
        assert items.produced <= 1 + 4 + 1


def test_an_error_in_the_producer_reaches_the_consumer_after_the_good_items() -> None:
    items = _Counting(10, fail_at=6)
    received = []
    with pytest.raises(VideoError, match="frame 6 could not be decoded"):
        with Prefetcher(iter(items), depth=2) as frames:
            for item in frames:
                received.append(item)
    assert received == [0, 1, 2, 3, 4, 5]


def test_leaving_early_stops_the_producer_and_closes_the_source() -> None:
    items = _Counting(10_000)
    prefetcher = Prefetcher(iter(items), depth=2)
    with prefetcher as frames:
        for item in frames:
            if item == 3:
                break
    assert not prefetcher.alive
    assert items.closed.is_set() and items.produced < 10


def test_keyboard_interrupt_in_the_consumer_stops_the_producer() -> None:
    items = _Counting(10_000)
    prefetcher = Prefetcher(iter(items), depth=2)
    with pytest.raises(KeyboardInterrupt):
        with prefetcher as frames:
            for item in frames:
                if item == 2:
                    raise KeyboardInterrupt
    assert not prefetcher.alive and items.closed.is_set()


def test_depth_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Prefetcher(iter([]), depth=0)


def test_video_frames_prefetched_are_the_frames_read_directly(make_video) -> None:
    clip = make_video(seconds=1.0, rate="30")
    direct = [(f.index, f.t_s, f.rgb.sum()) for f in VideoFileSource(clip)]
    source = VideoFileSource(clip)
    with Prefetcher(source.frames(), depth=3) as frames:
        fetched = [(f.index, f.t_s, f.rgb.sum()) for f in frames]
    assert fetched == direct and len(direct) == 30
    assert source.frames_read == 30 and not source.ended_early


def test_video_frames_with_a_stride_keep_every_time_but_pixels_only_every_nth(make_video) -> None:
    clip = make_video(seconds=1.0, rate="30")
    everything = list(VideoFileSource(clip).frames())
    strided = list(VideoFileSource(clip).frames(pixels_every=3))
    assert [f.t_s for f in strided] == [f.t_s for f in everything]
    assert [f.has_pixels for f in strided] == [i % 3 == 0 for i in range(30)]
    for mine, full in zip(strided, everything):
        if mine.has_pixels:
            assert (mine.rgb == full.rgb).all()
    with pytest.raises(ValueError):
        next(VideoFileSource(clip).frames(pixels_every=0))
