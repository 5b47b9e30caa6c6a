"""Stages of `lake run` that live outside `lake/`, found through entry points.

`lake/` never imports `extract/` (the extractors depend on the lake, not the reverse): the
extract stage is the `[project.entry-points."lake.stages"]` entry `extract`, a function
`(paths, sources, since, note) -> report dict` (`extract.runner.extract_stage`).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from lake.config import LakePaths
from lake.errors import MissingPartError

GROUP = "lake.stages"

ExtractStage = Callable[
    [LakePaths, Sequence[str], date | None, Callable[[str], None]], dict[str, Any]
]


def load_stage(name: str) -> Callable[..., Any]:
    """The function registered as stage `name` (MissingPartError when none is)."""
    points = importlib.metadata.entry_points(group=GROUP, name=name)
    for point in points:
        loaded: Callable[..., Any] = point.load()
        return loaded
    raise MissingPartError(
        f"no '{name}' stage is installed (entry point group {GROUP})",
        "reinstall lake from its repository (make setup, or pip install -e .), "
        "or start the run later: lake run --from ingest",
    )


def extract_stage() -> ExtractStage:
    """The extract stage of `lake run`."""
    stage: ExtractStage = load_stage("extract")
    return stage
