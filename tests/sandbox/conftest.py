"""Fixtures for the sandbox tests: one world pinned to a fixed today, one running server per
module (reset before each test), an HTTP client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from lake.sandbox.server import Sandbox, running_sandbox
from lake.sandbox.world import World

TODAY = date(2026, 11, 23)
MAILCHIMP_KEY = ("anystring", "sandbox-mailchimp-token")


@pytest.fixture(scope="session")
def world() -> World:
    return World(today=TODAY)


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[Sandbox]:
    with running_sandbox(world) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(server: Sandbox) -> Sandbox:
    server.admin.reset()
    return server


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, timeout=10) as http:
        yield http


def login(http: httpx.Client, platform: str = "mailchimp") -> httpx.Response:
    """Post the sandbox credentials to the platform's login form (no redirects followed)."""
    return http.post(
        f"/{platform}/login",
        data={"email": "demo@label.test", "password": "sandbox", "next": f"/{platform}/"},
    )
