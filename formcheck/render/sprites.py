"""Outlined text drawn once and blended onto every frame that shows it.

An outlined label is nine anti-aliased ``cv2.putText`` calls (eight shifted outline copies and
the fill), ~0.4 ms at 720p; the overlay draws about ten of them per frame, and most repeat
from one frame to the next. :class:`TextSprites` draws each distinct label once on a black and
on a white patch; since every drawing step blends towards a fixed colour, the result over any
background ``p`` is ``p * keep + ink`` per pixel, and those two patches give ``keep`` and
``ink``. Blending the sprite (one ``cv2.blendLinear``, ~40 µs) then matches drawing the text
to within 2 grey levels (the rounding of the nine steps).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

SpriteKey = tuple[object, ...]

MAX_SPRITES = 512
"""Labels kept (least recently used dropped): a session shows a few hundred distinct ones
(knee angles, tempo seconds), each sprite a few tens of kB at 720p."""


@dataclass(frozen=True)
class Sprite:
    """A drawn label: where its ``origin`` sits in the patch, the colour to blend towards and the
    per-pixel weights of the background (``keep``) and of that colour (``cover``), float32."""

    origin_px: tuple[int, int]
    colour: np.ndarray  # (h, w, 3) uint8: the ink, un-premultiplied (0 where nothing is drawn)
    keep: np.ndarray  # (h, w) float32
    cover: np.ndarray  # (h, w) float32, 1 - keep

    @classmethod
    def drawn(cls, draw: Callable[[np.ndarray, tuple[int, int]], None], size_px: tuple[int, int],
              origin_px: tuple[int, int]) -> Sprite:
        """The sprite of ``draw(image, origin)`` on a patch of ``size_px`` (width, height)."""
        width, height = size_px
        black = np.zeros((height, width, 3), np.uint8)
        white = np.full((height, width, 3), 255, np.uint8)
        draw(black, origin_px)
        draw(white, origin_px)
        keep = ((white.astype(np.float32) - black).mean(axis=2) / 255.0).clip(0.0, 1.0)
        cover = 1.0 - keep
        safe = np.maximum(cover, 1e-3)[..., None]
        colour = np.where(cover[..., None] > 1e-3, black / safe, 0.0).clip(0, 255).round().astype(np.uint8)
        return cls(origin_px, colour, np.ascontiguousarray(keep), np.ascontiguousarray(cover))

    def blend(self, image: np.ndarray, origin_px: tuple[int, int]) -> None:
        """Blend onto ``image`` in place with the sprite's origin at ``origin_px`` (clipped)."""
        height, width = self.keep.shape
        x0, y0 = origin_px[0] - self.origin_px[0], origin_px[1] - self.origin_px[1]
        left, top = max(0, -x0), max(0, -y0)
        right, bottom = min(width, image.shape[1] - x0), min(height, image.shape[0] - y0)
        if right <= left or bottom <= top:
            return
        region = image[y0 + top:y0 + bottom, x0 + left:x0 + right]
        window = (slice(top, bottom), slice(left, right))
        if (left, top, right, bottom) == (0, 0, width, height):
            cv2.blendLinear(region, self.colour, self.keep, self.cover, dst=region)
        else:
            cv2.blendLinear(region, np.ascontiguousarray(self.colour[window]),
                            np.ascontiguousarray(self.keep[window]), np.ascontiguousarray(self.cover[window]),
                            dst=region)


class TextSprites:
    """A bounded, thread-safe cache of :class:`Sprite` by key (least recently used dropped)."""

    def __init__(self, max_sprites: int = MAX_SPRITES) -> None:
        if max_sprites < 1:
            raise ValueError(f"max_sprites must be at least 1, got {max_sprites}")
        self.max_sprites = max_sprites
        self._sprites: OrderedDict[SpriteKey, Sprite] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sprites)

    def get(self, key: SpriteKey, make: Callable[[], Sprite]) -> Sprite:
        """The sprite of ``key``, made by ``make()`` the first time."""
        with self._lock:
            sprite = self._sprites.get(key)
            if sprite is not None:
                self._sprites.move_to_end(key)
                return sprite
        sprite = make()  # outside the lock: another thread may make the same one, harmlessly
        with self._lock:
            self._sprites[key] = sprite
            while len(self._sprites) > self.max_sprites:
                self._sprites.popitem(last=False)
        return sprite
