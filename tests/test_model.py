"""Finding the bundled model, overriding it, and one-sentence errors for bad model files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from formcheck.errors import ModelError
from formcheck.pose.model import MODEL_ENV_VAR, check_model_file, default_model_candidates, resolve_model_path
from formcheck.pose.estimator import PoseEstimator


@pytest.fixture(autouse=True)
def _no_env_override(monkeypatch) -> None:
    monkeypatch.delenv(MODEL_ENV_VAR, raising=False)


def test_bundled_model_is_found_from_any_working_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = resolve_model_path()
    assert path.is_absolute() and path in default_model_candidates()
    assert check_model_file(path) == path


def test_bundled_model_matches_its_committed_checksum() -> None:
    import hashlib

    models = Path(__file__).resolve().parents[1] / "models"
    expected, name = (models / "pose_landmarker_full.task.sha256").read_text().split()
    assert hashlib.sha256((models / name).read_bytes()).hexdigest() == expected


def test_explicit_path_and_environment_override(tmp_path, monkeypatch) -> None:
    copy = tmp_path / "copy.task"
    copy.write_bytes(resolve_model_path().read_bytes())
    assert resolve_model_path(copy) == copy
    monkeypatch.setenv(MODEL_ENV_VAR, str(copy))
    assert resolve_model_path() == copy


def test_missing_model_named_by_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(MODEL_ENV_VAR, str(tmp_path / "nope.task"))
    with pytest.raises(ModelError, match=f"named by {MODEL_ENV_VAR}.*does not exist"):
        resolve_model_path()


def test_missing_bundled_model(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr("formcheck.pose.model.default_model_candidates", lambda: [tmp_path / "x.task"])
    with pytest.raises(ModelError, match="bundled pose model .* is missing"):
        resolve_model_path()


def test_corrupt_model_files_fail_with_one_sentence(tmp_path) -> None:
    truncated = tmp_path / "truncated.task"
    truncated.write_bytes(resolve_model_path().read_bytes()[:100_000])
    other_zip = tmp_path / "other.task"
    with zipfile.ZipFile(other_zip, "w") as bundle:
        bundle.writestr("readme.txt", "not a model")
    for path, expected in ((truncated, "is corrupt"), (other_zip, "is not a PoseLandmarker bundle")):
        with pytest.raises(ModelError) as error:
            resolve_model_path(path)
        assert expected in str(error.value) and "\n" not in str(error.value)


def test_bundle_with_garbage_models_fails_on_load(tmp_path) -> None:
    fake = tmp_path / "fake.task"
    with zipfile.ZipFile(fake, "w") as bundle:
        bundle.writestr("pose_detector.tflite", b"\0" * 1000)
        bundle.writestr("pose_landmarks_detector.tflite", b"\0" * 1000)
    with pytest.raises(ModelError, match="could not be loaded"):
        PoseEstimator(fake)
