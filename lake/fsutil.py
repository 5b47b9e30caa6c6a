"""Filesystem mechanics used by every zone: atomic writes, fsync, locks."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_writer(target: Path, tmp_dir: Path | None = None) -> Iterator[IO[bytes]]:
    """Write to a temporary file, fsync it, then rename it over `target`.

    A reader sees either nothing or the whole file, never half of it. The temporary file
    lives in `tmp_dir` (same filesystem) or beside the target with a dot prefix.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    directory = tmp_dir or target.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name[:40]}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(target)
        fsync_dir(target.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(target: Path, data: bytes) -> None:
    with atomic_writer(target) as handle:
        handle.write(data)


def atomic_write_json(target: Path, payload: Any) -> None:
    text = json.dumps(payload, indent=2, sort_keys=True, default=str, ensure_ascii=False)
    atomic_write_bytes(target, (text + "\n").encode("utf-8"))


def publish_file(tmp: Path, target: Path) -> None:
    """Move a finished, fsynced temporary file into place atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    tmp.replace(target)
    fsync_dir(target.parent)


@contextlib.contextmanager
def file_lock(path: Path, *, blocking: bool = True) -> Iterator[bool]:
    """An advisory lock (flock) released by the kernel even when the holder is killed.

    Yields True when the lock is held; with `blocking=False` yields False if another process
    holds it. The file records the holder's pid for messages.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
        try:
            fcntl.flock(handle.fileno(), flags)
        except BlockingIOError:
            yield False
            return
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
