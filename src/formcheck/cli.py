"""`formcheck analyse PATH --out DIR`, `formcheck batch DIR --out OUT`, `formcheck history NAME` and
`formcheck athlete NAME`.

Exit codes: 0 ok, 1 the input could not be analysed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, ClassVar, NoReturn

from . import __version__
from .cli_args import EXIT_FAILED, EXIT_USAGE, add_settings_arguments, cli_wording, settings_from_args
from .cli_athletes import (
    add_athlete_arguments,
    add_report_argument,
    after_analysis,
    athlete_defaults,
    configure_athlete,
    configure_history,
    run_athlete,
    run_history,
)
from .cli_summary import summary_text
from .errors import FormCheckError, UsageError
from .interrupts import interrupt_requested, sigterm_as_interrupt
from .names import display_text


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (what is wrong, and where the help is), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"formcheck: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="formcheck",
        description="Form analysis from phone photos and videos: the wall test, plank holds and running gait.",
    )
    parser.add_argument("--version", action="version", version=f"formcheck {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="show diagnostic log lines")
    sub = parser.add_subparsers(dest="command", required=True)
    analyse = sub.add_parser("analyse", aliases=["analyze"], help="analyse one photo or video")
    analyse.add_argument(
        "path",
        help="a photo (jpg, png, webp, bmp), a video (mp4, mov, m4v, avi, mkv, webm) or a landmark track "
        "(.npz written by formcheck)",
    )
    analyse.add_argument("--out", default="formcheck-out", help="output folder (default ./formcheck-out)")
    analyse.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_athlete_arguments(analyse)
    add_report_argument(analyse)
    add_settings_arguments(analyse)
    from . import batch

    batch.configure_parser(sub.add_parser("batch", help="analyse every photo and video in a folder"))
    configure_history(sub.add_parser("history", help="an athlete's sessions and how their figures changed"))
    configure_athlete(sub.add_parser("athlete", help="add an athlete or change their stature or notes"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):  # file names that are not UTF-8 print as \xNN, never a traceback
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO if args.verbose else logging.WARNING,
        format="formcheck: %(levelname)s: %(message)s",
        force=True,
    )
    # Numerical warnings (an all-NaN slice, say) are diagnostics: shown with -v only.
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").setLevel(logging.INFO if args.verbose else logging.ERROR)
    try:
        with sigterm_as_interrupt():
            if args.command == "batch":
                from . import batch

                return batch.run(args)
            if args.command in ("history", "athlete"):
                return run_history(args) if args.command == "history" else run_athlete(args)
            return run_analyse(args)
    except UsageError as exc:
        print(f"formcheck: {cli_wording(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except FormCheckError as exc:
        if args.command in ("batch", "history", "athlete"):
            subject = "cannot run the batch" if args.command == "batch" else args.command
        else:
            subject = f"cannot analyse {display_text(args.path)}"
        print(f"formcheck: {subject}: {cli_wording(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return interrupted()
    except Exception:
        if not interrupt_requested():
            raise
        return interrupted()  # surfaced as another error (cut short inside an import or a class body)


#: The exit status of an interrupted command (Ctrl-C or SIGTERM), as shells report 128 + SIGINT.
EXIT_INTERRUPTED = 130


def interrupted() -> int:
    """The end of an interrupted command (Ctrl-C or SIGTERM): one line, exit status 130."""
    print("formcheck: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def run_analyse(args: argparse.Namespace) -> int:
    from .outputs import analyse_to

    settings = settings_from_args(args, defaults=athlete_defaults(args))
    with ProgressBars(enabled=not args.quiet) as bars:
        result, files = analyse_to(args.path, settings, args.out, on_progress=bars.update)
    print(summary_text(result))
    print("written: " + ", ".join(display_text(str(p)) for p in files.all()))
    return after_analysis(args, args.path, files)


class ProgressBars:
    """tqdm bars for the stages reported through `on_progress(stage, done, total)`."""

    LABELS: ClassVar[dict[str, str]] = {"pose": "pose", "closer": "closer look", "render": "video"}

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = (enabled and sys.stderr.isatty()) or enabled == "force"
        self._bars: dict[str, Any] = {}

    def update(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            bar = self._bars[stage] = tqdm(
                total=total or None, desc=self.LABELS.get(stage, stage), unit="frame", leave=False, dynamic_ncols=True
            )
        if total and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(self, *exc: object) -> None:
        for bar in self._bars.values():
            bar.close()


def entry() -> None:
    """The `formcheck` command. mediapipe's C++ code logs straight to file descriptor 2 at any time;
    unless -v is given, that descriptor goes to /dev/null and our own messages, progress bars and
    Python tracebacks reach the real stderr through a stream of their own."""
    if not {"-v", "--verbose"} & set(sys.argv[1:]):
        from .pose import divert_native_stderr

        sys.stderr = divert_native_stderr()
    code = main()
    if code == EXIT_INTERRUPTED:
        # The cleanup has run (temporary files removed, workers stopped). Tearing the interpreter down
        # with mediapipe's native threads cut short mid-frame could still crash (SIGABRT), wait for a
        # dispatcher thread forever, or end with -2 (CPython marks a KeyboardInterrupt that passed
        # through pybind11's import as unhandled): end the process here, with the status it should have.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
