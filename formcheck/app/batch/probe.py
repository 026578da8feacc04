"""Before any video is analysed: can every machine that will run tasks open the videos, write
into the batch folder (the same folder, not a local one of the same name) and load the model?

On a cluster the workers read the videos and write the reports themselves, so every node must
see them at the same paths (a shared disk or mount). One clear sentence when one cannot.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from formcheck.errors import FormcheckError
from formcheck.pose.model import resolve_model_path

TOKEN_PREFIX = ".formcheck-batch-check-"
SHARED_HINT = ("every machine of the cluster must see the videos and the batch folder at the same path "
               "(a shared disk or mount; see the README's batch section)")


class BatchSetupError(FormcheckError):
    """A machine of the batch that cannot reach its inputs, its output folder or the model."""


@dataclass(frozen=True)
class NodeView:
    """What one machine sees: videos it cannot open, whether it can write the batch folder and
    sees this batch's token file there, and a problem with the model."""

    unreadable: tuple[str, ...]
    out_dir_problem: str | None
    sees_token: bool
    model_problem: str | None


def look_around(paths: Sequence[str], out_dir: str, token: str, model_path: str | None) -> NodeView:
    """Run on a node: open each video (one byte), write and remove a file in ``out_dir``, read
    the ``token`` file the driver left there, and find the model."""
    unreadable = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                handle.read(1)
        except OSError:
            unreadable.append(path)
    out_dir_problem = None
    probe = Path(out_dir) / f"{TOKEN_PREFIX}{uuid.uuid4().hex}.probe"
    try:
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        out_dir_problem = (exc.strerror or type(exc).__name__).lower()
    try:
        sees_token = (Path(out_dir) / f"{TOKEN_PREFIX}{token}").read_text() == token
    except OSError:
        sees_token = False
    try:
        resolve_model_path(model_path)
        model_problem = None
    except FormcheckError as exc:
        model_problem = str(exc)
    return NodeView(tuple(unreadable), out_dir_problem, sees_token, model_problem)


def check_nodes(pool: Any, paths: Sequence[str], out_dir: Path, model_path: str | None) -> None:
    """Ask every machine of ``pool`` (see :meth:`formcheck.io.pool.LocalPool.on_each_node`).
    Videos this machine cannot open either are left to fail on their own rows.

    Raises:
        BatchSetupError: the first machine's problem, in one sentence.
    """
    token = uuid.uuid4().hex
    token_file = out_dir / f"{TOKEN_PREFIX}{token}"
    token_file.write_text(token)
    try:
        here = look_around(paths, str(out_dir), token, model_path)
        # a local pool's workers are this machine: what it sees, they see
        views = {} if pool.name == "local" else pool.on_each_node(look_around, list(paths), str(out_dir), token,
                                                                    model_path)
    finally:
        token_file.unlink(missing_ok=True)
    if here.model_problem:
        raise BatchSetupError(here.model_problem)
    problems = [sentence for name, view in views.items() if (sentence := _problem(name, view, here, paths))]
    if problems:
        more = f" (and {len(problems) - 1} more machine{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        raise BatchSetupError(problems[0] + more)


def _problem(name: str, view: NodeView, here: NodeView, paths: Sequence[str]) -> str | None:
    if view.model_problem:
        return f"on {name}: {view.model_problem}"
    known = set(here.unreadable)  # this machine cannot open them either: they fail on their own rows
    missing = [p for p in view.unreadable if p not in known]
    if missing:
        return (f"{name} cannot open {len(missing)} of the {len(paths)} videos (e.g. {os.path.basename(missing[0])} "
                f"at {missing[0]}) — {SHARED_HINT}")
    if view.out_dir_problem:
        return f"{name} cannot write to the batch folder ({view.out_dir_problem}) — {SHARED_HINT}"
    if not view.sees_token:
        return f"{name} sees a different batch folder at the same path (not a shared one) — {SHARED_HINT}"
    return None
