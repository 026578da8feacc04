#!/usr/bin/env bash
# Rebuild models/pose_landmarker_full.task from the mediapipe 0.10.21 wheel (PyPI),
# in a throwaway venv, then check it against the committed checksum.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$(mktemp -d)/mp01021"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet "mediapipe==0.10.21"
"$venv/bin/python" "$here/build_pose_task.py" --out "$here/pose_landmarker_full.task"
(cd "$here" && sha256sum -c pose_landmarker_full.task.sha256)
rm -rf "$(dirname "$venv")"
