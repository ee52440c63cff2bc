"""Issue 14, settings: every value of every setting, from Python, a TOML file or a command-line option, is
either accepted as what it says or refused with one line naming the setting (exit 2), never a traceback.

Property-based (Hypothesis): random values of every type for every setting, random TOML files (flat keys,
per-analysis tables, unknown keys, text that is not TOML or not UTF-8) and random numeric option values.
The oracle below says from each setting's declared type and range whether a value must be accepted; the
code must agree. Plus the issue's own examples, and `render_video = false` honoured end to end.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import formcheck, one_line
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from formcheck.cli import main
from formcheck.config import SettingEntry
from formcheck.errors import UsageError
from formcheck.settings import Settings, settings_catalogue

CATALOGUE = {e.name: e for e in settings_catalogue()}
POSTURE = "posture/standing_side_studio_physio.jpg"
LIMITS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def acceptable(entry: SettingEntry, value: Any) -> bool:
    """Whether `value` is a valid value of the setting, from its declared type, choices and range alone."""
    types = {t.strip() for t in entry.annotation.split("|")}
    if value is None:
        return "None" in types
    if isinstance(value, bool):
        return "bool" in types
    if isinstance(value, int) and ("int" in types or "float" in types):
        number: float = value
    elif isinstance(value, float) and "float" in types:
        if not math.isfinite(value):
            return False
        number = value
    elif isinstance(value, str) and "str" in types:
        return not entry.spec.choices or value in entry.spec.choices
    else:
        return False
    low, high = entry.spec.low, entry.spec.high
    return (low is None or number >= low) and (high is None or number <= high)


def consistent(values: dict[str, Any]) -> bool:
    """The one rule across settings: the end of the part to analyse comes after its start."""
    start, end = values.get("start_s"), values.get("end_s")
    return start is None or end is None or end > start


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-10, 10_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-10, 10_000),
    st.sampled_from([*{c for e in CATALOGUE.values() for c in e.spec.choices}, "", "tall", "1", "big", "SIDE"]),
    st.text(max_size=12),
    st.lists(st.integers(0, 5), max_size=3),
)
ASSIGNMENTS = st.dictionaries(st.sampled_from(sorted(CATALOGUE)), VALUES, max_size=4)


@LIMITS
@given(ASSIGNMENTS)
def test_settings_accept_exactly_the_valid_values(values: dict[str, Any]) -> None:
    valid = all(acceptable(CATALOGUE[k], v) for k, v in values.items()) and consistent(values)
    try:
        built = Settings.build(**values)
    except UsageError as exc:
        assert not valid, (values, str(exc))
        bad = [k for k, v in values.items() if not acceptable(CATALOGUE[k], v)]
        named = bad or ["start_s", "end_s"]
        assert any(f"`{k}`" in str(exc) for k in named), (values, str(exc))
        return
    assert valid, values
    for name, value in values.items():
        entry = CATALOGUE[name]
        got = getattr(built, name) if entry.spec.kind is None else getattr(built.of(entry.spec.kind), name)
        # A float setting stores an integer as a float (above 2**53 the nearest one: 2**53 + 1 -> 2**53).
        as_float = "float" in entry.annotation and isinstance(value, int) and not isinstance(value, bool)
        expected = float(value) if as_float else value
        assert got == expected and (
            value is None or type(got) is (float if "float" in entry.annotation else type(value))
        )


# ---------------------------------------------------------------- TOML files through the command line


def toml_value(value: Any) -> str:
    """`value` written as TOML (None has no TOML form: callers leave such keys out)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        # A JSON string is a TOML basic string, but for ASCII escapes of characters beyond U+FFFF: JSON
        # writes them as a surrogate pair ("\ud800\udc00"), which TOML refuses; kept as UTF-8 they are valid.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


