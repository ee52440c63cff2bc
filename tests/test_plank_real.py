"""The real pose model on the real plank footage through formcheck.pipeline.analyse, and the
'no plank found' message on a running clip and a standing photo."""

from __future__ import annotations

from pathlib import Path

import av
import pytest

from formcheck.errors import ActivityNotFound
from formcheck.outputs import save_outputs
from formcheck.pipeline import analyse
from formcheck.settings import Settings

pytestmark = pytest.mark.real

PLANK = Settings.build(kind="plank")


def test_front_plank_end_to_end_with_annotated_video(real_pose_run, tmp_path: Path) -> None:
    result = analyse(real_pose_run("plank/front_plank_side_studio_wahoo.mp4"), PLANK)
    m = result.result.metrics
    fps = result.info.fps
    assert result.kind == "plank" and m["variant"] == "forearm"
    assert abs(m["hold_start_s"] * fps - 102) <= 6 and abs(m["hold_end_s"] * fps - 334) <= 6
    assert m["good_form_pct"] >= 80 and m["camera_cuts"] == 2
    files = save_outputs(result, tmp_path)
    assert files.annotated is not None and files.chart is not None
    with av.open(str(files.annotated)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert sum(1 for _ in container.decode(video=0)) == len(result.raw)
    events = (tmp_path / f"{Path(files.annotated).stem}.events.csv").read_text()
    assert "hold start" in events and "start_s" in events.splitlines()[0]


def test_pike_photo(samples_dir: Path) -> None:
    result = analyse(samples_dir / "plank/photo_plank_pike_bad_usama.jpg", PLANK)
    m = result.result.metrics
    assert m["variant"] == "forearm" and m["body_line_deg"] > 20 and m["hold_s"] is None


def test_running_clip_is_no_plank(real_pose_run) -> None:
    with pytest.raises(ActivityNotFound, match="no plank found"):
        analyse(real_pose_run("running/jogging_side_short_sports2d_demo3.mp4"), PLANK)


def test_standing_photo_is_no_plank(samples_dir: Path) -> None:
    with pytest.raises(ActivityNotFound, match=r"no plank found.*upright"):
        analyse(samples_dir / "posture/standing_side_studio_physio.jpg", PLANK)
