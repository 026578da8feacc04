"""Synthetic people for ground truth: posed anny bodies rendered doing heel taps.

Optional extra: ``pip install -e '.[synth]'`` (anny, torch, moderngl). Importing
this package needs only numpy; torch, anny and moderngl load when rendering.
Command: ``python -m formcheck.synth --spec samples/specs.toml --out samples/``.
"""

from formcheck.synth.spec import BodySpec, CameraSpec, ClipSpec, RepSpec, load_specs

__all__ = ["BodySpec", "CameraSpec", "ClipSpec", "RepSpec", "load_specs", "render_clip"]


def render_clip(*args, **kwargs):  # type: ignore[no-untyped-def]
    """Render one clip and its truth file (see :func:`formcheck.synth.generate.render_clip`)."""
    from formcheck.synth.generate import render_clip as _render

    return _render(*args, **kwargs)
