"""`formcheck analyse ... --report`: the HTML page and the PDF, checked by opening them (the HTML's
embedded images decoded, the PDF's pages, text and images read with pypdf); verdicts against ranges."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from formcheck.cli import main
from formcheck.report import build_report
from formcheck.result_document import ResultDocument
from formcheck.sequence import PoseSequence
from formcheck.verdict import verdict

TRACK = Path("tests/data/tracks/running__treadmill_side_phone60fps_mhuang")


class Page(HTMLParser):
    """The images (src) and the visible text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            self.images.append(str(values.get("src")))
        if tag in ("link", "script") or (tag == "a" and values.get("href")):
            self.links.append(str(values.get("href") or values.get("src")))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read_html(path: Path) -> tuple[list[Image.Image], str, list[str]]:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    images = []
    for src in page.images:
        assert src.startswith("data:image/"), f"not embedded: {src[:60]}"
        _, data = src.split(",", 1)
        images.append(Image.open(io.BytesIO(base64.b64decode(data))))
    return images, " ".join(" ".join(page.text).split()), page.links


def read_pdf(path: Path) -> tuple[int, str, list[Image.Image]]:
    reader = PdfReader(path)
    text = " ".join(" ".join((p.extract_text() or "") for p in reader.pages).split())
    images = [im.image for p in reader.pages for im in p.images]
    return len(reader.pages), text, images


def test_report_with_key_frames_figures_findings_and_the_athletes_trend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("FORMCHECK_HOME", str(tmp_path / "home"))
    seq = PoseSequence.load_npz(TRACK.with_suffix(".npz"))
    clips = []
    for i, drop in enumerate((0, 90)):
        path = tmp_path / "in" / f"session{i}.npz"
        path.parent.mkdir(exist_ok=True)
        seq[drop:].save_npz(path)
        shutil.copy(TRACK.with_suffix(".json"), path.with_suffix(".json"))
        os.utime(path, (1_760_000_000 + i * 7 * 86400,) * 2)
        clips.append(path)
    out = tmp_path / "out"
    for path in clips:
        args = ["analyse", str(path), "--out", str(out), "--no-video", "-q", "--athlete", "Zoë Park", "--report"]
        assert main([*args, "--height-cm", "164"]) == 0
    assert f"report: {out / 'session1.report.html'}, {out / 'session1.report.pdf'}" in capsys.readouterr().out
    result = json.loads((out / "session1.json").read_text())

    images, text, links = read_html(out / "session1.report.html")
    assert links == []  # nothing fetched from elsewhere
    assert len(images) == 3  # two key frames and the trend chart
    frames = [im for im in images if im.format == "JPEG"]
    assert len(frames) == 2 and all(max(im.size) == 960 for im in frames)
    (chart,) = [im for im in images if im.format == "PNG"]
    assert chart.size[0] > 400
    assert "Zoë Park" in text and "left contact" in text and "right contact" in text
    cadence = result["metrics"]["cadence_spm"]
    assert f"{cadence:g} steps/min" in text and "within the 150–190 steps/min range" in text
    trunk = result["metrics"]["trunk_lean_deg"]
    assert trunk < 3.7 and "below the 3.7–10.9° range" in text  # the one verdict, in the app's words
    assert f"IQR {result['metrics']['contact_ms_iqr']:g} ms" in text
    for finding in result["findings"]:
        assert finding["title"] in text
        if finding["cue"]:
            assert f"Cue: {finding['cue']}" in text
    assert result["reliability"][0][:60] in text
    assert "Zoë Park's trend" in text and "2 sessions of this analysis" in text
    assert result["notice"] in text

    pages, pdf_text, pdf_images = read_pdf(out / "session1.report.pdf")
    assert pages >= 2
    for expected in ("Zoë Park", "Key frames", "Headline figures", "Findings", "Zoë Park's trend", "Sources"):
        assert expected in pdf_text
    assert f"{cadence:g} steps/min" in pdf_text and "below the 3.7–10.9° range" in pdf_text
    assert "screening and coaching aid, not a diagnosis" in pdf_text
    assert "Cue:" in pdf_text and "Drill:" in pdf_text
    assert len(pdf_images) == 3
    assert sorted(im.size for im in pdf_images)[:2] == sorted(im.size for im in frames)


def test_build_report_from_the_output_folder_as_the_app_has_it(tmp_path: Path) -> None:
    assert main(["analyse", str(TRACK.with_suffix(".npz")), "--out", str(tmp_path), "--no-video", "-q"]) == 0
    result = json.loads((tmp_path / f"{TRACK.name}.json").read_text())
    report = build_report(result, tmp_path)
    assert [f.label for f in report.key_frames] == [f"{k['label']} ({k['time_s']:.2f} s)" for k in result["key_frames"]]
    assert report.athlete is None and report.trend is None and report.date == ""
    cadence = next(f for f in report.figures if f.name == "cadence_spm")
    assert (cadence.verdict, cadence.status, cadence.typical) == (
        "within the 150–190 steps/min range",
        "within",
        "150–190 steps/min",
    )
    doc = ResultDocument.from_json(result)
    for row in report.figures:  # every chip is the shared verdict of that figure, none without a range
        shared = verdict(doc.metrics.get(row.name, doc.details.get(row.name)), doc.references.get(row.name))
        assert (row.verdict or "", row.status) == (shared.text, shared.status)
    overstride = next(f for f in report.figures if f.name == "overstride_cm")
    assert overstride.verdict is None and overstride.typical == ""  # no range: no verdict
    cited = [f.source for f in report.figures if f.source] + [f.source for f in report.findings if f.source]
    assert sorted(set(cited)) == list(range(1, len(report.sources) + 1))


@pytest.mark.real
def test_wall_photo_report_shows_the_annotated_photo_and_the_gap_with_its_uncertainty(
    samples_dir: Path, tmp_path: Path, capsys
) -> None:
    photo = samples_dir / "posture/standing_side_phone_fiton_a.jpg"
    args = ["analyse", str(photo), "--out", str(tmp_path), "--kind", "wall", "-q", "--report", "--height-cm", "178"]
    assert main(args) == 0
    result = json.loads((tmp_path / "standing_side_phone_fiton_a.json").read_text())
    assert [k["label"] for k in result["key_frames"]] == ["photo"]
    assert result["outputs"]["key_frames"] == ["standing_side_phone_fiton_a.keyframes/01_photo.jpg"]
    sigma = result["details"]["uncertainty"]["lumbar_gap_cm"]
    assert sigma == result["details"]["lumbar_gap_sigma_cm"] > 0
    images, text, _ = read_html(tmp_path / "standing_side_phone_fiton_a.report.html")
    assert len(images) == 1 and images[0].size[1] == 960  # the portrait photo, downscaled
    assert f"± {sigma:g} cm" in text
    assert "trend" not in text.lower()  # no athlete: no trend
    pages, pdf_text, pdf_images = read_pdf(tmp_path / "standing_side_phone_fiton_a.report.pdf")
    assert pages >= 1 and len(pdf_images) == 1 and "photo" in pdf_text
    assert f"{result['metrics']['lumbar_gap_cm']:g} cm" in pdf_text