def toml_text(flat: dict[str, Any], tables: dict[str, dict[str, Any]]) -> str:
    lines = [f"{k} = {toml_value(v)}" for k, v in flat.items()]
    for table, entries in tables.items():
        lines.append(f"[{table}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in entries.items()]
    return "\n".join(lines) + "\n"


TOML_VALUES = VALUES.filter(lambda v: v is not None and not (isinstance(v, str) and "\x00" in v))
TABLE = st.sampled_from(["wall", "plank", "run", "pose", "jump"])
FILES = st.tuples(
    st.dictionaries(st.sampled_from([*sorted(CATALOGUE), "heigth_cm", "speed"]), TOML_VALUES, max_size=4),
    st.dictionaries(TABLE, st.dictionaries(st.sampled_from(sorted(CATALOGUE)), TOML_VALUES, max_size=2), max_size=2),
)


def run_cli(*args: str) -> tuple[int, str]:
    """`formcheck ARGS` in this process: (exit code, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's own exit, for a bad option
            code = int(exc.code or 0)
    return code, err.getvalue()


def expected_code(flat: dict[str, Any], tables: dict[str, dict[str, Any]]) -> int:
    """2 for settings that must be refused, else 1 (the settings pass; the input file does not exist)."""
    if any(k not in CATALOGUE for k in flat) or any(t not in ("wall", "plank", "run", "pose") for t in tables):
        return 2
    merged: dict[str, Any] = {}
    for table, entries in tables.items():
        for key, value in entries.items():
            if CATALOGUE[key].spec.kind != table:  # a shared setting, or another analysis's, in this table
                return 2
            merged[key] = value
    merged.update(flat)  # a setting given both flat and in its table: the flat value is used
    ok = all(acceptable(CATALOGUE[k], v) for k, v in merged.items()) and consistent(merged)
    return 1 if ok else 2


@LIMITS
@given(FILES)
@example(({"model_path": "\U00010000"}, {}))  # a character beyond U+FFFF (found by Hypothesis in CI)
def test_any_toml_file_gives_one_line_and_the_right_exit_code(file: tuple[dict, dict]) -> None:
    flat, tables = file
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "settings.toml"
        path.write_text(toml_text(flat, tables), encoding="utf-8")
        code, err = run_cli("analyse", str(Path(tmp) / "missing.jpg"), "--out", tmp, "--config", str(path))
    assert code == expected_code(flat, tables), (toml_text(flat, tables), err)
    assert err.count("\n") == 1 and err.startswith("formcheck: ") and "Traceback" not in err, err
    if code == 1:
        assert "missing.jpg: no such file" in err  # the settings passed; the input is what is wrong


@LIMITS
@given(st.one_of(st.binary(max_size=64), st.text(max_size=40).map(lambda t: t.encode("utf-8"))))
def test_a_settings_file_that_is_not_toml_or_not_utf8(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "settings.toml"
        path.write_bytes(data)
        code, err = run_cli("analyse", str(Path(tmp) / "missing.jpg"), "--out", tmp, "--config", str(path))
    assert code in (1, 2) and err.count("\n") == 1 and "Traceback" not in err, err
    if code == 2:
        assert f"settings file {path}" in err


NUMBER_TEXT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["nan", "NaN", "-nan", "inf", "-inf", "1e400", "1000.5", "0", "-0.0", "5", "", "x"]),
    st.integers(-(10**6), 10**6).map(str),
)
NUMBER_FLAGS = [e for e in CATALOGUE.values() if e.is_number and not e.spec.choices]


@LIMITS
@given(st.sampled_from(NUMBER_FLAGS), NUMBER_TEXT)
def test_numeric_options_accept_exactly_the_valid_values(entry: SettingEntry, text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        code, err = run_cli("analyse", str(Path(tmp) / "missing.jpg"), "--out", tmp, entry.spec.flag, text)
    try:
        value: Any = int(text) if entry.is_int else float(text)
    except ValueError:
        value = text
    assert code == (1 if acceptable(entry, value) else 2), (entry.name, text, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    if code == 2:
        assert entry.spec.flag in err  # the option the user typed is named


# ---------------------------------------------------------------- the issue's examples, as the user runs them


@pytest.mark.parametrize(
    "text, words",
    [
        ('height_cm = "tall"', "setting height_cm needs a number"),
        ('max_side_px = "big"', "setting max_side_px needs a whole number"),
        ('start_s = "1"', "setting start_s needs a number"),
        ("hand_cm = [1, 2]", "setting hand_cm needs a number, got list"),
        ("model_path = 5", "setting model_path needs a text"),
        ("max_side_px = 1000.5", "setting max_side_px needs a whole number, got float 1000.5"),
        ('render_video = "no"', "setting render_video needs true or false"),
        ("lordosis_rule = true", "setting lordosis_rule needs a text, got bool"),
        ("capture_fps = true", "setting capture_fps needs a number or empty, got bool"),
        ("height_cm = nan", "must be a finite number"),
    ],
)
def test_the_issues_toml_files(tmp_path: Path, samples_dir: Path, text: str, words: str) -> None:
    (tmp_path / "s.toml").write_text(text + "\n")
    shutil.copyfile(samples_dir / POSTURE, tmp_path / "photo.jpg")
    line = one_line(formcheck("analyse", "photo.jpg", "--config", "s.toml", cwd=tmp_path), 2)
    assert line.startswith("formcheck: settings file s.toml: ") and words in line, line
    assert not (tmp_path / "formcheck-out").exists()


def test_a_settings_file_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "s.toml").write_bytes(b"height_cm = 180\n# caf\xe9\n")
    line = one_line(formcheck("analyse", "photo.jpg", "--config", "s.toml", cwd=tmp_path), 2)
    assert "settings file s.toml is not UTF-8 text" in line


@pytest.mark.parametrize(
    "args, words",
    [
        (("--start", "nan"), "argument --start: 'nan' is not a finite number"),
        (("--end", "nan"), "argument --end: 'nan' is not a finite number"),
        (("--max-side", "1000.5"), "argument --max-side: '1000.5' is not a whole number"),
    ],
)
def test_the_issues_options(tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    for command in (("analyse", "photo.jpg"), ("batch", ".", "--out", "o")):
        line = one_line(formcheck(*command, *args, cwd=tmp_path), 2)
        assert words in line and f"see `formcheck {command[0]} --help`" in line


def test_render_video_false_in_a_settings_file_is_honoured(tmp_path: Path, samples_dir: Path) -> None:
    shutil.copyfile(samples_dir / POSTURE, tmp_path / "photo.jpg")
    (tmp_path / "s.toml").write_text("render_video = false\n")
    proc = formcheck("analyse", "photo.jpg", "--kind", "pose", "--config", "s.toml", "--out", "o", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "photo.json",
        "photo.landmarks.npz",
        "photo.metrics.csv",
    ]
    proc = formcheck("analyse", "photo.jpg", "--kind", "pose", "--out", "o2", cwd=tmp_path)
    assert (tmp_path / "o2" / "photo.jpg").is_file()  # without the file: the annotated photo is written
