"""Dataset contracts, one module per source (`lake/contracts/<source>.py`).

Each module defines `DATASETS: list[Dataset]` and `SOURCE_INFO: Source` (the dbt source: its
description, owner, freshness). Adding a source = adding a module here; the registry below
finds it by name. `sources_yaml` and `cli` are not sources: they render the dbt sources YAML
from the contracts (`lake contracts sources`).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from lake.errors import NotFoundError, ValidationError
from lake.ingest.contract import Dataset, Source

_NOT_SOURCES = frozenset({"cli", "sources_yaml"})


@cache
def all_datasets() -> tuple[Dataset, ...]:
    found: list[Dataset] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_") or module_info.name in _NOT_SOURCES:
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.extend(getattr(module, "DATASETS", []))
    return tuple(found)


def datasets_for(source: str) -> tuple[Dataset, ...]:
    return tuple(d for d in all_datasets() if d.source == source)


def sources() -> tuple[str, ...]:
    return tuple(sorted({d.source for d in all_datasets()}))


def check_source(source: str) -> str:
    """`source`, when a contract declares it; otherwise a ValidationError naming the known
    ones (`lake land --source`, `lake run --source`)."""
    if source not in sources():
        raise ValidationError(
            f"unknown source {source!r}: no contract in lake/contracts/ declares it",
            f"known sources: {', '.join(sources())}",
        )
    return source


def source_info(source: str) -> Source:
    """The `SOURCE_INFO` of `lake/contracts/<source>.py`."""
    if source not in sources():
        raise NotFoundError(
            f"no contract module declares source {source!r}",
            f"known sources: {', '.join(sources())}",
        )
    info = importlib.import_module(f"{__name__}.{source}").SOURCE_INFO
    if not isinstance(info, Source):
        raise TypeError(f"lake/contracts/{source}.py: SOURCE_INFO must be a Source")
    return info
