"""The model loader: the bundled model checks out; damaged or wrong files give clear messages."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from formcheck.errors import ModelError
from formcheck.model import BUNDLED_MODEL_NAME, BUNDLED_MODEL_SHA256, default_model_path, load_model


def test_bundled_model_is_there_and_intact() -> None:
    bundle = load_model()
    assert bundle.path == default_model_path()
    assert bundle.sha256 == BUNDLED_MODEL_SHA256 and bundle.bundled


def test_another_bundle_is_accepted(tmp_path: Path) -> None:
    copy = tmp_path / "pose_landmarker_heavy.task"
    with zipfile.ZipFile(default_model_path()) as src, zipfile.ZipFile(copy, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
    bundle = load_model(copy)
    assert not bundle.bundled and bundle.sha256 != BUNDLED_MODEL_SHA256


@pytest.mark.parametrize(
    "damage, words",
    [
        ("missing", "not found"),
        ("truncated", "truncated"),
        ("changed", "sha256"),
        ("not_zip", "not a MediaPipe model bundle"),
        ("wrong_bundle", "not a PoseLandmarker"),
    ],
)
def test_bad_models(tmp_path: Path, damage: str, words: str) -> None:
    original = default_model_path()
    if damage == "missing":
        path = tmp_path / BUNDLED_MODEL_NAME
    elif damage == "truncated":
        path = tmp_path / BUNDLED_MODEL_NAME
        path.write_bytes(original.read_bytes()[:100_000])
    elif damage == "changed":
        path = tmp_path / BUNDLED_MODEL_NAME
        data = bytearray(original.read_bytes())
        data[-10] ^= 0xFF
        path.write_bytes(bytes(data))
    elif damage == "not_zip":
        path = tmp_path / "model.task"
        path.write_text("not a model")
    else:
        path = tmp_path / "face.task"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("face_detector.tflite", b"x")
    with pytest.raises(ModelError, match=words):
        load_model(path)


def test_cli_reports_a_bad_model(tmp_path: Path, samples_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from formcheck.cli import main

    bad = tmp_path / "model.task"
    shutil.copy(samples_dir / "MANIFEST.md", bad)
    code = main(
        [
            "analyse",
            str(samples_dir / "posture" / "standing_side_studio_physio.jpg"),
            "--model",
            str(bad),
            "--out",
            str(tmp_path / "out"),
            "--kind",
            "pose",
        ]
    )
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a MediaPipe model bundle" in err[0] and "Traceback" not in err[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
