"""The landing store: the API through which extractors and people put files into the lake.

Files land byte for byte under `landing/<source>/<YYYY-MM-DD-HHMM>/[<subpath>/]<name>`, each
with a metadata record `.<name>.entry.json` beside it; a SQLite FTS5 index under `_state/`
serves list, search and stats and can always be rebuilt from the files. See layout.py for the
layout, core.py for the write protocol and collision rule, index.py for search.
"""

from lake.landing.content import Content
from lake.landing.entry import Entry, LandingStats, Totals
from lake.landing.rebuild import RebuildReport
from lake.landing.store import LandingStore, SyncLandingStore

__all__ = [
    "Content",
    "Entry",
    "LandingStats",
    "LandingStore",
    "RebuildReport",
    "SyncLandingStore",
    "Totals",
]
