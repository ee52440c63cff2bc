"""Variants of a real clip that change only the file, not the run: mirrored, re-encoded at another
quality, HEVC 10-bit in a .MOV (as an iPhone stores it), stored rotated with a display rotation,
30% of the frames dropped with their true timestamps (variable frame rate), 60 -> 30 fps, a
hand-held look (a slowly drifting crop with shake), the camera further away (the picture scaled
down in the same frame); and two that re-time the run (`TIME_SCALE`): a
faster runner (played 1.25x faster, resampled to the clip's frame rate) and a slower one (the same
frames at 0.9x the frame rate), whose timing figures must scale and whose angles and distances must
not. Made with the ffmpeg binary that the
`imageio-ffmpeg` wheel ships (it has libx264 and libx265); used by the running analysis's
invariance tests and `bench/running_accuracy.py`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .kinds.run.thresholds import CADENCE_REPRODUCIBILITY, REPRODUCIBILITY

#: Each variant: (name, what it is).
VARIANTS: dict[str, str] = {
    "mirrored": "flipped left-right (the runner faces the other way), H.264 CRF 18",
    "h264_crf30": "re-encoded H.264 at a lower quality (CRF 30)",
    "hevc10_mov": "HEVC 10-bit (yuv420p10le, CRF 24) in a QuickTime .MOV, as an iPhone stores it",
    "rotated": "pixels stored turned by 90 degrees with a display rotation (players and formcheck turn them back)",
    "vfr_drop30": "30% of the frames dropped at random, the kept frames' true timestamps kept (variable frame rate)",
    "fps30": "60 fps resampled to 30 fps (only for clips above 50 fps)",
    "handheld": "a hand-held look: a 92% crop drifting slowly across the frame with a small shake",
    "farther": "the camera further away: the picture scaled to 55% in the same frame, low in it, over a blurred "
    "copy of itself (the runner about half the size, as from a phone at the side of a track), H.264 CRF 18",
    "faster": "re-timed 1.25x faster and resampled to the clip's frame rate (a faster runner with the same stride "
    "geometry: cadence x1.25, contact time /1.25, angles and distances the same)",
    "slower": "re-timed 0.9x: the same frames at 0.9x the frame rate (cadence x0.9, contact time /0.9)",
}

#: The `farther` variant's scale: the runner at 55% of the size, about 60 px of foot on a 1080p clip.
FARTHER_SCALE = 0.55
#: Its picture: the clip scaled down, centred and low (where a farther runner's feet would be), over a
#: blurred full-size copy, so the frame keeps its size and its surround is not a flat border.
FARTHER_FILTER = (
    f"split[a][b];[a]boxblur=20[bg];[b]scale=trunc(iw*{FARTHER_SCALE}/2)*2:trunc(ih*{FARTHER_SCALE}/2)*2[fg];"
    "[bg][fg]overlay=(W-w)/2:(H-h)*0.75"
)

#: The variants that re-time the run: how many times faster their gait is than the original's.
TIME_SCALE: dict[str, float] = {"faster": 1.25, "slower": 0.9}


@dataclass(frozen=True)
class Variant:
    """name: a key of VARIANTS; path: the file made; source: the clip it was made from."""

    name: str
    path: Path
    source: Path


def ffmpeg_exe() -> str:
    """The ffmpeg binary of the imageio-ffmpeg wheel (in the test extra)."""
    import imageio_ffmpeg  # type: ignore[import-untyped]  # only the tests and the bench need it

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _run(args: list[str]) -> None:
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], capture_output=True)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({' '.join(args[:6])} ...): {proc.stderr.decode(errors='replace')[-400:]}")


def _h264(quality: int = 18) -> list[str]:
    return ["-c:v", "libx264", "-preset", "ultrafast", "-crf", str(quality), "-pix_fmt", "yuv420p", "-an"]


def make_variant(source: Path, name: str, out_dir: Path, fps: float) -> Variant | None:
    """Make variant `name` of `source` (nominal frame rate `fps`) in `out_dir`; None when it does not
    apply (fps30 of a clip at 50 fps or less)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = source.stem
    src = str(source)
    makers: dict[str, Callable[[], Path | None]] = {
        "mirrored": lambda: _simple(src, out_dir / f"{stem}.mirrored.mp4", ["-vf", "hflip", *_h264()]),
        "h264_crf30": lambda: _simple(src, out_dir / f"{stem}.h264_crf30.mp4", _h264(30)),
        "hevc10_mov": lambda: _simple(
            src,
            out_dir / f"{stem}.hevc10.mov",
            [
                "-c:v",
                "libx265",
                "-preset",
                "ultrafast",
                "-crf",
                "24",
                "-pix_fmt",
                "yuv420p10le",
                "-tag:v",
                "hvc1",
                "-x265-params",
                "log-level=error",
                "-an",
            ],
        ),
        "rotated": lambda: _rotated(src, out_dir, stem),
        "vfr_drop30": lambda: _simple(
            src,
            out_dir / f"{stem}.vfr_drop30.mp4",
            # random(0) is ffmpeg's seeded generator: the same frames are dropped every time; the
            # first frame is kept; passthrough keeps the kept frames' own timestamps.
            ["-vf", "select='eq(n\\,0)+gt(random(0)\\,0.3)'", "-fps_mode", "passthrough", *_h264()],
        ),
        "fps30": lambda: _simple(src, out_dir / f"{stem}.fps30.mp4", ["-vf", "fps=30", *_h264()]) if fps > 50 else None,
        "handheld": lambda: _simple(
            src,
            out_dir / f"{stem}.handheld.mp4",
            [
                "-vf",
                "crop=w=trunc(iw*0.92/2)*2:h=trunc(ih*0.92/2)*2:"
                "x=(iw-ow)/2*(1+0.7*sin(2*PI*t/6))+0.004*iw*sin(2*PI*t*1.9):"
                "y=(ih-oh)/2*(1+0.7*sin(2*PI*t/8+1))+0.004*ih*sin(2*PI*t*2.3+0.5)",
                *_h264(),
            ],
        ),
        "farther": lambda: _simple(src, out_dir / f"{stem}.farther.mp4", ["-vf", FARTHER_FILTER, *_h264()]),
        "faster": lambda: _simple(
            src, out_dir / f"{stem}.faster.mp4", ["-vf", f"setpts=PTS/{TIME_SCALE['faster']},fps={fps:g}", *_h264()]
        ),
        "slower": lambda: _simple(
            src,
            out_dir / f"{stem}.slower.mp4",
            ["-vf", f"setpts=PTS/{TIME_SCALE['slower']},fps={fps * TIME_SCALE['slower']:g}", *_h264()],
        ),
    }
    if name not in makers:
        raise ValueError(f"unknown variant {name!r}: choose one of {', '.join(VARIANTS)}")
    path = makers[name]()
    return Variant(name, path, source) if path is not None else None


