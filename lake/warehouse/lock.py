"""One build, publish, rollback or `lake run` at a time per lake root.

An flock on `_state/locks/run.lock`: the kernel drops it when the holder exits or is killed,
so a crashed run never leaves the lake locked. The file also records who holds it (pid, start
time, command) so the second caller can say whom it waits for.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from lake.errors import LockedError

POLL_SECONDS = 0.5


class RunLockedError(LockedError):
    """Another build, publish or run holds the lake's run lock."""

    def __init__(self, owner: dict[str, Any], waited: float) -> None:
        self.owner = owner
        who = (
            f"pid {owner.get('pid', '?')} on {owner.get('host', '?')}, "
            f"started {owner.get('started_at', '?')}: {owner.get('command', '?')}"
        )
        waited_text = f" (waited {waited:.0f} s)" if waited else ""
        super().__init__(
            f"another lake run holds the lock{waited_text} ({who})",
            "let it finish, or pass --wait SECONDS to queue behind it; nothing was changed",
        )


def read_owner(lock_path: Path) -> dict[str, Any]:
    """Who holds (or last held) the lock; {} when the file is missing or unreadable."""
    try:
        return dict(json.loads(lock_path.read_text(encoding="utf-8") or "{}"))
    except (OSError, ValueError):
        return {}


def is_locked(lock_path: Path) -> bool:
    """True while some process holds the lock (a non-blocking probe)."""
    if not lock_path.exists():
        return False
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return False


@contextlib.contextmanager
def run_lock(lock_path: Path, *, command: str, wait: float = 0.0) -> Iterator[dict[str, Any]]:
    """Hold the run lock for the block. Waits up to `wait` seconds, then RunLockedError."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as handle:
        waited = _acquire(handle, lock_path, wait)
        owner = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": command,
            "waited_s": round(waited, 1),
        }
        _write_owner(handle, owner)
        try:
            yield owner
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _acquire(handle: IO[str], lock_path: Path, wait: float) -> float:
    start = time.monotonic()
    announced = False
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return time.monotonic() - start
        except BlockingIOError:
            waited = time.monotonic() - start
            if waited >= wait:
                raise RunLockedError(read_owner(lock_path), waited) from None
            if not announced:
                owner = read_owner(lock_path)
                print(
                    f"waiting for the run lock (held by pid {owner.get('pid', '?')} since "
                    f"{owner.get('started_at', '?')}), up to {wait:.0f} s",
                    file=sys.stderr,
                )
                announced = True
            time.sleep(POLL_SECONDS)


def _write_owner(handle: IO[str], owner: dict[str, Any]) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps(owner) + "\n")
    handle.flush()
