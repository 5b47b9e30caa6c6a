"""Several processes storing at once lose nothing and corrupt nothing."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from pathlib import Path

import pytest

from lake.config import LakePaths
from lake.landing import SyncLandingStore

WORKERS = 4
FILES_EACH = 50


def content_for(worker: int, item: int) -> bytes:
    return f"worker,item\n{worker},{item}\ntoken,zebra{worker}x{item}\n".encode()


def land_files(root: str, worker: int, start: multiprocessing.synchronize.Event) -> list[str]:
    """One process: store FILES_EACH files; half of the names are shared by every worker."""
    start.wait(60)
    stored = []
    with SyncLandingStore(LakePaths(Path(root))) as store:
        for item in range(FILES_EACH):
            name = f"shared_{item:03d}.csv" if item % 2 == 0 else f"w{worker}_{item:03d}.csv"
            entry = store.store(
                name,
                content_for(worker, item),
                "csv",
                {"worker": worker, "item": item},
                source="concurrent" if item % 3 else "other",
            )
            stored.append(json.dumps(entry.to_dict()))
    return stored


@pytest.mark.slow
def test_four_processes_store_at_once(paths: LakePaths) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Manager().Event()
    with context.Pool(WORKERS) as pool:
        pending = [
            pool.apply_async(land_files, (str(paths.root), worker, start))
            for worker in range(WORKERS)
        ]
        start.set()
        results = [json.loads(line) for job in pending for line in job.get(timeout=300)]

    assert len(results) == WORKERS * FILES_EACH
    assert len({entry["id"] for entry in results}) == WORKERS * FILES_EACH
    assert len({entry["path"] for entry in results}) == WORKERS * FILES_EACH
    for entry in results:
        target = paths.root / entry["path"]
        worker, item = entry["metadata"]["worker"], entry["metadata"]["item"]
        data = target.read_bytes()
        assert data == content_for(worker, item)
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        record = json.loads((target.parent / f".{target.name}.entry.json").read_text())
        assert record["id"] == entry["id"]
        assert record["sha256"] == entry["sha256"]

    expected = {(entry["id"], entry["path"], entry["sha256"]) for entry in results}
    with SyncLandingStore(paths) as store:
        listed = store.list()
        assert {(e.id, e.path, e.sha256) for e in listed} == expected
        assert store.get_stats().entries == WORKERS * FILES_EACH
        for entry in results:
            worker, item = entry["metadata"]["worker"], entry["metadata"]["item"]
            hits = store.search(f"zebra{worker}x{item}")
            assert [hit.id for hit in hits] == [entry["id"]]
        report = store.rebuild_index()
        assert report.adopted == [] and report.problems == []
        assert {(e.id, e.path, e.sha256) for e in store.list()} == expected
    assert list(paths.tmp.iterdir()) == []
    data_files = [p for p in paths.landing.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(data_files) == WORKERS * FILES_EACH
