"""The collector's settings: write keys from the environment, Segment's limits, the log."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lake.config import LakePaths
from lake.errors import ValidationError

WRITE_KEYS_ENV = "LAKE_EVENTS_WRITE_KEYS"

MAX_EVENT_BYTES = 32 * 1024
"""Segment's limit for one call (and for each event of a batch), after decompression."""
MAX_BATCH_BYTES = 500 * 1024
"""Segment's limit for one batch request, after decompression."""


def write_keys_from_env() -> frozenset[str]:
    """The accepted write keys (`LAKE_EVENTS_WRITE_KEYS`, comma-separated); none is an error:
    a collector that accepts anybody's events, or nobody's, is never what was meant."""
    raw = os.environ.get(WRITE_KEYS_ENV, "")
    keys = frozenset(k.strip() for k in raw.split(",") if k.strip())
    if not keys:
        raise ValidationError(
            f"{WRITE_KEYS_ENV} is not set: the collector accepts events only from clients "
            "that send one of its write keys",
            f"export {WRITE_KEYS_ENV}=<key>[,<key>...] (any secret strings; give each client "
            "one) and start `lake serve events` again",
        )
    return keys


@dataclass(frozen=True)
class CollectorConfig:
    """Everything the collector needs; the defaults are the production ones."""

    paths: LakePaths
    write_keys: frozenset[str]
    roll_bytes: int = 16 << 20
    """A log segment is landed once it holds this many bytes ..."""
    roll_seconds: float = 60.0
    """... or once it is this old (seconds), whichever comes first."""
    max_pending_bytes: int = 64 << 20
    """Bytes accepted but not yet fsynced; beyond this the collector answers 429."""
    min_free_bytes: int = 256 << 20
    """Free disk space under which the collector answers 429 instead of filling the disk."""
    dedup_seconds: float = 7 * 24 * 3600.0
    """How long a `messageId` is remembered after its segment was landed (retries of older
    messages are caught by staging, which deduplicates by `messageId` too)."""
    retry_after_seconds: int = 2
    max_event_bytes: int = MAX_EVENT_BYTES
    max_batch_bytes: int = MAX_BATCH_BYTES
    landing_source: str = "events"

    @property
    def state_dir(self) -> Path:
        """`_state/events/`: the write-ahead log (`wal/`), landed segments kept for
        deduplication (`landed/`) and the collector's lock."""
        return self.paths.state / "events"
