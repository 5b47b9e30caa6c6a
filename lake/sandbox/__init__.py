"""The offline sandbox: one local web server standing in for the eight music platforms.

- `world.py`: the seeded, deterministic label world every page and file is rendered from;
- `app.py`: the Flask app (one blueprint per platform, discovered in `platforms/`);
- `auth.py`, `faults.py`: login, sessions, tokens, 2FA; misbehaviour on request;
- `server.py`: `running_sandbox()` for tests and the CLI; `cli.py`: `lake sandbox ...`.

See `lake/sandbox/README.md`.
"""

from lake.sandbox.world import DEFAULT_SEED, World

__all__ = ["DEFAULT_SEED", "World"]
