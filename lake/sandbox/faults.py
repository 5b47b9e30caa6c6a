"""Misbehaviour on request: the ways real platforms fail, per platform, for tests and demos.

Set a fault with `POST /_admin/faults` (JSON `{"platform": "mailchimp", "kind": "rate_limit",
"times": 2, "retry_after": 3}`; `platform` may be `*` for all) or for one request with a query
parameter (`?_fault=rate_limit&_retry_after=3`); `DELETE /_admin/faults` clears them all.
`times` is how many requests of the platform a fault applies to (default 1; `down` and
`layout_change` default to "until cleared", `times: null`).

- `slow`: the response is delayed `delay` seconds (default 2);
- `rate_limit`: 429 with `Retry-After: <retry_after>` (default 1 second);
- `server_error`: 500;
- `down`: 503 with `Retry-After` (default 30) for every request while set;
- `expire_session`: every session and minted token of the platform ends now, and its
  configured API token is refused until faults are cleared (a revoked key);
- `require_2fa`: the next login asks for the second-factor code;
- `layout_change`: pages render their changed layout (renamed buttons and ids);
- `stall_download`: a download sends `after_bytes` (default half the file), hangs `stall`
  seconds (default 30), then drops the connection short of its Content-Length.

The first five act before the platform's view runs (`before_request` in `app.py`); the last
three are read by the code they concern: the login view, `PlatformContext.layout_changed()`,
`PlatformContext.send_download()`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lake.errors import ValidationError
from lake.sandbox.entities import PLATFORMS

KINDS: tuple[str, ...] = (
    "slow",
    "rate_limit",
    "server_error",
    "down",
    "expire_session",
    "require_2fa",
    "layout_change",
    "stall_download",
)
PERSISTENT: frozenset[str] = frozenset({"down", "layout_change"})  # default times: until cleared
PARAMETERS: dict[str, dict[str, float]] = {
    "slow": {"delay": 2.0},
    "rate_limit": {"retry_after": 1.0},
    "down": {"retry_after": 30.0},
    "stall_download": {"after_bytes": -1.0, "stall": 30.0},  # -1: half the body
}
QUERY_PARAMETER = "_fault"


@dataclass
class Fault:
    platform: str  # a platform name or "*"
    kind: str
    times: int | None  # requests left; None = until cleared
    params: dict[str, float] = field(default_factory=dict)

    def param(self, name: str) -> float:
        return self.params.get(name, PARAMETERS.get(self.kind, {}).get(name, 0.0))

    def as_json(self) -> dict[str, Any]:
        return {"platform": self.platform, "kind": self.kind, "times": self.times, **self.params}


def make_fault(spec: Mapping[str, Any]) -> Fault:
    """A fault from the admin endpoint's JSON; raises ValidationError naming what is wrong."""
    platform = str(spec.get("platform", ""))
    kind = str(spec.get("kind", ""))
    if platform != "*" and platform not in PLATFORMS:
        raise ValidationError(
            f"unknown platform {platform!r}", f"use one of {', '.join(PLATFORMS)} or '*'"
        )
    if kind not in KINDS:
        raise ValidationError(f"unknown fault kind {kind!r}", f"use one of {', '.join(KINDS)}")
    times = spec.get("times", None if kind in PERSISTENT else 1)
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise ValidationError(f"times must be a positive integer or null, got {times!r}")
    params = {}
    for name in PARAMETERS.get(kind, {}):
        if name in spec:
            params[name] = _number(name, spec[name])
    return Fault(platform, kind, times, params)


def query_fault(platform: str, args: Mapping[str, str]) -> Fault | None:
    """The one-request fault of `?_fault=<kind>&_<param>=<value>`, or None."""
    kind = args.get(QUERY_PARAMETER)
    if not kind:
        return None
    spec: dict[str, Any] = {"platform": platform, "kind": kind, "times": 1}
    spec.update({name: args[f"_{name}"] for name in PARAMETERS.get(kind, {}) if f"_{name}" in args})
    return make_fault(spec)


def _number(name: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"fault parameter {name} must be a number, got {value!r}") from exc


class FaultBoard:
    """The faults set through the admin endpoint (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def active(self) -> list[dict[str, Any]]:
        with self._lock:
            return [f.as_json() for f in self._faults]

    def take(self, platform: str, kind: str) -> Fault | None:
        """The first fault of `kind` for `platform`, using up one of its `times`."""
        with self._lock:
            for fault in self._matching(platform, kind):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    def _matching(self, platform: str, kind: str) -> Iterator[Fault]:
        return iter([f for f in self._faults if f.kind == kind and f.platform in (platform, "*")])
