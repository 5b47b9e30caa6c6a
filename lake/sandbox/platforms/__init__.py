"""Sandbox platforms: one module per platform, found by name.

A module `lake/sandbox/platforms/<platform>.py` (the name is one of `entities.PLATFORMS`)
defines:

- `blueprint(ctx: PlatformContext) -> flask.Blueprint` (required): its pages and APIs, with
  routes relative to the platform (the app mounts it under `/<platform>/`);
- `TITLE: str` (optional): the name shown on the landing page and login form;
- `render_error(status: int, title: str, detail: str) -> flask.Response` (optional): errors in
  the real platform's shape (used for faults, 401s and bad requests); the default is
  `{"error": {"status", "title", "message"}}` for API paths and a small HTML page otherwise.

See `lake/sandbox/README.md` and `mailchimp.py` for a worked example.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from lake.errors import ValidationError
from lake.sandbox.entities import PLATFORMS


def discover() -> dict[str, ModuleType]:
    """Every platform module in this package, by platform name, in `PLATFORMS` order."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        if info.name not in PLATFORMS:
            raise ValidationError(
                f"lake/sandbox/platforms/{info.name}.py is not a platform",
                f"name the module after one of {', '.join(PLATFORMS)}",
            )
        module = importlib.import_module(f"{__name__}.{info.name}")
        if not callable(getattr(module, "blueprint", None)):
            raise ValidationError(
                f"lake/sandbox/platforms/{info.name}.py has no blueprint(ctx) function",
                "define blueprint(ctx: PlatformContext) -> flask.Blueprint",
            )
        found[info.name] = module
    return {name: found[name] for name in PLATFORMS if name in found}
