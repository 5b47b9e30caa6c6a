"""Land real (or documented-layout) files into a throwaway lake, ingest them, `dbt build` the
staging models of one source, then query the build database: the staging tests' harness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
from dbt.cli.main import dbtRunnerResult
from typer.testing import CliRunner

from tests.dbt.harness import PROJECT_DIR, build_database, run_dbt

FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "platforms"
CONTRACT_SAMPLES = PROJECT_DIR / "tests" / "contracts" / "data"


@dataclass(frozen=True)
class StagingBuild:
    result: dbtRunnerResult
    lake_root: Path

    def query(self, sql: str) -> list[tuple]:
        con = duckdb.connect(str(build_database(self.lake_root)), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def one(self, sql: str) -> tuple:
        [row] = self.query(sql)
        return row

    def problems(self) -> list[str]:
        """Every node that did not end in success/pass, as 'status name: message'."""
        assert self.result.result is not None, self.result.exception
        return [
            f"{r.status} {r.node.name}: {r.message}"
            for r in self.result.result.results
            if str(r.status) not in {"success", "pass"}
        ]

    def node_names(self) -> set[str]:
        assert self.result.result is not None, self.result.exception
        return {r.node.name for r in self.result.result.results}


def land(lake_root: Path, files: Sequence[Path], *, source: str, account: str) -> None:
    """`lake land FILE... --source S --account A` (one call: one landing batch)."""
    from lake.cli import app

    args = ["land", *map(str, files), "--source", source, "--account", account]
    outcome = CliRunner().invoke(app, [*args, "--root", str(lake_root)])
    assert outcome.exit_code == 0, outcome.output


def ingest(lake_root: Path) -> None:
    from lake.cli import app

    outcome = CliRunner().invoke(app, ["ingest", "--root", str(lake_root)])
    assert outcome.exit_code == 0, outcome.output
    assert "0 quarantined" in outcome.output, outcome.output


def build_sources(
    lake_root: Path, work_dir: Path, *sources: str, without: tuple[str, ...] = ()
) -> StagingBuild:
    """`dbt build` the given sources (`meta_ads`, or `distrokid.streams_daily` for one
    table), the staging models downstream of them and all their tests (not the marts).
    `without`: sources whose models and tests stay out, e.g. LLM calls, whose relationship
    test to the shop's orders is downstream of the shop database but needs its own model."""
    selectors = [f"source:{source}+" for source in sources]
    # the curated marts downstream need other sources and seeds: staging only
    # (`+`: and every test downstream of them, e.g. a singular test tying a mart to raw)
    layers = [
        "--exclude",
        "path:models/intermediate+",
        "path:models/marts+",
        *(f"source:{source}+" for source in without),
    ]
    result = run_dbt(
        ["build", "--select", *selectors, *layers], lake_root=lake_root, work_dir=work_dir
    )
    return StagingBuild(result, lake_root)
