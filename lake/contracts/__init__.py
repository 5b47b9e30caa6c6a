"""Dataset contracts, one module per source (`lake/contracts/<source>.py`).

Each module defines `DATASETS: list[Dataset]`. Adding a source = adding a module here; the
registry below finds it by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from lake.ingest.contract import Dataset


@cache
def all_datasets() -> tuple[Dataset, ...]:
    found: list[Dataset] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.extend(getattr(module, "DATASETS", []))
    return tuple(found)


def datasets_for(source: str) -> tuple[Dataset, ...]:
    return tuple(d for d in all_datasets() if d.source == source)


def sources() -> tuple[str, ...]:
    return tuple(sorted({d.source for d in all_datasets()}))
