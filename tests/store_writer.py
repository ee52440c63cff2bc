"""A separate process writing to an athletes' store, for tests/test_store.py.

    python tests/store_writer.py STORE write NAME COUNT START      record COUNT sessions (shas START..)
    python tests/store_writer.py STORE hang NAME COUNT             record COUNT sessions, then start one
                                                                   more and stop inside its COMMIT

Each committed session is reported on stdout as `committed <sha-number>` (after `record` returned);
`hang` prints `inside commit` once the last write is in its transaction and then sleeps (the test
kills it there).
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone

from formcheck.store import open_store

#: A payload large enough that SQLite writes pages to the WAL before the commit (several MB).
BIG = "x" * 8_000_000


def result(n: int, big: bool = False) -> dict:
    data = {"kind": "plank", "metrics": {"hold_s": float(n), "variant": "forearm"}, "marker": n}
    if big:
        data["padding"] = BIG
    return data


def sha(n: int) -> str:
    return f"{n:064x}"


def main() -> None:
    path, mode, name, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    start = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    day0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with open_store(path) as store:
        for n in range(start, start + count):
            store.record(name, result(n), sha(n), day0 + timedelta(hours=n), f"clip{n}.mp4")
            print(f"committed {n}", flush=True)
        if mode == "hang":

            def trace(statement: str) -> None:
                if statement.strip().upper() == "COMMIT":
                    print("inside commit", flush=True)
                    time.sleep(600)

            store._db.set_trace_callback(trace)  # test only: stop between the writes and their commit
            n = start + count
            store.record(name, result(n, big=True), sha(n), day0 + timedelta(hours=n), f"clip{n}.mp4")


if __name__ == "__main__":
    main()
