"""docs/adding-an-analysis.md stays true: its code, written into a package, registered in the
registry, analyses a generated squatter through the whole pipeline (no model)."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import formcheck.kinds
from formcheck.landmarks import Landmark as L
from formcheck.sequence import MediaInfo, PoseSequence

DOC = Path(__file__).resolve().parents[1] / "docs" / "adding-an-analysis.md"
FILE_BLOCK = re.compile(r"```python\n# file: kinds/squat/(\w+\.py)\n(.*?)```", re.S)


def squatter(knee_deg: np.ndarray, fps: float = 30.0) -> PoseSequence:
    """A side-view person whose knees flex by `knee_deg` (T,) frame by frame: thigh 45 cm, shank 45 cm
    at 4 px per cm, the shank tilting forward by a third of the flexion, the trunk upright."""
    n = len(knee_deg)
    seq = PoseSequence.empty(n, (720, 1280), fps, timestamps_s=np.arange(n) / fps)
    px = 4.0
    for t, k in enumerate(np.radians(knee_deg)):
        ankle = np.array([360.0, 1100.0])
        shank = np.array([np.sin(k / 3), -np.cos(k / 3)]) * 45 * px  # knee forward of the ankle
        knee = ankle + shank
        thigh_dir = np.array([-np.sin(k - k / 3), -np.cos(k - k / 3)])  # hip behind and above the knee
        hip = knee + thigh_dir * 45 * px
        shoulder = hip + np.array([0.0, -52 * px])
        for side in ("LEFT", "RIGHT"):
            for name, p in (
                ("ANKLE", ankle),
                ("KNEE", knee),
                ("HIP", hip),
                ("SHOULDER", shoulder),
                ("HEEL", ankle + np.array([-20.0, 10.0])),
                ("FOOT_INDEX", ankle + np.array([80.0, 10.0])),
            ):
                seq.xy[t, L[f"{side}_{name}"]] = p
        for lm in (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR):
            seq.xy[t, lm] = shoulder + np.array([10.0, -90.0])
        seq.visibility[t] = 0.95
    seq.z[:] = 0.0
    return seq


@pytest.fixture()
def squat_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The doc's package written under formcheck.kinds (via its __path__) and added to the registry."""
    blocks = FILE_BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert {name for name, _ in blocks} == {
        "thresholds.py",
        "settings.py",
        "measure.py",
        "recognise.py",
        "findings.py",
        "overlay.py",
        "spec.py",
    }
    package = tmp_path / "squat"
    package.mkdir()
    (package / "__init__.py").write_text('"""The worked example of docs/adding-an-analysis.md."""\n')
    for name, code in blocks:
        (package / name).write_text(code)
    monkeypatch.setattr(formcheck.kinds, "__path__", [*formcheck.kinds.__path__, str(tmp_path)])
    for mod in [m for m in sys.modules if m.startswith("formcheck.kinds.squat")]:
        monkeypatch.delitem(sys.modules, mod)
    spec = importlib.import_module("formcheck.kinds.squat.spec").SPEC
    monkeypatch.setattr(formcheck.kinds, "KINDS", (*formcheck.kinds.KINDS, spec))
    return spec


def _source(seq: PoseSequence):
    from formcheck.sources import SequenceSource

    info = MediaInfo(
        path="squats.mp4",
        kind="video",
        width=720,
        height=1280,
        fps=seq.fps,
        duration_s=float(seq.timestamps_s[-1]),
        frames=len(seq),
        rotation=0,
        codec="h264",
        playback_fps=seq.fps,
    )
    return SequenceSource((seq,), info)


def test_the_worked_example_analyses_a_generated_squatter(squat_kind, tmp_path: Path) -> None:
    from formcheck.outputs import save_outputs
    from formcheck.pipeline import analyse
    from formcheck.settings import Settings

    # Three repetitions of 5 s at 30 fps: to 110, 100 and 70 deg of knee flexion, standing at 5 deg between.
    t = np.arange(450) / 30.0
    depth = np.repeat([110.0, 100.0, 70.0], 150)
    knee = 5.0 + (depth - 5.0) * np.clip(np.sin(np.pi * (t % 5.0) / 5.0), 0, None) ** 2
    result = analyse(_source(squatter(knee)), Settings())  # kind = auto: the registry now has the squat
    assert result.kind == "squat"
    m = result.result.metrics
    assert m["repetitions"] == 3
    depths = [row["depth_deg"] for row in result.result.steps]
    assert depths == pytest.approx([110.0, 100.0, 70.0], abs=1.5)  # the generator's known answer
    assert m["median_depth_deg"] == pytest.approx(100.0, abs=1.5)
    finding = result.result.findings[0]
    assert finding.severity == "attention" and finding.title.startswith("1 of 3 repetitions stayed above 90")
    # Its own setting, by name: a deeper target makes two of the three shallow.
    deeper = analyse(_source(squatter(knee)), Settings.build(target_depth_deg=105.0))
    assert deeper.result.findings[0].title.startswith("2 of 3 repetitions stayed above 105")
    # The outputs every analysis gets: the JSON with its label, the per-repetition table, the overlay drawn.
    files = save_outputs(result, tmp_path / "out", "squats", render=True)
    assert files.annotated is not None and files.annotated.stat().st_size > 1000
    assert "rep,start_s,bottom_s,end_s,depth_deg" in files.tables["steps"].read_text()
    import json

    data = json.loads(files.json.read_text())
    assert data["kind_label"] == "Squat depth" and data["settings"]["kind"] == "auto"
    panel = result.result.overlay.drawing(int(np.argmax(knee[:150]))).panel
    assert panel[0][0] == "rep 1" and panel[1][1] == "good"


def test_the_worked_example_refuses_a_person_standing_still(squat_kind) -> None:
    from formcheck.errors import InsufficientData
    from formcheck.pipeline import analyse
    from formcheck.settings import Settings

    standing = _source(squatter(np.full(90, 8.0)))
    assert squat_kind.recognise(SimpleNamespace(info=standing.info, seq=standing.people[0])) == 0.0
    with pytest.raises(InsufficientData, match="no squat repetition found: the knees never bent beyond 45 deg"):
        analyse(standing, Settings(kind="squat"))


def test_its_setting_becomes_a_cli_option(squat_kind) -> None:
    from formcheck.cli_args import cli_wording
    from formcheck.settings import settings_catalogue

    entry = next(e for e in settings_catalogue() if e.name == "target_depth_deg")
    assert entry.spec.flag == "--squat-target" and entry.spec.kind == "squat" and entry.default == 90.0
    assert cli_wording("target: `target_depth_deg`") == "target: --squat-target"
