"""Rebuild ``pose_landmarker_full.task`` from the mediapipe 0.10.21 wheel on PyPI.

mediapipe >= 1.0 only has the Tasks API, whose ``PoseLandmarker`` needs a ``.task``
bundle that no registry ships. The 0.10.21 wheel still carries the two TFLite models
(pose detector and full landmark model). This script adds the image-normalisation
metadata the Tasks runtime needs to each, and zips them (uncompressed, 4-byte
aligned, fixed timestamps) into a bundle that is byte-for-byte reproducible.

Run it with ``bash models/build_pose_task.sh`` (which makes a throwaway venv holding
mediapipe==0.10.21), or directly with a Python where mediapipe 0.10.21 is installed:

    python models/build_pose_task.py [--out models/pose_landmarker_full.task]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import zipfile
from pathlib import Path

WHEEL_VERSION = "0.10.21"
DETECTOR_MODULE = "modules/pose_detection/pose_detection.tflite"
LANDMARKER_MODULE = "modules/pose_landmark/pose_landmark_full.tflite"
# (name inside the bundle, module path in the wheel, norm mean, norm std)
MEMBERS = (
    ("pose_detector.tflite", DETECTOR_MODULE, 127.5, 127.5),
    ("pose_landmarks_detector.tflite", LANDMARKER_MODULE, 0.0, 255.0),
)
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def with_normalization(model: bytes, mean: float, std: float, name: str) -> bytes:
    """Return ``model`` with NormalizationOptions metadata on its image input."""
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    writer.add_general_info(model_name=name, model_description=name)
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    tflite, _ = writer.populate()
    return bytes(tflite)


def write_bundle(members: dict[str, bytes], out_path: Path) -> None:
    """Zip ``members`` uncompressed, 4-byte aligned, with fixed timestamps."""
    from mediapipe.tasks.python.metadata.metadata_writers import model_asset_bundle_utils as mabu

    with mabu.AlignZipFile(str(out_path), mode="w", alignment=mabu._ALIGNMENT) as bundle:
        for name, payload in members.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, payload)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).with_name("pose_landmarker_full.task"))
    args = parser.parse_args(argv)

    import mediapipe

    if mediapipe.__version__ != WHEEL_VERSION:
        print(f"error: needs mediapipe=={WHEEL_VERSION}, found {mediapipe.__version__}; "
              "run models/build_pose_task.sh", file=sys.stderr)
        return 2
    package_dir = Path(mediapipe.__file__).parent
    members = {
        name: with_normalization((package_dir / module).read_bytes(), mean, std, name)
        for name, module, mean, std in MEMBERS
    }
    write_bundle(members, args.out)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes, sha256 {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
