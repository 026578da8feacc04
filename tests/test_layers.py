"""The package's layout rules: imports point downward through the layers, no cycles, small modules.

Layers, lowest first (DEVELOPERS.md draws them): core → io → pose → measure → analysis →
render → report → app. ``errors``, ``profiles`` and ``wording`` are data every layer may read; ``cli`` sits
on top. ``synth`` is apart from the product: of it, only ``formcheck.io`` (the worker pool, files).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "formcheck"
LAYERS = ("core", "io", "pose", "measure", "analysis", "render", "report", "app")
BASE = ("errors", "profiles", "wording")  # top-level data modules: importable from anywhere; they use core only
TOP_LEVEL_ALLOWED = {"__init__", "__main__", "cli", "errors", "profiles", "wording"}
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "synth" not in p.relative_to(PACKAGE).parts)


def _rank(module: str) -> int | None:
    """Layer index of a dotted ``formcheck.X...`` module; None for base and top-level modules."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] in BASE or parts[1] == "__init__":
        return None
    if parts[1] == "cli" or parts[1] == "__main__":
        return len(LAYERS)
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else None


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("formcheck"):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("formcheck")]
    return found


def _dotted(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_downward(path: Path) -> None:
    me = _dotted(path)
    mine = _rank(me)
    for target in _imports(path):
        if target == "formcheck":
            continue  # the package init: version only
        theirs = _rank(target)
        if mine is None or theirs is None:
            assert not (mine is None and theirs not in (None, 0) and me.split(".")[1] in BASE), \
                f"{me} is a base module but imports {target} (base modules may use core only)"
            continue
        assert theirs <= mine, f"{me} (layer {LAYERS[mine] if mine < len(LAYERS) else 'cli'}) imports " \
                               f"{target} (layer {LAYERS[theirs]}), which sits above it"


def test_no_import_cycles() -> None:
    graph = {_dotted(p): {t for t in _imports(p) if t != "formcheck"} for p in _modules()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(trail + [node, nxt]))
            if nxt in graph and not state.get(nxt):
                visit(nxt, trail + [node])
        state[node] = 2

    for node in graph:
        if not state.get(node):
            visit(node, [])


SYNTH_MAY_IMPORT = ("formcheck.synth", "formcheck.io")


def test_synth_stays_apart() -> None:
    for path in (PACKAGE / "synth").rglob("*.py"):
        for target in _imports(path):
            assert target in SYNTH_MAY_IMPORT or target.startswith(tuple(f"{m}." for m in SYNTH_MAY_IMPORT)), \
                f"{path.name} imports product code {target}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_are_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines (at most {MAX_LINES})"


def test_a_handful_of_top_level_modules() -> None:
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top <= TOP_LEVEL_ALLOWED, f"unexpected top-level modules: {sorted(top - TOP_LEVEL_ALLOWED)}"
