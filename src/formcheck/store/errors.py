"""The store's errors: the database cannot be opened or written (StoreError), or an athlete asked for
is not in it (UnknownAthlete, a usage error)."""

from __future__ import annotations

from ..errors import FormCheckError, UsageError


class StoreError(FormCheckError):
    """The athletes' store cannot be opened, read or written (corrupt, newer schema, locked too long)."""

    code = "store"


class UnknownAthlete(UsageError):
    """No athlete of that name in the store."""

    code = "unknown_athlete"
