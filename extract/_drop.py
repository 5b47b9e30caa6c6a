"""File drops: land the files an application writes into a folder, each once it is complete.

A drop source (`kind="drop"`) is configured by one folder, `LAKE_<SRC>_DIR`, into which the
application writes daily files (`llm_calls_2026-12-05.jsonl`, `access-2026-12-05.log`...). A
source module declares which names it takes (`DropKind`: a glob, the dataset, the data type)
and calls `land_drops(ctx, kinds)`.

**When a file is complete.** The writer appends to the current day's file all day long, so a
file is landed only when all of these hold:

1. the day in its name (`YYYY-MM-DD` or `YYYYMMDD`) is before the run's today (UTC,
   `LAKE_EXTRACT_TODAY`): the writer has moved on to the next day's file. A name without a day
   is judged by 2 and 3 alone;
2. it has not been modified for `LAKE_<SRC>_SETTLE_SECONDS` (default 60): a late flush of
   the previous day is waited for;
3. a text file ends with a line break: a last line cut mid-write is never landed.

A file still being written is therefore never landed half-way; it is left for a later run
(and listed in the log as `drop_waiting` with the reason).

**Exactly once.** A file is skipped when the landing store already holds a version of this
source with the same name and SHA-256, so a re-run (or a run after a crash) lands nothing new.
The store itself is the record: no separate state can drift from it (a file whose name, size
and modification time match a landed version is not even read again). Should an application
rewrite a day's file after it was landed (an appended late line), the new bytes land as a
new version of the same name (`supersedes` in its metadata names the earlier SHA-256);
staging keeps each name's newest version and deduplicates records by their id.

Bytes are landed unchanged through the landing store (`ctx.land`), with `drop_dir`,
`drop_day`, `drop_mtime` and `dataset` in the metadata. Nothing here parses the files; a
source may derive extra landing entries from a file before it lands (`derive`), e.g. the LLM
calls' prompts and responses as searchable text entries.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from extract._base import ExtractContext
from extract._errors import ConfigError

DEFAULT_SETTLE_SECONDS = 60.0
_DAY = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
_COMPRESSED = (".gz", ".zip", ".bz2", ".xz", ".zst")


@dataclass(frozen=True)
class DropKind:
    """One kind of file the application drops: which names, as which dataset and type."""

    pattern: str
    dataset: str
    data_type: str

    def claims(self, name: str) -> bool:
        return fnmatch.fnmatchcase(name, self.pattern)


@dataclass(frozen=True)
class DropFile:
    """A file found in the drop folder, read once: its bytes and what decides completeness."""

    path: Path
    kind: DropKind
    day: date | None
    mtime: float
    content: bytes

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def waiting_reason(self, today: date, now: float, settle_seconds: float) -> str | None:
        """Why the file is not complete yet (None: it is)."""
        if self.day is not None and self.day >= today:
            return f"the file of {self.day} may still grow (today is {today})"
        if now - self.mtime < settle_seconds:
            return f"modified {now - self.mtime:.0f} s ago (settle time {settle_seconds:.0f} s)"
        compressed = self.name.lower().endswith(_COMPRESSED)
        if self.content and not compressed and not self.content.endswith(b"\n"):
            return "its last line is not finished (no line break at the end)"
        return None


Landed = dict[str, set[str]]
"""Per landed name, the SHA-256 of every version this source has in the landing store."""

Derive = Callable[[ExtractContext, DropFile, Landed], Awaitable[None]]
"""Called for each complete, not yet landed file before it lands (e.g. to land its texts),
with what the source has landed already (to skip derived entries landed by a crashed run)."""


def day_in_name(name: str) -> date | None:
    """The day a file name carries (`..._2026-12-05.jsonl`, `access-20261205.log`), if any."""
    for match in _DAY.finditer(name):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


def drop_folder(ctx: ExtractContext) -> Path:
    """`LAKE_<SRC>_DIR`, which must be an existing folder."""
    value = ctx.setting("DIR")
    if not value:
        raise ConfigError(
            f"{ctx.source}: no drop folder configured",
            f"set LAKE_{ctx.source.upper()}_DIR to the folder the application writes into",
        )
    folder = Path(value).expanduser()
    if not folder.is_dir():
        raise ConfigError(
            f"{ctx.source}: the drop folder {folder} does not exist or is not a folder",
            f"create it, or point LAKE_{ctx.source.upper()}_DIR at the application's folder",
        )
    return folder


def settle_seconds(ctx: ExtractContext) -> float:
    value = ctx.setting("SETTLE_SECONDS")
    if value is None or value == "":
        return DEFAULT_SETTLE_SECONDS
    try:
        return max(0.0, float(value))
    except ValueError as exc:
        raise ConfigError(
            f"LAKE_{ctx.source.upper()}_SETTLE_SECONDS={value!r} is not a number of seconds",
            "set it to e.g. 60, or unset it",
        ) from exc


def _mtime_text(mtime: float) -> str:
    return datetime.fromtimestamp(mtime, UTC).isoformat(timespec="seconds")


def scan(
    folder: Path, kinds: Sequence[DropKind], unchanged: set[tuple[str, int, str]] | None = None
) -> list[DropFile]:
    """The regular files at the top of `folder` that a kind claims, oldest name first
    (hidden files and the writer's temporary files, `.*` and `*.tmp`, are not claimed).
    A file whose (name, size, modification time) is in `unchanged` (as landed before) is
    not read again."""
    found: list[DropFile] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix == ".tmp" or not path.is_file():
            continue
        kind = next((k for k in kinds if k.claims(path.name)), None)
        if kind is None:
            continue
        stat = path.stat()
        if (path.name, stat.st_size, _mtime_text(stat.st_mtime)) in (unchanged or set()):
            continue
        content = path.read_bytes()
        found.append(DropFile(path, kind, day_in_name(path.name), stat.st_mtime, content))
    return found


def landed_versions(ctx: ExtractContext) -> tuple[Landed, set[tuple[str, int, str]]]:
    """Per landed name, the SHA-256 of every version this source has in the landing store;
    and the (name, size, modification time) of the drop files they were landed from."""
    seen: Landed = {}
    stamps: set[tuple[str, int, str]] = set()
    for entry in ctx.store.all_versions(include_deleted=True):
        if entry.source == ctx.source:
            seen.setdefault(entry.name, set()).add(entry.sha256)
            if entry.metadata.get("drop_mtime"):
                stamps.add((entry.name, entry.size, str(entry.metadata["drop_mtime"])))
    return seen, stamps


async def land_drops(
    ctx: ExtractContext, kinds: Sequence[DropKind], *, derive: Derive | None = None
) -> list[DropFile]:
    """Land every complete drop file not landed before; return the files landed this run."""
    folder = drop_folder(ctx)
    today = ctx.window.end.toordinal() + 1  # the window ends yesterday
    settle = settle_seconds(ctx)
    seen, unchanged = landed_versions(ctx)
    now = time.time()
    landed: list[DropFile] = []
    waiting = 0
    for drop in scan(folder, kinds, unchanged):
        earlier = seen.get(drop.name, set())
        if drop.sha256 in earlier:
            continue
        reason = drop.waiting_reason(date.fromordinal(today), now, settle)
        if reason is not None:
            waiting += 1
            ctx.log.info("drop_waiting", name=drop.name, reason=reason)
            continue
        if derive is not None:
            await derive(ctx, drop, seen)
        extra = {
            "drop_dir": str(folder),
            "drop_day": drop.day.isoformat() if drop.day else None,
            "drop_mtime": _mtime_text(drop.mtime),
        }
        if earlier:
            extra["supersedes"] = sorted(earlier)
        await ctx.land(
            drop.name,
            drop.content,
            drop.kind.data_type,
            url=drop.path.resolve().as_uri(),
            dataset=drop.kind.dataset,
            extra=extra,
        )
        landed.append(drop)
    if not landed:
        ctx.nothing_new(
            f"no new complete file in {folder}"
            + (f" ({waiting} still being written)" if waiting else "")
        )
    return landed
