"""Worker side of corpus rendering: set up once per process, then render one item per call.

Kept apart from ``__main__`` so that spawned worker processes can import these functions.
"""

from __future__ import annotations

import os
from typing import Any

_MODEL: Any = None


def init_worker() -> None:
    """One CPU thread for torch and for Mesa's llvmpipe, and the anny model loaded once."""
    global _MODEL
    os.environ["LP_NUM_THREADS"] = "1"
    import torch

    torch.set_num_threads(1)
    from formcheck.synth.body import load_anny

    _MODEL = load_anny()


def render_job(job: tuple[dict, str, int | None]) -> Any:
    """Render one corpus item: ``(item, out_dir, max_frames)``."""
    from formcheck.synth.corpus_render import render_item

    if _MODEL is None:
        init_worker()
    item, out, max_frames = job
    return render_item(item, out, _MODEL, max_frames=max_frames)
