"""Long commands show progress on a terminal and stay quiet and machine-readable otherwise
(issue 13, item 7)."""

from __future__ import annotations

import json
import re

from lake.warehouse.build import run_build
from tests.warehouse.conftest import PROJECT, TinyLake

COUNTS = re.compile(r"(models|tests) (\d+)/(\d+) done \(last: \S+, \S+\)")


def _counts(lines: list[str], what: str) -> list[tuple[int, int]]:
    found = [COUNTS.fullmatch(line) for line in lines]
    return [(int(m[2]), int(m[3])) for m in found if m and m[1] == what]


def test_the_build_reports_models_and_tests_done_out_of_total(tiny: TinyLake) -> None:
    """Item 7: `lake build` showed nothing for two minutes; the build's progress callback now
    hears each model and test as dbt finishes it, counted out of the invocation's total."""
    lines: list[str] = []
    result = run_build(tiny.layout, "progress", project_dir=PROJECT, progress=lines.append)
    assert result.ok
    built, tested = result.model_counts()["built"], sum(result.test_counts().values())
    assert built >= 3 and tested >= 3
    assert _counts(lines, "models") == [(n, built) for n in range(1, built + 1)]
    assert _counts(lines, "tests") == [(n, tested) for n in range(1, tested + 1)]
    tests_start = lines.index("running data and unit tests")
    assert not _counts(lines[tests_start:], "models")
    assert not _counts(lines[:tests_start], "tests")


def test_build_and_run_with_json_print_one_document_and_no_progress(tiny: TinyLake) -> None:
    """Item 7: with --json (and stdout not a terminal) nothing but the JSON document is
    printed; `lake run` used to print a line per stage on stderr even with --json."""
    build = tiny.lake("build", "--json", check=True)
    assert json.loads(build.stdout)["ok"] is True
    assert build.stderr == ""
    # the secrets set, as in production (an unset one is generated once, with a warning)
    secrets = {"LAKE_MASK_SALT": "test-salt", "LAKE_ENCRYPTION_KEY": "test-key"}
    run = tiny.lake("run", "--from", "build", "--no-docs", "--json", check=True, **secrets)
    assert json.loads(run.stdout)["status"] == "ok"
    assert run.stderr == ""


def test_a_terminal_shows_the_build_as_it_goes(tiny: TinyLake) -> None:
    """Item 7: on a terminal (FORCE_COLOR makes rich treat the pipe as one) `lake build`
    shows the current stage and the models and tests done out of total."""
    build = tiny.lake("build", check=True, FORCE_COLOR="1", COLUMNS="200")
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", build.stderr)
    assert "parsing the dbt project" in shown
    assert COUNTS.search(shown) and "tests " in shown


def test_status_shows_a_status_line_on_a_terminal_and_nothing_else_with_json(
    tiny: TinyLake,
) -> None:
    """Item 7: `lake status` printed nothing while it checked source freshness."""
    shown = tiny.lake("status", check=True, FORCE_COLOR="1", COLUMNS="200").stderr
    assert "checking source freshness" in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    quiet = tiny.lake("status", "--json", check=True, FORCE_COLOR="1")
    assert json.loads(quiet.stdout)["lake_root"] == str(tiny.root)
    assert quiet.stderr == ""