def _simple(src: str, out: Path, args: list[str]) -> Path:
    _run(["-i", src, *args, str(out)])
    return out


def _rotated(src: str, out_dir: Path, stem: str) -> Path:
    """Pixels turned 90 degrees clockwise (a portrait clip becomes landscape pixels), then a display
    rotation of 90 degrees counter-clockwise written into the container (stream copy), so a player
    shows the original orientation: what a phone does when it stores a clip sideways."""
    turned = out_dir / f"{stem}.turned.mp4"
    _run(["-i", src, "-vf", "transpose=clock", *_h264(), str(turned)])
    out = out_dir / f"{stem}.rotated.mp4"
    _run(["-display_rotation", "90", "-i", str(turned), "-c", "copy", str(out)])
    turned.unlink()
    return out


#: How far each headline figure of a variant may be from the original's: (kind, amount), kind
#: 'rel' (a share) or 'abs' (in the metric's unit). The running issue's limits (the per-step ones are
#: the analysis's own reproducibility targets, `kinds.run.thresholds.REPRODUCIBILITY`).
TOLERANCES: dict[str, tuple[str, float]] = {
    "cadence_spm": ("rel", CADENCE_REPRODUCIBILITY),
    **{metric: ("abs", amount) for metric, amount in REPRODUCIBILITY.items()},
}


@dataclass(frozen=True)
class Comparison:
    """One headline figure of a variant against the original: both values (the original's scaled to
    the variant's pace, `compare_figures`), the difference (in the metric's unit), the allowed difference and whether it holds (both missing also holds)."""

    metric: str
    original: float | None
    variant: float | None
    difference: float | None
    allowed: float
    holds: bool


#: How each figure of TOLERANCES changes when the gait is played `s` times faster: its value times
#: s ** exponent (cadence is steps per time, contact a time; angles and distances do not change).
TIME_EXPONENT: dict[str, int] = {"cadence_spm": 1, "contact_ms": -1}


def compare_figures(
    original: dict[str, object], variant: dict[str, object], time_scale: float = 1.0
) -> list[Comparison]:
    """Each metric of TOLERANCES compared (a figure present in one and missing in the other fails).
    time_scale: how many times faster the variant's gait is (`TIME_SCALE`; 1 for a file-only
    variant): the original's timing figures are scaled to what the variant should read."""
    out = []
    for metric, (kind, amount) in TOLERANCES.items():
        a, b = original.get(metric), variant.get(metric)
        a = float(a) if isinstance(a, (int, float)) and not isinstance(a, bool) else None
        b = float(b) if isinstance(b, (int, float)) and not isinstance(b, bool) else None
        if a is not None:
            a *= time_scale ** TIME_EXPONENT.get(metric, 0)
        allowed = amount * abs(a) if kind == "rel" and a is not None else amount
        if a is None or b is None:
            out.append(Comparison(metric, a, b, None, allowed, a is None and b is None))
            continue
        out.append(Comparison(metric, a, b, b - a, allowed, abs(b - a) <= allowed))
    return out
