"""Who is writing a temporary file: this process's tag (its pid and a random token drawn at start-up),
and whether the process a tag names still runs on this machine.

The token tells this process from an earlier one that had the same pid: in a container every run of
`formcheck` may be pid 1, so a pid alone would make a killed run's leftovers look like our own.
"""

from __future__ import annotations

import os
import re
import secrets

#: Random per process (an interpreter started afresh draws its own).
PROCESS_TOKEN = secrets.token_hex(3)
#: How a tag is written in a file name.
TAG_PATTERN = r"(?P<pid>\d+)\.(?P<token>[0-9a-f]{6})"
_TAG = re.compile(TAG_PATTERN)


def process_tag() -> str:
    """`<pid>.<token>` of this process, for temporary file names."""
    return f"{os.getpid()}.{PROCESS_TOKEN}"


def pid_alive(pid: int) -> bool:
    """True when a process with this pid runs on this machine (whoever's it is). A zombie (ended,
    not yet reaped: common in a container whose pid 1 does not reap orphans) has ended."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # another user's process (or an odd number: leave its files alone)
    return not is_zombie(pid)


def is_zombie(pid: int) -> bool:
    """True when /proc says the process has ended and waits for its reaper (Linux; elsewhere False)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)  # the name in parentheses may hold spaces
    except OSError:
        return False
    return len(fields) == 2 and fields[1].split()[:1] in (["Z"], ["X"])


def writer_alive(pid: int, token: str) -> bool:
    """True when the process that wrote a tag may still be running: this very process, or another
    process with that pid (a pid can be reused; then the file is kept, and removed by age elsewhere)."""
    if pid == os.getpid():
        return token == PROCESS_TOKEN
    return pid_alive(pid)
