"""Which commands may create a lake, and what the others say when there is none (issue 13,
item 4), and unknown sources refused before anything happens (issue 13, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lake.cli import app

PLATFORMS = Path(__file__).resolve().parents[1] / "fixtures" / "platforms"
runner = CliRunner()

READ_ONLY = [
    ["status", "--no-freshness"],
    ["status", "--json", "--no-freshness"],
    ["versions"],
    ["quarantine", "list"],
    ["quarantine", "show", "deadbeef00"],
    ["quarantine", "rows"],
    ["landing", "list"],
    ["landing", "search", "bank"],
    ["landing", "stats"],
    ["docs", "--no-generate"],
    ["publish"],
    ["rollback"],
    ["ingest"],  # nothing landed, nothing to ingest: it says where to start
]


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("command", READ_ONLY, ids=" ".join)
def test_a_command_that_reads_says_there_is_no_lake_and_creates_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    """Item 4: `lake status` (and every reading command) on a LAKE_ROOT that does not exist
    used to create a whole empty lake and exit 0."""
    root = tmp_path / "nolake"
    result = runner.invoke(app, [*command, "--root", str(root)])
    assert result.exit_code == 2, result.output
    assert f"no lake at {root}" in result.output
    assert "lake run" in result.output and "lake land" in result.output
    assert not root.exists()
    assert _tree(tmp_path) == []


@pytest.mark.parametrize(
    "command", [["status", "--no-freshness"], ["land", str(PLATFORMS / "tiktok"), "-s", "tiktok"]]
)
def test_a_lake_root_that_is_a_file_is_a_clear_error(tmp_path: Path, command: list[str]) -> None:
    """Item 4: a LAKE_ROOT that is a file gave a traceback."""
    afile = tmp_path / "afile"
    afile.write_text("not a lake")
    for root in (afile, afile / "below"):
        result = runner.invoke(app, [*command, "--root", str(root)])
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f"{afile} is a file" in result.output
    assert afile.read_text() == "not a lake"


def test_land_creates_a_new_lake_and_says_so_once(tmp_path: Path) -> None:
    """Item 4: a command that writes may create the lake, and says so (once)."""
    root = tmp_path / "new"
    args = ["land", str(PLATFORMS / "tiktok"), "--source", "tiktok", "--root", str(root)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.output.count(f"created a new lake at {root}") == 1
    again = runner.invoke(app, [*args, "--json"])
    assert "created a new lake" not in again.output
    status = runner.invoke(app, ["status", "--no-freshness", "--root", str(root)])
    assert status.exit_code == 0, status.output


@pytest.mark.parametrize(
    "command",
    [
        ["land", str(PLATFORMS / "spotify"), "--source", "spotfy"],
        ["run", "--source", "spotfy"],
        ["run", "--from", "ingest", "--source", "spotify", "--source", "spotfy"],
        ["extract", "spotfy"],
    ],
    ids=lambda c: " ".join(a for a in c if "/" not in a),
)
def test_an_unknown_source_is_refused_before_anything_happens(
    tmp_path: Path, command: list[str]
) -> None:
    """Item 3: `lake land --source` accepted any name and `lake run --source spotfy` went on
    to ingest and build an empty lake; now both refuse, listing the known sources, and
    nothing (not even the lake) is created."""
    root = tmp_path / "lake"
    result = runner.invoke(app, [*command, "--root", str(root)])
    assert result.exit_code == 2, result.output
    assert "unknown source" in result.output and "spotfy" in result.output
    assert "distrokid" in result.output and "youtube" in result.output
    assert not root.exists()
