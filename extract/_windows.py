"""Incremental windows: each source remembers what it last fetched, per account.

State lives in `$LAKE_ROOT/_state/extract/<source>.json`:

```json
{"format": "lake.extract.state/1", "source": "mailchimp",
 "accounts": {"label": {"last_fetched": "2026-11-22", "cursor": {"send_time": "..."},
                        "run_id": "...", "updated_at": "..."}}}
```

The next window runs from `last_fetched - overlap_days` (late corrections are fetched again)
to yesterday; `--since DATE` overrides the start; a first run starts `first_run_days` ago.
State is committed only after an account's run succeeded, with an atomic write under a lock,
so a failed or killed run asks for the same window again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from extract._config import ConfigError
from lake.config import LakePaths
from lake.fsutil import atomic_write_json, file_lock

STATE_FORMAT = "lake.extract.state/1"


@dataclass(frozen=True)
class Window:
    """The days to ask the source for, both ends included."""

    start: date
    end: date
    reason: str  # "first_run", "incremental" or "since"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "reason": self.reason}


def today_utc() -> date:
    return datetime.now(UTC).date()


class WindowStore:
    """Reads and commits the incremental state of one source."""

    def __init__(self, paths: LakePaths, source: str) -> None:
        self.source = source
        self.path: Path = paths.state / "extract" / f"{source}.json"
        self._lock = paths.state / "locks" / f"extract-{source}.lock"

    def _read_all(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"format": STATE_FORMAT, "source": self.source, "accounts": {}}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"the extract state {self.path} is unreadable ({exc})",
                f"delete it to start {self.source} afresh (the next run fetches its first-run "
                "window), or pass --since",
            ) from exc
        if data.get("format") != STATE_FORMAT:
            raise ConfigError(
                f"{self.path} is not an extract state file", "move it away and run again"
            )
        return data

    def read(self, account: str) -> dict[str, Any]:
        """What was saved for `account` ({} before its first successful run)."""
        return dict(self._read_all()["accounts"].get(account, {}))

    def window(
        self,
        account: str,
        *,
        overlap_days: int,
        first_run_days: int,
        since: date | None = None,
        today: date | None = None,
    ) -> Window:
        end = (today or today_utc()) - timedelta(days=1)
        if since is not None:
            if since > end:
                raise ConfigError(
                    f"--since {since} is after yesterday ({end})",
                    "give a date in the past (YYYY-MM-DD)",
                )
            return Window(since, end, "since")
        last = self.read(account).get("last_fetched")
        if last is None:
            return Window(end - timedelta(days=max(first_run_days - 1, 0)), end, "first_run")
        start = min(date.fromisoformat(last) - timedelta(days=overlap_days), end)
        return Window(start, end, "incremental")

    def commit(
        self,
        account: str,
        *,
        last_fetched: date,
        cursor: dict[str, Any] | None = None,
        run_id: str | None = None,
    ) -> None:
        """Record a successful fetch up to `last_fetched` (atomic; concurrent-safe)."""
        with file_lock(self._lock):
            data = self._read_all()
            data["accounts"][account] = {
                "last_fetched": last_fetched.isoformat(),
                "cursor": cursor or {},
                "run_id": run_id,
                "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            atomic_write_json(self.path, data)
