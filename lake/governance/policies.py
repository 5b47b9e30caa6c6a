"""The retention policies file: `lake/governance/retention.toml` (or `LAKE_RETENTION_FILE`)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lake.errors import ValidationError

POLICIES_FILE = Path(__file__).with_name("retention.toml")
ACTIONS = ("archive", "remove")


@dataclass(frozen=True)
class Policy:
    name: str
    days: int
    action: str = "remove"


@dataclass(frozen=True)
class Hold:
    source: str | None = None
    dataset: str | None = None
    entry: str | None = None
    reason: str = ""

    def covers(self, source: str, dataset: str | None, entry: str | None) -> bool:
        return (
            (self.source is not None and self.source == source)
            or (self.dataset is not None and self.dataset == dataset)
            or (self.entry is not None and self.entry == entry)
        )


@dataclass(frozen=True)
class Policies:
    zones: dict[str, Policy]
    datasets: dict[str, Policy] = field(default_factory=dict)
    backups: dict[str, Policy] = field(default_factory=dict)
    holds: tuple[Hold, ...] = ()
    subjects: dict[str, str] = field(default_factory=dict)

    def held(self, source: str, dataset: str | None, entry: str | None) -> Hold | None:
        return next((h for h in self.holds if h.covers(source, dataset, entry)), None)


def _policy(name: str, spec: dict[str, Any]) -> Policy:
    action = str(spec.get("action", "remove"))
    if action not in ACTIONS or not isinstance(spec.get("days"), int):
        raise ValidationError(
            f"retention policy {name}: needs days = <integer> and action in {ACTIONS}",
            "fix the retention file",
        )
    return Policy(name=name, days=int(spec["days"]), action=action)


def load_policies(path: Path | None = None) -> Policies:
    source = path or Path(os.environ.get("LAKE_RETENTION_FILE") or POLICIES_FILE)
    try:
        doc = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValidationError(f"cannot read the retention file {source}: {error}") from error
    return Policies(
        zones={k: _policy(f"zones.{k}", v) for k, v in (doc.get("zones") or {}).items()},
        datasets={k: _policy(f"datasets.{k}", v) for k, v in (doc.get("datasets") or {}).items()},
        backups={k: _policy(f"backups.{k}", v) for k, v in (doc.get("backups") or {}).items()},
        holds=tuple(
            Hold(h.get("source"), h.get("dataset"), h.get("entry"), str(h.get("reason", "")))
            for h in doc.get("holds") or []
        ),
        subjects={str(k): str(v) for k, v in (doc.get("subjects") or {}).items()},
    )
