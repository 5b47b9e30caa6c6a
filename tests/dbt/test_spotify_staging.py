"""`dbt build` of the Spotify for Artists staging models on the real downloads, landed and
ingested through the real `lake land` + `lake ingest`: the figures equal the files', the
artist comes from the file name, and a newer overlapping download with corrected numbers
replaces the overlapping days without duplicating them or losing the older ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lake.cli import app
from tests.dbt.harness import PROJECT_DIR, run_dbt
from tests.dbt.staging_support import StagingBuild

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt")]

FIXTURES = PROJECT_DIR / "tests/fixtures/platforms/spotify"
TIMELINE_CSV = FIXTURES / "Blue Frog-audience-timeline.csv"
SONGS_CSV = FIXTURES / "Blue Frog-songs-all.csv"
TIMELINE = "staging.stg_spotify__audience_timeline"
SONGS = "staging.stg_spotify__songs"
# the two staging models of the real downloads with their tests (not the marts downstream,
# which need other sources; the song timeline, which has no real download, is built from
# sandbox files in tests/dbt/test_spotify_song_timeline.py)
SELECT = [
    "--select",
    "stg_spotify__audience_timeline",
    "stg_spotify__songs",
    "source:spotify.audience_timeline",
    "source:spotify.songs",
]


def land(lake_root: Path, path: Path, *, account: str | None = None) -> None:
    args = ["land", str(path), "--source", "spotify", "--root", str(lake_root)]
    outcome = CliRunner().invoke(app, [*args, *(["--account", account] if account else [])])
    assert outcome.exit_code == 0, outcome.output


def ingest_and_build(lake_root: Path, work_dir: Path) -> StagingBuild:
    outcome = CliRunner().invoke(app, ["ingest", "--root", str(lake_root)])
    assert outcome.exit_code == 0, outcome.output
    return StagingBuild(
        run_dbt(["build", *SELECT], lake_root=lake_root, work_dir=work_dir), lake_root
    )


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> StagingBuild:
    work = tmp_path_factory.mktemp("spotify")
    lake_root = work / "lake"
    land(lake_root, TIMELINE_CSV)  # as the real fixtures were: the artist only in the name
    land(lake_root, SONGS_CSV)
    return ingest_and_build(lake_root, work)


def test_build_passes_every_test_without_warnings(build: StagingBuild) -> None:
    assert build.result.exception is None, build.result.exception
    assert build.problems() == []
    assert build.result.success


def test_timeline_matches_the_real_download(build: StagingBuild) -> None:
    [(rows, days, streams, listeners, first, last, accounts)] = build.query(
        f"select count(*), count(distinct report_date), sum(streams), sum(listeners), "
        f"min(report_date), max(report_date), list(distinct account) from {TIMELINE}"
    )
    assert (rows, days, streams, listeners) == (783, 783, 200_988, 174_530)
    assert (first, last) == (date(2024, 1, 1), date(2026, 2, 21))
    assert accounts == ["Blue Frog"]
    [(followers,)] = build.query(
        f"select followers from {TIMELINE} where report_date = date '2026-02-21'"
    )
    assert followers == 228


def test_songs_match_the_real_download(build: StagingBuild) -> None:
    [(rows, titles, streams, accounts)] = build.query(
        f"select count(*), count(distinct song_title), sum(streams), list(distinct account) "
        f"from {SONGS}"
    )
    assert (rows, titles, streams, accounts) == (29, 29, 235_444, ["Blue Frog"])
    [row] = build.query(
        f"select song_title, release_date, streams from {SONGS} where song_title = 'Dusty Lake'"
    )
    assert row == ("Dusty Lake", date(2024, 6, 14), 228_133)


def test_a_newer_overlapping_download_corrects_days_without_duplicates(tmp_path: Path) -> None:
    lake_root = tmp_path / "lake"
    land(lake_root, TIMELINE_CSV)
    land(lake_root, SONGS_CSV)
    ingest_and_build(lake_root, tmp_path)
    # A later download (same name, as Spotify serves it) covering 2026-02-15 .. 02-25: seven
    # days overlap and were corrected, four are new.
    days = [date(2026, 2, d) for d in range(15, 26)]
    newer = tmp_path / "newer" / "Blue Frog-audience-timeline.csv"
    newer.parent.mkdir()
    newer.write_text(
        "\ufeffdate,listeners,streams,followers\n"
        + "".join(f"{d.isoformat()},1,{1000 + d.day},300\n" for d in days),
        encoding="utf-8",
    )
    land(lake_root, newer, account="Blue Frog")
    build = ingest_and_build(lake_root, tmp_path)
    assert build.problems() == []

    lines = TIMELINE_CSV.read_text(encoding="utf-8-sig").splitlines()[1:]
    kept = sum(int(line.split(",")[2]) for line in lines if line[:10] < "2026-02-15")
    [(rows, unique_days, streams, last)] = build.query(
        f"select count(*), count(distinct report_date), sum(streams), max(report_date) "
        f"from {TIMELINE}"
    )
    assert (rows, unique_days, last) == (787, 787, date(2026, 2, 25))
    assert streams == kept + sum(1000 + d.day for d in days)
    [(first, feb15, feb21)] = build.query(
        f"select min(report_date), max(streams) filter (where report_date = date '2026-02-15'), "
        f"max(streams) filter (where report_date = date '2026-02-21') from {TIMELINE}"
    )
    assert (first, feb15, feb21) == (date(2024, 1, 1), 1015, 1021)
