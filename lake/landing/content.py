"""Turning whatever a caller gives into a finished temporary file, in bounded memory.

Content may be bytes, str (encoded as UTF-8), a binary file object, a path to copy from, an
iterable of bytes chunks or an async iterable of bytes chunks. It is streamed in 1 MiB pieces
into a temporary file under `<root>/_tmp/` while SHA-256 and size are computed; only the first
1 MiB is kept in memory (for the full-text index). The file is fsynced before it is handed on.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lake.errors import NotFoundError, ValidationError
from lake.landing.layout import BINARY_TYPES, TEXT_TYPES

CHUNK_SIZE = 1 << 20
HEAD_SIZE = 1 << 20

Content = (
    bytes | bytearray | memoryview | str | os.PathLike[str] | IO[bytes] | Iterable[bytes]
) | AsyncIterable[bytes]


@dataclass(frozen=True)
class Spool:
    """A finished (fsynced) temporary file and what was learnt while writing it."""

    path: Path
    sha256: str
    size: int
    head: bytes

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


READ_ONLY = 0o444


class SpoolWriter:
    """Writes chunks to a temporary file, hashing and counting as it goes."""

    def __init__(self, tmp_dir: Path) -> None:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="landing-", suffix=".part", dir=tmp_dir)
        self.path = Path(name)
        self._handle = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self._size = 0
        self._head = bytearray()

    def write(self, chunk: object) -> None:
        if not isinstance(chunk, bytes | bytearray | memoryview):
            self.abort()
            raise ValidationError(
                f"content chunk is {type(chunk).__name__}, not bytes",
                "yield bytes chunks (encode text with .encode('utf-8'))",
            )
        view = memoryview(chunk).cast("B")
        self._hash.update(view)
        self._handle.write(view)
        self._size += len(view)
        if len(self._head) < HEAD_SIZE:
            self._head += view[: HEAD_SIZE - len(self._head)]

    def finish(self) -> Spool:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        self.path.chmod(READ_ONLY)  # landing files are read-only once written
        return Spool(self.path, self._hash.hexdigest(), self._size, bytes(self._head))

    def abort(self) -> None:
        self._handle.close()
        self.path.unlink(missing_ok=True)


def _chunks_of_bytes(data: bytes | bytearray | memoryview) -> Iterable[memoryview]:
    view = memoryview(data).cast("B")
    for start in range(0, len(view), CHUNK_SIZE):
        yield view[start : start + CHUNK_SIZE]


def _chunks_of_file(handle: IO[Any]) -> Iterable[bytes]:
    while True:
        chunk = handle.read(CHUNK_SIZE)
        if isinstance(chunk, str):
            raise ValidationError(
                "the file object returns text, not bytes", "open the file in binary mode ('rb')"
            )
        if not chunk:
            return
        yield chunk


def _chunks_of_path(path: Path) -> Iterable[bytes]:
    if not path.is_file():
        raise NotFoundError(
            f"cannot copy from {path}: not an existing file", "check the path to copy from"
        )
    with path.open("rb") as handle:
        yield from _chunks_of_file(handle)


def chunks_of(content: object) -> Iterable[Any]:
    """Chunks of synchronous content (everything but async iterables)."""
    if isinstance(content, str):
        return _chunks_of_bytes(content.encode("utf-8"))
    if isinstance(content, bytes | bytearray | memoryview):
        return _chunks_of_bytes(content)
    if isinstance(content, os.PathLike):
        return _chunks_of_path(Path(content))
    if hasattr(content, "read"):
        return _chunks_of_file(content)  # type: ignore[arg-type]
    if isinstance(content, Iterable):
        return content
    raise ValidationError(
        f"cannot store content of type {type(content).__name__}",
        "pass bytes, str, a binary file object, a pathlib.Path, or an (async) iterable of "
        "bytes chunks",
    )


def spool_sync(content: object, tmp_dir: Path) -> Spool:
    """Stream synchronous content into a temporary file (blocking)."""
    chunks = chunks_of(content)
    writer = SpoolWriter(tmp_dir)
    try:
        for chunk in chunks:
            writer.write(chunk)
        return writer.finish()
    except BaseException:
        writer.abort()
        raise


async def _spool_async_iterable(content: AsyncIterable[Any], tmp_dir: Path) -> Spool:
    writer = await asyncio.to_thread(SpoolWriter, tmp_dir)
    buffer = bytearray()
    try:
        async for chunk in content:
            if not isinstance(chunk, bytes | bytearray | memoryview):
                writer.write(chunk)  # raises the typed error
            buffer += chunk
            if len(buffer) >= CHUNK_SIZE:
                await asyncio.to_thread(writer.write, bytes(buffer))
                buffer.clear()
        if buffer:
            await asyncio.to_thread(writer.write, bytes(buffer))
        return await asyncio.to_thread(writer.finish)
    except BaseException:
        await asyncio.to_thread(writer.abort)
        raise


async def spool(content: Content, tmp_dir: Path) -> Spool:
    """Stream any accepted content into a temporary file; blocking IO runs in threads."""
    if isinstance(content, AsyncIterable):
        return await _spool_async_iterable(content, tmp_dir)
    return await asyncio.to_thread(spool_sync, content, tmp_dir)


def index_text(head: bytes, data_type: str) -> str:
    """The text the full-text index gets from the first bytes of a file ('' for binary)."""
    if data_type in BINARY_TYPES or not head:
        return ""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if data_type in TEXT_TYPES:
        return head.decode("utf-8", errors="replace")
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return head[: exc.start].decode("utf-8")
        return ""
