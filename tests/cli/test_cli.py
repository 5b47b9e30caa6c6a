"""The `lake` command as a person and an agent use it: land, ingest, quarantine, landing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from lake.cli import app

PLATFORMS = Path(__file__).resolve().parents[1] / "fixtures" / "platforms"
runner = CliRunner()


def _json(args: list[str], root: Path) -> dict:
    result = runner.invoke(app, [*args, "--root", str(root), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _all_commands() -> list[list[str]]:
    found: list[list[str]] = [[]]
    group = get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found.append([name])
        for sub in getattr(command, "commands", {}):
            found.append([name, sub])
    return found


@pytest.mark.parametrize("command", _all_commands(), ids=lambda c: " ".join(c) or "lake")
def test_every_subcommand_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_land_then_ingest_then_rerun(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    landed = _json(
        ["land", str(PLATFORMS / "tiktok"), "--source", "tiktok", "--account", "zone.a0"], root
    )
    (entry,) = landed["landed"]
    assert entry["path"].startswith("landing/tiktok/")
    assert entry["metadata"]["account"] == "zone.a0"
    assert (root / entry["path"]).read_bytes() == next(PLATFORMS.glob("tiktok/*.zip")).read_bytes()
    first = _json(["ingest"], root)
    assert (first["ingested"], first["quarantined"], first["rows_raw"]) == (1, 0, 365)
    second = _json(["ingest"], root)
    assert (second["ingested"], second["already_done"], second["rows_raw"]) == (0, 1, 0)


def test_quarantine_list_show_retry(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    bad = tmp_path / "dk_bank_details_broken.tsv"
    bad.write_bytes(b"Store\tArtist\rSpotify\tBlue Frog\r")
    _json(["land", str(bad), "--source", "distrokid"], root)
    summary = _json(["ingest"], root)
    assert summary["quarantined"] == 1
    (item,) = _json(["quarantine", "list"], root)["items"]
    assert item["error"]["kind"] == "missing_required_columns"
    shown = _json(["quarantine", "show", item["sha256"][:10]], root)
    assert shown["what_to_do"].startswith("if the platform changed its export")
    human = runner.invoke(app, ["quarantine", "show", item["sha256"][:10], "--root", str(root)])
    assert human.exit_code == 0
    # retry without a fix: still quarantined, still listed, nothing in raw
    retried = _json(["quarantine", "retry", item["sha256"][:10]], root)
    assert [r["status"] for r in retried["retried"]] == ["quarantined"]
    assert len(_json(["quarantine", "list"], root)["items"]) == 1
    assert not [p for p in (root / "raw").rglob("*.parquet") if not p.name.startswith("_")]


def test_unknown_quarantine_item_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["quarantine", "show", "deadbeef00", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "no quarantined file matches 'deadbeef00'" in result.output


def test_landing_search_list_stats(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    _json(["land", str(PLATFORMS / "spotify"), "--source", "spotify"], root)
    _json(["land", str(PLATFORMS / "distrokid"), "--source", "distrokid"], root)
    found = _json(["landing", "search", "audience timeline"], root)["entries"]
    assert found[0]["name"] == "Blue Frog-audience-timeline.csv"
    listed = _json(["landing", "list", "spotify"], root)["entries"]
    assert sorted(e["name"] for e in listed) == [
        "Blue Frog-audience-timeline.csv",
        "Blue Frog-songs-all.csv",
    ]
    stats = _json(["landing", "stats"], root)
    assert (stats["entries"], stats["by_source"]["spotify"]["entries"]) == (5, 2)


def test_rejected_rows_are_listed(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    ragged = tmp_path / "Blue Frog-audience-timeline.csv"
    ragged.write_text("date,listeners,streams,followers\n2024-01-01,1,2,3\n2024-01-02,1\n")
    _json(["land", str(ragged), "--source", "spotify"], root)
    summary = _json(["ingest"], root)
    assert (summary["rows_raw"], summary["rows_rejected"]) == (1, 1)
    (row,) = _json(["quarantine", "rows"], root)["rejects"]
    assert (row["source"], row["dataset"], row["rows"]) == ("spotify", "audience_timeline", 1)


def test_ingest_summary_counts_files_and_rows_per_source(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    for source in ("spotify", "meta_ads"):
        runner.invoke(
            app, ["land", str(PLATFORMS / source), "--source", source, "--root", str(root)]
        )
    summary = _json(["ingest"], root)
    by_source = summary["by_source"]
    assert sorted(by_source) == ["meta_ads", "spotify"]
    assert by_source["spotify"]["ingested"] == 2
    assert by_source["meta_ads"]["ingested"] == 4
    assert sum(s["rows_raw"] for s in by_source.values()) == summary["rows_raw"]
    human = runner.invoke(app, ["ingest", "--root", str(root), "--no-files"])
    assert human.exit_code == 0
    assert "by source" in human.output
