"""What an ingest learns from a file's bytes on its own, independently of the readers: the
SHA-256 (is this still the file that was landed?) and its lines (how many records went in),
counted in the one pass that hashing needs anyway; and bounded unpacking of gzip and zip.

Why one pass here: the hash must be checked before reading (a landing file changed after it
was landed must not be ingested under its old hash), which reads every byte once. Counting
line terminators in the same chunks costs a `bytes.count` per chunk (memory speed), so the
row reconciliation ("rows in = rows in raw + rows rejected") adds no second pass over a large
file: the readers' own counts are checked against it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lake.errors import ContractError

CHUNK = 1 << 20
MAX_UNPACKED_ENV = "LAKE_INGEST_MAX_UNPACKED_BYTES"
MAX_RATIO_ENV = "LAKE_INGEST_MAX_UNPACK_RATIO"
DEFAULT_MAX_UNPACKED = 8 << 30  # 8 GiB per gzip or zip member
DEFAULT_MAX_RATIO = 200  # real exports compress 5-30x; a bomb of zeros about 1,000x
RATIO_FLOOR = 64 << 20  # below this size, any ratio is allowed (tiny files compress well)


@dataclass
class LineCount:
    """Line terminators seen so far: LF, CRLF and lone CR each end one line."""

    lf: int = 0
    crlf: int = 0
    cr: int = 0
    blank: int = 0
    size: int = 0
    _last: int = -1  # the previous chunk's last byte
    _after_end: bool = True  # the last byte seen ended a line (or nothing seen yet)

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.size += len(chunk)
        joined = self._last == 13 and chunk[0] == 10  # a CRLF split between two chunks
        self.lf += chunk.count(b"\n")
        self.cr += chunk.count(b"\r")
        self.crlf += chunk.count(b"\r\n") + (1 if joined else 0)
        self._count_blank(chunk[1:] if joined else chunk)
        self._last = chunk[-1]

    def _count_blank(self, chunk: bytes) -> None:
        """Empty lines: a terminator right after another one (or at the start)."""
        if not chunk:
            return
        if b"\r" in chunk:
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        self.blank += chunk.count(b"\n\n") + (1 if self._after_end and chunk[0] == 10 else 0)
        self._after_end = chunk[-1] == 10

    @property
    def lines(self) -> int:
        """Lines, counting a last line without a terminator."""
        ends = self.lf + self.cr - self.crlf
        trailing = self.size > 0 and self._last not in (10, 13)
        return ends + (1 if trailing else 0)

    @property
    def mixed(self) -> bool:
        """More than one kind of line ending (LF, CRLF, lone CR) in the file."""
        kinds = [self.crlf, self.lf - self.crlf, self.cr - self.crlf]
        return sum(1 for kind in kinds if kind) > 1


def hash_and_count(path: Path) -> tuple[str, LineCount]:
    """The SHA-256 of a file and its lines, in one pass."""
    digest = hashlib.sha256()
    count = LineCount()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            count.feed(chunk)
    return digest.hexdigest(), count


@dataclass(frozen=True)
class UnpackLimits:
    """How far unpacking a gzip or a zip member may go (set by environment variables)."""

    max_bytes: int = DEFAULT_MAX_UNPACKED
    max_ratio: float = DEFAULT_MAX_RATIO

    @classmethod
    def from_env(cls) -> UnpackLimits:
        return cls(
            max_bytes=_env_number(MAX_UNPACKED_ENV, DEFAULT_MAX_UNPACKED),
            max_ratio=_env_number(MAX_RATIO_ENV, DEFAULT_MAX_RATIO),
        )


def _env_number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return max(1, int(value))
    except ValueError as exc:
        raise ContractError(
            "bad_setting",
            f"{name}={value!r} is not a whole number",
            f"set {name} to a number (bytes or a ratio), or unset it for the default",
        ) from exc


def bounded_copy(
    src: IO[bytes],
    out: IO[bytes],
    name: str,
    compressed: int,
    limits: UnpackLimits,
) -> LineCount:
    """Copy decompressed bytes, stopping at the size or ratio limit; count the lines. The
    ratio is taken against the whole compressed size (a bound known before unpacking)."""
    count = LineCount()
    while chunk := src.read(CHUNK):
        count.feed(chunk)
        _check_limits(count.size, max(1, compressed), name, limits)
        out.write(chunk)
    return count


def _check_limits(unpacked: int, compressed: int, name: str, limits: UnpackLimits) -> None:
    ratio = unpacked / compressed
    if unpacked > limits.max_bytes or (unpacked > RATIO_FLOOR and ratio > limits.max_ratio):
        raise ContractError(
            "decompression_limit",
            f"{name} unpacks to more than {unpacked:,} bytes from {compressed:,} compressed "
            f"(ratio {ratio:,.0f}); the limits are {limits.max_bytes:,} bytes and a ratio of "
            f"{limits.max_ratio:,.0f}: unpacking stopped (a decompression bomb, or an export "
            "bigger than the limits)",
            f"if the export is genuine, raise {MAX_UNPACKED_ENV} or {MAX_RATIO_ENV} and run "
            "'lake quarantine retry'; otherwise delete the source of this file",
            {"unpacked_bytes": unpacked, "compressed_bytes": compressed},
        )
