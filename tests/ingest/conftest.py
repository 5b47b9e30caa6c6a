"""Helpers for the ingest tests: drop files into landing and ingest them with test contracts."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from lake.config import LakePaths
from lake.ingest.contract import Csv, Dataset, Layout
from lake.ingest.engine import Ingestor, IngestSummary, LandingFile

WIDGETS = Dataset(
    source="shop",
    name="widgets",
    description="test contract: widgets",
    pattern="widgets*.csv*",
    format=Csv(),
    layouts=(Layout("v1", required=("id", "name", "price"), optional=("colour", "made_on")),),
    types={"id": "bigint", "price": "decimal(10,2)", "made_on": "date:%Y-%m-%d"},
    primary_key=("id",),
)


@dataclass
class Lake:
    """A lake root in tmp_path with a tiny landing zone that the tests write directly."""

    paths: LakePaths
    datasets: list[Dataset] = field(default_factory=lambda: [WIDGETS])
    files: list[LandingFile] = field(default_factory=list)
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def land(
        self, name: str, content: bytes | str, source: str = "shop", **metadata: Any
    ) -> LandingFile:
        data = content.encode() if isinstance(content, str) else content
        stamp = f"2026-11-23-{next(self._counter):04d}"
        path = self.paths.landing / source / stamp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        landing_file = LandingFile(
            path=path,
            rel_path=path.relative_to(self.paths.root).as_posix(),
            source=source,
            name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            landed_at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
            metadata={"source": source, **metadata},
        )
        self.files.append(landing_file)
        return landing_file

    def ingest(
        self, datasets: Sequence[Dataset] | None = None, retry: set[str] | None = None
    ) -> IngestSummary:
        ingestor = Ingestor(self.paths, datasets or self.datasets, memory_limit="1GB")
        return ingestor.run(self.files, retry=retry)

    def raw(self, dataset: str = "widgets", source: str = "shop") -> list[dict[str, Any]]:
        glob = self.paths.raw / f"_source={source}/_dataset={dataset}/*/*.parquet"
        if not list(self.paths.raw.glob(f"_source={source}/_dataset={dataset}/*/*.parquet")):
            return []
        relation = duckdb.sql(
            f"select * from read_parquet('{glob}', hive_partitioning = true, "
            "union_by_name = true) order by _source_file, _row_number"
        )
        return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]

    def rejects(self) -> list[dict[str, Any]]:
        root = self.paths.quarantine / "_rows"
        if not list(root.glob("_source=*/_dataset=*/*/*.parquet")):
            return []
        relation = duckdb.sql(
            f"select * from read_parquet('{root}/_source=*/_dataset=*/*/*.parquet', "
            "hive_partitioning = true) order by line, _row_number"
        )
        return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]

    def parquet_files(self) -> list[Path]:
        """The raw zone's data files (not the zero-row `_schema.parquet` of each dataset)."""
        return sorted(p for p in self.paths.raw.rglob("*.parquet") if not p.name.startswith("_"))


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake(LakePaths(tmp_path / "lake").ensure())
