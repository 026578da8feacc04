"""A non-editable install carries the model: build the wheel, install it into a new venv, run it."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(REPO)], check=True, timeout=300)
    return next(out.glob("formcheck-*.whl"))


def test_wheel_contains_the_model(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "formcheck/_model/pose_landmarker_full.task" in names
    templates = REPO / "formcheck" / "report" / "templates"
    shipped = {f"formcheck/report/templates/{p.name}" for p in templates.glob("*.j2")}
    assert "formcheck/report/templates/report.html.j2" in shipped and shipped <= set(names)  # report.html
    assert not any(name.startswith(("tests/", "samples/", "models/")) for name in names)


def test_the_plain_install_brings_the_h264_encoder(wheel: Path) -> None:
    """`pip install formcheck` without extras writes H.264: imageio-ffmpeg (libx264) is a
    main dependency, not an extra."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(archive.read(name).decode() for name in archive.namelist()
                        if name.endswith(".dist-info/METADATA"))
    required = [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert any(r.startswith("imageio-ffmpeg") and "extra ==" not in r for r in required), required


def test_installed_wheel_analyzes_from_another_directory(wheel: Path, tmp_path: Path, real_clip) -> None:
    env_dir = tmp_path / "venv"
    # system site packages provide mediapipe & co. (already installed); formcheck comes from the wheel
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    str(wheel)], check=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(python), "-c", "import formcheck.pose.model as m; print(m.resolve_model_path())"],
                           cwd=elsewhere, capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(env_dir)) and where.endswith("_model/pose_landmarker_full.task")
    result = subprocess.run([str(env_dir / "bin" / "formcheck"), "analyze", str(real_clip), "--out",
                             "out", "--quiet"], cwd=elsewhere, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "out" / "frames.csv").is_file()
