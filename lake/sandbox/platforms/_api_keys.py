"""What the shop's API stand-ins (`payments.py`, `shipping.py`) share: the API key as Stripe
and EasyPost take it, and their per-world model cache (not a platform: the `_` keeps it out
of discovery)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from flask import request

from lake.sandbox.context import PlatformContext
from lake.sandbox.world import World

M = TypeVar("M")


def presented_key() -> str | None:
    """`Authorization: Bearer <key>`, or HTTP Basic with the key as the user name."""
    header = request.headers.get("Authorization", "")
    kind, _, value = header.partition(" ")
    if kind.lower() == "bearer":
        return value.strip() or None
    if request.authorization and request.authorization.type == "basic":
        return request.authorization.username or None
    return None


class PerWorld(Generic[M]):
    """A model built from the world as of now, rebuilt when `/_admin/advance` moves it."""

    def __init__(self, ctx: PlatformContext, build: Callable[[World], M]) -> None:
        self._ctx = ctx
        self._build = build
        self._key: tuple[int, object] | None = None
        self._model: M | None = None

    def get(self) -> M:
        world = self._ctx.world
        key = (world.seed, world.today)
        if self._model is None or key != self._key:
            self._model, self._key = self._build(world), key
        return self._model
