"""Advisory locks (flock) that order landing writers against each other and the rebuild.

- Every write (store, update, delete) holds the *landing* lock shared, so writers in many
  processes run side by side; an index rebuild holds it exclusively, so it never sees a data
  file whose record is still being written (and never adopts it by mistake).
- Within a source, the slot claim, record write and index insert hold the *source* lock
  exclusively: version numbers and collision checks are decided by one writer at a time.

flock locks belong to an open file description, so they also order threads of one process.
The kernel drops them when a holder dies.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def flocked(path: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold an flock on `path` (created if missing) for the duration of the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class LandingLocks:
    """The lock files of one lake root."""

    def __init__(self, state_dir: Path) -> None:
        self._dir = state_dir / "locks"

    def all_writes(self, *, exclusive: bool) -> contextlib.AbstractContextManager[None]:
        return flocked(self._dir / "landing.lock", exclusive=exclusive)

    @contextlib.contextmanager
    def source_write(self, source: str) -> Iterator[None]:
        """Shared landing lock, then the source's exclusive lock."""
        with (
            self.all_writes(exclusive=False),
            flocked(self._dir / f"landing-source-{source}.lock", exclusive=True),
        ):
            yield
