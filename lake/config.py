"""Where the lake lives. Everything is built from one root, never from the working directory.

`LAKE_ROOT` (environment or an untracked `.env` in the project directory) sets the root;
the default is `./datalake` next to the project. Per-source settings are read from the
environment by each extractor (`<SOURCE>_BASE_URL`, `<SOURCE>_USERNAME`, ...).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

PROJECT_DIR = Path(__file__).resolve().parent.parent


def load_env() -> None:
    """Load an untracked `.env` from the project directory; real environment variables win."""
    load_dotenv(PROJECT_DIR / ".env", override=False)


@dataclass(frozen=True)
class LakePaths:
    """The zones under one lake root (README.md, "Zones")."""

    root: Path

    @classmethod
    def from_env(cls, root: str | os.PathLike[str] | None = None) -> LakePaths:
        load_env()
        chosen = root or os.environ.get("LAKE_ROOT") or PROJECT_DIR / "datalake"
        return cls(Path(chosen).expanduser().resolve())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def curated(self) -> Path:
        """Parquet copies of the published version's curated marts, for tools that read files."""
        return self.root / "curated"

    @property
    def runs(self) -> Path:
        """The run ledger: one JSON document per `lake run` / `lake build`."""
        return self.root / "runs"

    @property
    def docs(self) -> Path:
        """The dbt docs site of the published version (one static HTML file)."""
        return self.root / "docs"

    @property
    def state(self) -> Path:
        """Bookkeeping that is not data: the landing index, the ingest ledger, locks."""
        return self.root / "_state"

    @property
    def ingest_lock(self) -> Path:
        """Held by `lake ingest` while it writes raw, and by `lake build` while it reads it."""
        return self.state / "ingest.lock"

    @property
    def tmp(self) -> Path:
        """Scratch space on the same filesystem, so a finished file can be renamed into place."""
        return self.root / "_tmp"

    def ensure(self) -> LakePaths:
        for path in (self.landing, self.raw, self.quarantine, self.warehouse, self.state, self.tmp):
            path.mkdir(parents=True, exist_ok=True)
        return self
