"""Find and check the pose model bundle (a MediaPipe `.task` file) before mediapipe sees it."""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelError

BUNDLED_MODEL_NAME = "pose_landmarker_full.task"
BUNDLED_MODEL_SHA256 = "d6fc06e1fb790fc5c8abaf4af6d6a22554a89b1b01544440993d687d2893760a"
BUNDLED_MODEL_SIZE = 9_397_658
#: The two networks every PoseLandmarker bundle (lite, full, heavy) holds.
REQUIRED_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
#: A TensorFlow Lite model is a FlatBuffer whose file identifier, bytes 4-8, is this.
TFLITE_IDENTIFIER = b"TFL3"
MODEL_ENV_VAR = "FORMCHECK_MODEL"


@dataclass(frozen=True)
class ModelBundle:
    """A checked model file: its path, sha256 and whether it is the bundled one."""

    path: Path
    sha256: str
    bundled: bool


def default_model_path() -> Path:
    """$FORMCHECK_MODEL, else `models/pose_landmarker_full.task` of the project checkout."""
    env = os.environ.get(MODEL_ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "models" / BUNDLED_MODEL_NAME


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_cache: dict[tuple[str, float, int], ModelBundle] = {}


def load_model(path: str | Path | None = None) -> ModelBundle:
    """Check a model file and return it; raises ModelError saying what is wrong and what to do."""
    p = Path(path) if path else default_model_path()
    if not p.is_file():
        raise ModelError(
            f"pose model not found at {p}; reinstall formcheck from its checkout "
            f"(models/{BUNDLED_MODEL_NAME}) or set `model_path` to a PoseLandmarker .task file"
        )
    stat = p.stat()
    key = (str(p.resolve()), stat.st_mtime, stat.st_size)
    if key in _cache:
        return _cache[key]
    sha = file_sha256(p)
    is_bundled_name = p.name == BUNDLED_MODEL_NAME
    if is_bundled_name and sha != BUNDLED_MODEL_SHA256:
        if stat.st_size < BUNDLED_MODEL_SIZE:
            raise ModelError(
                f"pose model {p} is truncated ({stat.st_size} of {BUNDLED_MODEL_SIZE} bytes); "
                f"restore it from the formcheck checkout (git checkout models/)"
            )
        raise ModelError(
            f"pose model {p} has sha256 {sha[:12]}..., expected {BUNDLED_MODEL_SHA256[:12]}...; "
            f"the file was changed or damaged: restore it (git checkout models/)"
        )
    try:
        with zipfile.ZipFile(p) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise ModelError(
            f"{p} is not a MediaPipe model bundle (.task files are zip archives; this one is "
            f"truncated or another kind of file); use a PoseLandmarker .task file"
        ) from exc
    missing = [m for m in REQUIRED_MEMBERS if m not in names]
    if missing:
        raise ModelError(
            f"{p} is a model bundle but not a PoseLandmarker one (missing {', '.join(missing)}); "
            f"use pose_landmarker_lite/full/heavy.task"
        )
    damaged = _damaged_members(p)
    if damaged:
        raise ModelError(
            f"{p} is damaged ({'; '.join(damaged)}); download the PoseLandmarker .task file again, or restore "
            f"the bundled one (git checkout models/)"
        )
    bundle = ModelBundle(path=p, sha256=sha, bundled=sha == BUNDLED_MODEL_SHA256)
    _cache[key] = bundle
    return bundle


def _damaged_members(p: Path) -> list[str]:
    """What is wrong with the networks inside a bundle whose member names are right: a member whose
    checksum (CRC) fails, or that is not a TensorFlow Lite model."""
    problems = []
    with zipfile.ZipFile(p) as bundle:
        for name in REQUIRED_MEMBERS:
            try:
                with bundle.open(name) as member:
                    head = member.read(8)
                    while member.read(1 << 20):  # reading to the end checks the member's CRC
                        pass
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
                problems.append(f"{name}: {exc}")
                continue
            if head[4:8] != TFLITE_IDENTIFIER:
                problems.append(f"{name} is not a TensorFlow Lite model")
    return problems
