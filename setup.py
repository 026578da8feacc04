"""Build hook: copy the bundled pose model from models/ into the wheel.

The model lives at the top level (``models/``) so the rebuild script and the file sit
together; a non-editable install still needs it inside the package, so ``build_py``
copies it to ``formcheck/_model/``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MODEL_NAME = "pose_landmarker_full.task"


class BuildPyWithModel(build_py):
    """``build_py`` that also places models/<MODEL_NAME> in the built package."""

    def run(self) -> None:
        super().run()
        source = Path(__file__).parent / "models" / MODEL_NAME
        target_dir = Path(self.build_lib) / "formcheck" / "_model"
        target_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target_dir / MODEL_NAME)


setup(cmdclass={"build_py": BuildPyWithModel})
