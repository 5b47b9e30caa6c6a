"""The sandbox's drop folders (`lake/sandbox/shop/drops.py`): the LLM gateway's and the
application's daily files from the shop world, deterministic, past days kept when today
moves, today's files still being written, every complete file ingesting with zero rejects;
`lake sandbox env` and `exec` point the drop extractors at them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from lake.cli import app
from lake.config import LakePaths
from lake.contracts import datasets_for
from lake.ingest.engine import Ingestor
from lake.ingest.landed import landing_files
from lake.landing import SyncLandingStore
from lake.sandbox.server import running_sandbox
from lake.sandbox.shop.drops import ShopDrops
from lake.sandbox.world import World

WORLD = World(today=date(2026, 11, 20), origin=date(2024, 11, 20))


def files(drops: ShopDrops) -> dict[str, bytes]:
    return {
        f"{p.parent.name}/{p.name}": p.read_bytes()
        for p in sorted(drops.path.rglob("*"))
        if p.is_file()
    }


def test_the_folders_hold_fourteen_days_and_todays_growing_files(tmp_path: Path) -> None:
    drops = ShopDrops(tmp_path / "a")
    drops.write(WORLD.shop, origin=WORLD.origin)
    written = files(drops)
    assert len(written) == 3 * 15
    today = written["llm_gateway/llm_calls_2026-11-20.jsonl"]
    assert today and not today.endswith(b"\n")  # the last record is half written
    past = written["llm_gateway/llm_calls_2026-11-19.jsonl"].decode().splitlines()
    calls = [json.loads(line) for line in past]
    assert {c["agent"] for c in calls} == {"support", "shopping_assistant", "pricing", "catalog"}
    orders = {o["order_id"] for o in WORLD.shop.table("orders")}
    served = [c["order_id"] for c in calls if c["order_id"]]
    assert served and set(served) <= orders
    assert all(c["created_at"].startswith("2026-11-19") for c in calls)
    # the same seed and today: the same bytes
    again = ShopDrops(tmp_path / "b")
    again.write(WORLD.shop, origin=WORLD.origin)
    assert files(again) == written
    # a day later: past days unchanged, yesterday's file now complete
    later = ShopDrops(tmp_path / "c")
    later.write(WORLD.advanced(1).shop, origin=WORLD.origin)
    moved = files(later)
    for name in ("llm_gateway/llm_calls_2026-11-15.jsonl", "app_logs/access-2026-11-18.log"):
        assert moved[name] == written[name]
    complete = moved["llm_gateway/llm_calls_2026-11-20.jsonl"]
    assert complete.endswith(b"\n") and len(complete) > len(today)


def test_every_complete_file_ingests_with_zero_rejects(tmp_path: Path) -> None:
    drops = ShopDrops(tmp_path / "drops")
    drops.write(WORLD.shop, origin=WORLD.origin)
    paths = LakePaths(tmp_path / "lake").ensure()
    sources = {"llm_gateway": "llm_calls", "app_logs": "app_logs"}
    with SyncLandingStore(paths) as store:
        for path in sorted(drops.path.rglob("*")):
            if path.is_file() and "2026-11-20" not in path.name:
                store.store(path.name, path.read_bytes(), "log", source=sources[path.parent.name])
        summary = Ingestor(paths).run(landing_files(store)).to_dict()
    assert summary["quarantined"] == 0 and summary["ingested"] == 3 * 14
    by_source = summary["by_source"]
    assert by_source["llm_calls"]["rows_rejected"] == by_source["app_logs"]["rows_rejected"] == 0
    assert by_source["app_logs"]["rows_raw"] > 14 * 150
    assert {d.name for d in datasets_for("app_logs")} == {"access", "errors"}


def test_env_and_exec_point_the_drop_extractors_at_the_folders() -> None:
    with running_sandbox(WORLD) as sandbox:
        result = CliRunner().invoke(app, ["sandbox", "env", "--url", sandbox.url])
        assert result.exit_code == 0, result.output
        lines = dict(line.split("=", 1) for line in result.stdout.splitlines())
        assert lines["LAKE_LLM_CALLS_DIR"] == str(sandbox.state.shop_drops.llm_calls_dir)
        assert lines["LAKE_APP_LOGS_DIR"] == str(sandbox.state.shop_drops.app_logs_dir)
        assert sorted(p.name for p in Path(lines["LAKE_APP_LOGS_DIR"]).iterdir())[0] == (
            "access-2026-11-06.log"
        )
        folder = Path(lines["LAKE_LLM_CALLS_DIR"])
    assert not folder.exists()  # a temporary folder, removed with the sandbox
