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

from lake.errors import NoLakeError, ValidationError

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
    def db_dumps(self) -> Path:
        """Logical dumps of application databases: `db_dumps/<daily|weekly|manual>/`."""
        return self.root / "db_dumps"

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

    @property
    def exists(self) -> bool:
        """True when the root is a folder (a lake, possibly empty); a file is an error."""
        self._refuse_file()
        return self.root.is_dir()

    def existing(self) -> LakePaths:
        """These paths, when the lake exists; NoLakeError (creating nothing) when it does not.

        For commands that only read: they never create a lake."""
        if not self.exists:
            raise NoLakeError(f"no lake at {self.root}")
        return self

    def ensure(self) -> LakePaths:
        """Create the zones' folders (and the lake, when there is none yet)."""
        self._refuse_file()
        try:
            for path in self._zones():
                path.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as error:
            raise self._not_a_folder(Path(error.filename or self.root)) from error
        return self

    def _zones(self) -> tuple[Path, ...]:
        return (self.landing, self.raw, self.quarantine, self.warehouse, self.state, self.tmp)

    def _refuse_file(self) -> None:
        for path in (self.root, *self.root.parents):
            if path.exists() and not path.is_dir():
                raise self._not_a_folder(path)

    def _not_a_folder(self, path: Path) -> ValidationError:
        return ValidationError(
            f"the lake root {self.root} is not a folder ({path} is a file)",
            "point LAKE_ROOT (or --root) at a folder: an existing lake, or a new path",
        )
