"""The sandbox's drop folders: the files the shop's LLM gateway and application write.

`ShopDrops(path).write(shop)` writes, for the last `DROP_DAYS` days before the shop's today:

- `llm_gateway/llm_calls_<YYYY-MM-DD>.jsonl`: the day's LLM calls (`llm_gateway.py`);
- `app_logs/access-<YYYY-MM-DD>.log` and `app_logs/error-<YYYY-MM-DD>.jsonl`: the day's
  access lines and error records (`app_logs.py`);

each with its modification time at the end of its day (the writer moved on at midnight), and
today's three files **still being written**: the calls and requests until 06:00, the LLM
file's last record cut half-way, modified now. `LAKE_LLM_CALLS_DIR` and `LAKE_APP_LOGS_DIR`
point the extractors at the two folders (`lake sandbox env` / `exec`). The folders live in
`$LAKE_SANDBOX_DROPS` when set, else in a temporary folder removed with the sandbox; the
sandbox rewrites them when its today moves (a completed day's file then appears whole).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from lake.fsutil import atomic_write_bytes
from lake.sandbox.shop import app_logs
from lake.sandbox.shop.llm_gateway import PARTIAL_UNTIL, CallBuilder, ShopTables, jsonl

DROP_DAYS = 14
DROPS_ENV = "LAKE_SANDBOX_DROPS"
LLM_FOLDER = "llm_gateway"
LOGS_FOLDER = "app_logs"


def _write(path: Path, data: bytes, modified: float) -> None:
    atomic_write_bytes(path, data)
    os.utime(path, (modified, modified))


class ShopDrops:
    """The sandbox's drop folders of the LLM gateway and the application's logs."""

    def __init__(self, path: Path | None = None) -> None:
        configured = os.environ.get(DROPS_ENV, "").strip()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if path is None and configured:
            path = Path(configured)
        if path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="lake-sandbox-drops-")
            path = Path(self._tmp.name)
        self.path = path.resolve()
        self._lock = threading.Lock()

    @property
    def llm_calls_dir(self) -> Path:
        return self.path / LLM_FOLDER

    @property
    def app_logs_dir(self) -> Path:
        return self.path / LOGS_FOLDER

    def env(self) -> dict[str, str]:
        """The variables that point the drop extractors at these folders."""
        return {
            "LAKE_LLM_CALLS_DIR": str(self.llm_calls_dir),
            "LAKE_APP_LOGS_DIR": str(self.app_logs_dir),
        }

    def write(self, shop: ShopTables, *, origin: date | None = None, days: int = DROP_DAYS) -> None:
        """Write the last `days` complete days (not before `origin`) and today's partial files."""
        with self._lock:
            self.llm_calls_dir.mkdir(parents=True, exist_ok=True)
            self.app_logs_dir.mkdir(parents=True, exist_ok=True)
            builder = CallBuilder(shop)
            now = clock.time()
            first = shop.today - timedelta(days=days)
            if origin is not None:
                first = max(first, origin)
            day = first
            while day < shop.today:
                end = datetime.combine(day + timedelta(days=1), time(0, 0, 30), UTC).timestamp()
                self._write_day(builder, day, min(end, now - 3600), partial=False)
                day += timedelta(days=1)
            self._write_day(builder, shop.today, now, partial=True)

    def _write_day(
        self, builder: CallBuilder, day: date, modified: float, *, partial: bool
    ) -> None:
        calls = builder.partial_day(day) if partial else builder.day(day)
        orders = [] if partial else builder.orders_by_day.get(day, [])
        until = PARTIAL_UNTIL if partial else None
        requests = app_logs.requests_of(builder.seed, day, calls, orders, until)
        stamp = day.isoformat()
        _write(
            self.llm_calls_dir / f"llm_calls_{stamp}.jsonl",
            jsonl(calls, cut_last=partial),
            modified,
        )
        _write(self.app_logs_dir / f"access-{stamp}.log", app_logs.access_log(requests), modified)
        errors = app_logs.error_log(app_logs.error_records(requests, calls))
        _write(self.app_logs_dir / f"error-{stamp}.jsonl", errors, modified)

    def close(self) -> None:
        """Remove a temporary folder."""
        with self._lock:
            if self._tmp is not None:
                self._tmp.cleanup()
