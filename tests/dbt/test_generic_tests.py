"""Each generic test in macros/tests/ passes on good rows and fails on bad rows.

The fixture models in tests/dbt/fixtures/test_fixtures/ (enabled only by the var
`lake_test_fixtures`) carry test instances whose `meta` says what must happen:
`expect: pass`, or `expect: fail` with `expect_failures: N` failing rows. One `dbt build` runs
them all; these tests compare every outcome with its expectation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from dbt.artifacts.schemas.results import TestStatus
from dbt.cli.main import dbtRunnerResult

from tests.dbt.harness import PROJECT_DIR, run_dbt

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

ENABLE_FIXTURES = ["--vars", "{lake_test_fixtures: true}"]


def generic_test_names() -> set[str]:
    names = set()
    for path in (PROJECT_DIR / "macros" / "tests").glob("*.sql"):
        names.update(re.findall(r"{%-?\s*test\s+(\w+)\s*\(", path.read_text()))
    return names


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory: pytest.TempPathFactory) -> dbtRunnerResult:
    work_dir = tmp_path_factory.mktemp("generic_tests")
    result = run_dbt(
        ["build", "--select", "tag:test_fixture", *ENABLE_FIXTURES],
        lake_root=work_dir / "lake",
        work_dir=work_dir,
    )
    assert result.exception is None, result.exception
    assert result.result is not None
    return result


def _tests(build: dbtRunnerResult) -> list:
    return [r for r in build.result.results if r.node.resource_type == "test"]


def test_fixture_models_build(fixture_build: dbtRunnerResult) -> None:
    models = [r for r in fixture_build.result.results if r.node.resource_type == "model"]
    assert len(models) == 8
    assert [(r.node.name, str(r.status)) for r in models if str(r.status) != "success"] == []


def test_every_fixture_test_ends_as_expected(fixture_build: dbtRunnerResult) -> None:
    tests = _tests(fixture_build)
    assert len(tests) >= 2 * len(generic_test_names())
    wrong = []
    for result in tests:
        meta = result.node.config.meta
        assert meta.get("expect") in {"pass", "fail"}, f"{result.node.name}: no meta.expect"
        if meta["expect"] == "pass":
            expected = (TestStatus.Pass, 0)
        else:
            expected = (TestStatus.Fail, meta["expect_failures"])
        actual = (result.status, result.failures)
        if actual != expected:
            wrong.append(f"{result.node.name}: expected {expected}, got {actual} {result.message}")
    assert wrong == []


def test_each_generic_test_is_proven_to_pass_and_to_fail(
    fixture_build: dbtRunnerResult,
) -> None:
    proven: dict[str, set[str]] = defaultdict(set)
    for result in _tests(fixture_build):
        proven[result.node.test_metadata.name].add(result.node.config.meta["expect"])
    assert generic_test_names() == {
        "accepted_range",
        "equal_rowcount",
        "expression_is_true",
        "not_empty",
        "recency",
        "relationships_where",
        "row_count_between",
        "unique_combination_of_columns",
        "values_agree_within",
    }
    unproven = {
        name: proven[name] for name in generic_test_names() if proven[name] != {"pass", "fail"}
    }
    assert unproven == {}


def test_fixtures_are_off_unless_the_var_is_set(tmp_path: Path) -> None:
    listed = run_dbt(
        ["ls", "--resource-type", "model", "--output", "name", "--quiet"],
        lake_root=tmp_path / "lake",
        work_dir=tmp_path,
    )
    assert listed.success, listed.exception
    assert "stg_distrokid__bank_details" in listed.result
    assert [name for name in listed.result if name.startswith("fixture_")] == []
