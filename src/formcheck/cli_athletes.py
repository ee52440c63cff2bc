"""The CLI's athletes: `--athlete NAME` on `formcheck analyse` (the analysis becomes a session of the
athlete's history; their stature is the default once given with `--height-cm`), `--report`,
`formcheck history [NAME] [--kind K] [--json]` and `formcheck athlete NAME [--height-cm] [--notes]`.

The store is `formcheck.store` (`$FORMCHECK_HOME`); the report is `formcheck.report`.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cli_args import EXIT_FAILED, EXIT_OK, given_setting

#: How a spread is written after its figure (formcheck.store.headline.SPREAD_KINDS says what each is).
SPREAD_SHORT = {"iqr": "IQR", "sd": "±", "range": "range"}

if TYPE_CHECKING:
    from .outputs import OutputFiles
    from .store import Athlete, Session, Store, Trend


def add_athlete_arguments(parser: argparse.ArgumentParser) -> None:
    """`--athlete NAME` (analyse and batch)."""
    parser.add_argument(
        "--athlete",
        metavar="NAME",
        help="keep this analysis in the athlete's history (formcheck history NAME); the stature given once "
        "with --height-cm is their default from then on",
    )


def add_report_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--report",
        action="store_true",
        help="also write <stem>.report.html and <stem>.report.pdf to share (with the athlete's trend when "
        "--athlete is given)",
    )


def configure_history(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "An athlete's sessions, oldest first, with their headline figures and the change since the first "
        "and the previous session. Without NAME: the athletes in the store."
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="the athlete")
    parser.add_argument("--kind", help="only this analysis (wall, plank, run, pose)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def configure_athlete(parser: argparse.ArgumentParser) -> None:
    parser.description = "Add an athlete or change their stature or notes (shown by formcheck history)."
    parser.add_argument("name", metavar="NAME", help="the athlete")
    parser.add_argument("--height-cm", type=float, metavar="CM", help="their stature in cm (the default from now on)")
    parser.add_argument("--notes", metavar="TEXT", help="notes kept with the athlete")


# ---------------------------------------------------------------------- formcheck analyse --athlete


def athlete_defaults(args: argparse.Namespace) -> dict[str, Any]:
    """Settings the athlete gives when the command line does not: their stored stature as `height_cm`."""
    name = getattr(args, "athlete", None)
    if not name or given_setting(args, "height_cm") is not None:
        return {}
    from .store import open_store

    with open_store() as store:
        athlete = store.athlete(name)
    return {"height_cm": athlete.stature_cm} if athlete and athlete.stature_cm else {}


def after_analysis(args: argparse.Namespace, path: str | Path, files: OutputFiles) -> int:
    """After a successful `formcheck analyse`: record the session (`--athlete`) and write the report
    (`--report`), printing what was done. Returns the exit code: 1 when the session could not be
    recorded or the report written (the analysis's own files are written either way)."""
    from .errors import FormCheckError

    name = getattr(args, "athlete", None)
    trend: Trend | None = None
    athlete_name: str | None = None
    date: datetime | None = None
    code = EXIT_OK
    if name:
        from .store import open_store

        try:
            with open_store() as store:
                athlete, session = record_analysis(store, name, path, files, given_setting(args, "height_cm"))
                trend = store.trend(athlete.name, session.kind)
                athlete_name, date = athlete.name, session.date
                print(session_line(athlete, session, trend, store.path))
        except FormCheckError as exc:
            print(f"formcheck: the results are written, but not recorded for {name}: {exc}", file=sys.stderr)
            code = EXIT_FAILED
    if getattr(args, "report", False):
        from .report import build_report, write_report
        from .store import clip_date

        result_json = json.loads(files.json.read_text(encoding="utf-8"))
        date = date or clip_date(path).when
        report = build_report(result_json, files, history=trend, athlete=athlete_name, date=date)
        html_path, pdf_path = write_report(report, files.json.parent, files.json.name.removesuffix(".json"))
        print(f"report: {html_path}, {pdf_path}")
    return code


def record_analysis(
    store: Store, name: str, path: str | Path, files: OutputFiles, stature_cm: float | None = None
) -> tuple[Athlete, Session]:
    """Record the analysis whose JSON is `files.json` (of the input `path`) as a session of athlete
    `name` (added if new; `stature_cm`, when given, becomes their stature)."""
    athlete = store.upsert_athlete(name, stature_cm=stature_cm)
    result_json = json.loads(files.json.read_text(encoding="utf-8"))
    return athlete, store.record_input(athlete.name, result_json, path)


def session_line(athlete: Athlete, session: Session, trend: Trend, where: Path) -> str:
    count = len(trend.sessions)
    stature = f", stature {athlete.stature_cm:g} cm" if athlete.stature_cm else ", stature not given"
    return (
        f"recorded: session {session.id} of {athlete.name}{stature}, dated {local_date(session.date)} "
        f"({session.date_source}); {count} {session.kind} session{'s' if count != 1 else ''} in {where}"
    )


# ---------------------------------------------------------------------- formcheck history / athlete


def run_history(args: argparse.Namespace) -> int:
    from .store import open_store

    with open_store() as store:
        if not args.name:
            print(athletes_text(store) if not args.json else json.dumps(athletes_json(store), indent=2))
            return EXIT_OK
        athlete = store.require_athlete(args.name)
        sessions = store.sessions(athlete.name, args.kind, with_result=False)
        trends = {kind: store.trend(athlete.name, kind) for kind in dict.fromkeys(s.kind for s in sessions)}
    if args.json:
        print(json.dumps(history_json(athlete, sessions, trends), indent=2, ensure_ascii=False))
    else:
        print(history_text(athlete, sessions, trends, args.kind))
    return EXIT_OK


def run_athlete(args: argparse.Namespace) -> int:
    from .store import open_store

    with open_store() as store:
        athlete = store.upsert_athlete(args.name, stature_cm=args.height_cm, notes=args.notes)
        count = len(store.sessions(athlete.name, with_result=False))
    print(athlete_line(athlete, count))
    return EXIT_OK


def athletes_json(store: Store) -> dict[str, Any]:
    return {
        "store": str(store.path),
        "athletes": [
            a.to_json() | {"sessions": len(store.sessions(a.name, with_result=False))} for a in store.athletes()
        ],
    }


def athletes_text(store: Store) -> str:
    athletes = store.athletes()
    if not athletes:
        return f"no athletes yet in {store.path}: analyse with --athlete NAME to start a history"
    lines = [f"{len(athletes)} athlete{'s' if len(athletes) != 1 else ''} in {store.path}:"]
    for a in athletes:
        lines.append("  " + athlete_line(a, len(store.sessions(a.name, with_result=False))))
    return "\n".join(lines)


def athlete_line(athlete: Athlete, sessions: int) -> str:
    stature = f"stature {athlete.stature_cm:g} cm" if athlete.stature_cm else "stature not given"
    notes = f"; {athlete.notes}" if athlete.notes else ""
    return f"{athlete.name}: {stature}, {sessions} session{'s' if sessions != 1 else ''}{notes}"


def history_json(athlete: Athlete, sessions: list[Session], trends: dict[str, Trend]) -> dict[str, Any]:
    """{"athlete": {...}, "sessions": [{"date", "kind", "metrics": {name: figure + since_first,
    since_previous}, ...}], "trends": {kind: trend}}, sessions oldest first."""
    out = []
    for s in sessions:
        changes = trends[s.kind].changes(s.id)
        entry = s.to_json()
        entry["metrics"] = {
            name: figure
            | {
                "since_first": changes[name].since_first if name in changes else None,
                "since_previous": changes[name].since_previous if name in changes else None,
            }
            for name, figure in s.headline.items()
        }
        out.append(entry)
    return {"athlete": athlete.to_json(), "sessions": out, "trends": {k: t.to_json() for k, t in trends.items()}}


def history_text(athlete: Athlete, sessions: list[Session], trends: dict[str, Trend], kind: str | None) -> str:
    from .kinds import kind_spec

    stature = f"stature {athlete.stature_cm:g} cm" if athlete.stature_cm else "stature not given"
    lines = [f"{athlete.name} ({stature})"]
    if not sessions:
        what = f"{kind} sessions" if kind else "sessions"
        lines.append(f"  no {what} yet")
        return "\n".join(lines)
    for k, trend in trends.items():
        try:
            label = kind_spec(k).label
        except KeyError:
            label = k
        n = len(trend.sessions)
        lines.append(f"\n{label} ({k}): {n} session{'s' if n != 1 else ''}, oldest first")
        if trend.compare_by:
            lines.append(f"  (changes are against sessions of the same {' and '.join(trend.compare_by)})")
        for s in trend.sessions:
            group = f"; {trend.groups[s.id]}" if trend.compare_by else ""
            lines.append(f"  {local_date(s.date)}  {s.source_name}  (session {s.id}{group})")
            changes = trend.changes(s.id)
            width = max(len(str(f.get("label") or n)) for n, f in s.headline.items()) if s.headline else 0
            for name, figure in s.headline.items():
                lines.append("      " + figure_text(name, figure, changes.get(name), width))
    return "\n".join(lines)


def figure_text(name: str, figure: dict[str, Any], point: Any, width: int = 30) -> str:
    """`label  value unit (spread)  range  changes` for one headline figure (units and ranges worded
    by `formcheck.verdict`, as in the app and the report)."""
    from .reference import ReferenceRange
    from .verdict import has_range, range_words, with_unit

    value = figure.get("value")
    unit = str(figure.get("unit") or "")
    if value is None:
        shown = "not measured"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = with_unit(number(value), unit)
        if figure.get("spread") is not None:
            short = SPREAD_SHORT.get(str(figure.get("spread_kind")), "spread")
            shown += f" ({short} {with_unit(number(figure['spread']), unit)})"
    else:
        shown = str(value)
    ref = ReferenceRange(name, str(figure.get("label") or name), unit, figure.get("low"), figure.get("high"), "", "")
    typical = f"typical {range_words(ref)}" if has_range(ref) else ""
    changes = ""
    if point is not None and point.since_first is not None:
        changes = f"{signed(point.since_first)} since the first, {signed(point.since_previous)} since the previous"
    label = str(figure.get("label") or name)
    return f"{label:<{width}}  {shown:<24} {typical:<26} {changes}".rstrip()


def number(value: float) -> str:
    return f"{round(float(value), 2):g}"


def signed(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "±0" if value == 0 else f"{value:+.2f}".rstrip("0").rstrip(".")


def local_date(when: datetime) -> str:
    """A date in this machine's time zone, to the minute."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M")
