"""Shared set-up of the music marts' tests: land files into a throwaway lake (the real
fixtures, or files rendered from the sandbox world without a server), ingest, build."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.dbt.harness import run_dbt
from tests.dbt.staging_support import FIXTURES, StagingBuild, ingest, land

FIXTURE_ACCOUNTS = {"spotify": "Blue Frog"}


def land_fixtures(lake_root: Path, sources: Sequence[str]) -> None:
    """`lake land tests/fixtures/platforms/<source>/` for each source, then ingest."""
    for source in sources:
        files = sorted((FIXTURES / source).iterdir())
        land(lake_root, files, source=source, account=FIXTURE_ACCOUNTS.get(source, "fixture"))
    ingest(lake_root)


# The staging models' own tests run in their own suites (tests/dbt/test_<source>_staging.py);
# here the staging views are only built, and the marts' tests run.
STAGING_TESTS = "path:models/staging,resource_type:test"
STAGING_UNIT_TESTS = "path:models/staging,resource_type:unit_test"


def build(
    lake_root: Path, work_dir: Path, selectors: Sequence[str], exclude: Sequence[str] = ()
) -> StagingBuild:
    """`dbt build` the selected nodes; tests only where every parent is selected."""
    args = [
        "build",
        "--select",
        *selectors,
        "--exclude",
        STAGING_TESTS,
        STAGING_UNIT_TESTS,
        *exclude,
        "--indirect-selection",
        "cautious",
    ]
    return StagingBuild(run_dbt(args, lake_root=lake_root, work_dir=work_dir), lake_root)
