"""What the ingest step reads: every live version in the landing store."""

from __future__ import annotations

from datetime import datetime

from lake.events.lander import land_orphaned_segments
from lake.ingest.outcomes import LandingFile
from lake.landing import SyncLandingStore


def landing_files(store: SyncLandingStore) -> list[LandingFile]:
    """Every live version in the landing store, as the ingest step sees it (first landing
    what a killed event collector left in its log, when none is running)."""
    land_orphaned_segments(store.paths)
    root = store.paths.root
    return [
        LandingFile(
            path=root / entry.path,
            rel_path=entry.path,
            source=entry.source,
            name=entry.name,
            sha256=entry.sha256,
            size=entry.size,
            landed_at=datetime.fromisoformat(entry.updated_at),
            metadata=dict(entry.metadata),
        )
        for entry in store.all_versions()
    ]
