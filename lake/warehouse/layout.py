"""Where the warehouse keeps its files under one lake root.

warehouse/build.duckdb            private: dbt builds here (nobody else opens it)
warehouse/build.json              the last build's verdict (publish reads it)
warehouse/lake.duckdb             published, read-only: a hard link to the current version
warehouse/versions/<v>.duckdb     the last N published versions (read-only files)
warehouse/versions/<v>.json       each version's manifest (run, tests, rows per model)
archive/warehouse/<v>.duckdb.gz   versions that rolled off, compressed
curated/<domain>/<mart>/<mart>.parquet  the published version's marts as Parquet, per domain
curated/_published.json           which version those Parquet files come from
runs/<run id>.json                the run ledger
docs/index.html                   the dbt docs site of the published version
_state/dbt/                       dbt's target and log directories for lake builds
_state/locks/run.lock             one build / publish / run at a time
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lake.config import LakePaths

PUBLISHED_NAME = "lake.duckdb"
BUILD_NAME = "build.duckdb"


@dataclass(frozen=True)
class WarehouseLayout:
    paths: LakePaths

    @property
    def dir(self) -> Path:
        return self.paths.warehouse

    @property
    def build_db(self) -> Path:
        return self.dir / BUILD_NAME

    @property
    def build_verdict(self) -> Path:
        return self.dir / "build.json"

    @property
    def published(self) -> Path:
        return self.dir / PUBLISHED_NAME

    @property
    def versions(self) -> Path:
        return self.dir / "versions"

    def version_db(self, version: str) -> Path:
        return self.versions / f"{version}.duckdb"

    def version_manifest(self, version: str) -> Path:
        return self.versions / f"{version}.json"

    @property
    def archive(self) -> Path:
        return self.paths.archive / "warehouse"

    def archived_db(self, version: str) -> Path:
        return self.archive / f"{version}.duckdb.gz"

    @property
    def curated(self) -> Path:
        return self.paths.curated

    @property
    def curated_marker(self) -> Path:
        return self.curated / "_published.json"

    def mart_parquet(self, domain: str, name: str) -> Path:
        return self.curated / domain / name / f"{name}.parquet"

    @property
    def runs(self) -> Path:
        return self.paths.runs

    @property
    def docs_site(self) -> Path:
        return self.paths.docs / "index.html"

    @property
    def dbt_dir(self) -> Path:
        return self.paths.state / "dbt"

    @property
    def lock(self) -> Path:
        return self.paths.state / "locks" / "run.lock"

    def ensure(self) -> WarehouseLayout:
        for path in (self.dir, self.versions, self.runs, self.dbt_dir, self.paths.tmp):
            path.mkdir(parents=True, exist_ok=True)
        return self
