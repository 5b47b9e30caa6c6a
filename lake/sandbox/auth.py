"""Login, sessions, second factor and API tokens, shared by every sandbox platform.

Browser platforms: `GET/POST /<platform>/login` (a form with `email` and `password`), then,
when a second factor is asked for, `GET/POST /<platform>/login/verify` (a form with `code`);
success sets the cookie `sandbox_<platform>_session` (path `/<platform>`) and redirects to
`next`. Pages wrapped in `PlatformContext.login_required` redirect to the login page when the
session is missing, expired or not yet verified.

API platforms: `PlatformContext.token_required("bearer")` accepts `Authorization: Bearer
<token>`; `token_required("basic")` accepts HTTP Basic with any user name and the token as the
password (Mailchimp's API-key scheme). The token is `sandbox-<platform>-token` unless
configured; platforms can also mint short-lived tokens (`AuthStore.issue_token`), e.g. for an
OAuth exchange.

Credentials default to `demo@label.test` / `sandbox` for every platform; the second-factor
code is `sandbox_otp(platform)`, six digits that depend on the platform name only.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from lake.errors import ValidationError
from lake.sandbox.entities import PLATFORMS

DEFAULT_USERNAME = "demo@label.test"
DEFAULT_PASSWORD = "sandbox"


def sandbox_otp(platform: str) -> str:
    """The second-factor code the sandbox expects for `platform` (six digits, fixed)."""
    digest = hashlib.blake2b(f"sandbox-otp:{platform}".encode(), digest_size=8).digest()
    return f"{int.from_bytes(digest, 'big') % 1_000_000:06d}"


def sandbox_token(platform: str) -> str:
    """The API token every sandbox platform accepts by default."""
    return f"sandbox-{platform}-token"


def session_cookie(platform: str) -> str:
    return f"sandbox_{platform}_session"


@dataclass(frozen=True)
class SandboxConfig:
    """Credentials and session rules of a sandbox server.

    `two_factor` lists platforms whose every login asks for the code (the `require_2fa` fault
    asks once). `session_seconds` is the lifetime of browser sessions and minted tokens.
    """

    username: str = DEFAULT_USERNAME
    password: str = DEFAULT_PASSWORD
    tokens: Mapping[str, str] = field(default_factory=dict)  # platform -> token override
    session_seconds: float = 3600.0
    two_factor: frozenset[str] = frozenset()

    def token(self, platform: str) -> str:
        return self.tokens.get(platform, sandbox_token(platform))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SandboxConfig:
        """`LAKE_SANDBOX_USERNAME`, `_PASSWORD`, `_SESSION_SECONDS`, `_2FA` (comma list of
        platforms, or `all`), `LAKE_SANDBOX_<PLATFORM>_TOKEN`."""
        env = os.environ if environ is None else environ
        two_factor = {p.strip() for p in env.get("LAKE_SANDBOX_2FA", "").split(",") if p.strip()}
        if "all" in two_factor:
            two_factor = set(PLATFORMS)
        unknown = two_factor - set(PLATFORMS)
        if unknown:
            raise ValidationError(
                f"LAKE_SANDBOX_2FA names unknown platforms: {', '.join(sorted(unknown))}",
                f"use a comma list of {', '.join(PLATFORMS)} or 'all'",
            )
        seconds = env.get("LAKE_SANDBOX_SESSION_SECONDS", "3600")
        try:
            lifetime = float(seconds)
        except ValueError as exc:
            raise ValidationError(
                f"LAKE_SANDBOX_SESSION_SECONDS={seconds!r} is not a number", "set seconds"
            ) from exc
        return cls(
            username=env.get("LAKE_SANDBOX_USERNAME", DEFAULT_USERNAME),
            password=env.get("LAKE_SANDBOX_PASSWORD", DEFAULT_PASSWORD),
            tokens={
                p: env[f"LAKE_SANDBOX_{p.upper()}_TOKEN"]
                for p in PLATFORMS
                if env.get(f"LAKE_SANDBOX_{p.upper()}_TOKEN")
            },
            session_seconds=lifetime,
            two_factor=frozenset(two_factor),
        )


@dataclass
class Session:
    platform: str
    username: str
    expires_at: float
    verified: bool  # False while the second factor is pending


class AuthStore:
    """Sessions, minted tokens and revoked API keys of a running sandbox (thread-safe)."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self._tokens: dict[str, tuple[str, float]] = {}  # token -> (platform, expires_at)
        self._revoked: set[str] = set()  # platforms whose configured token is refused

    # --- browser sessions ------------------------------------------------------------------

    def check_password(self, username: str, password: str) -> bool:
        """The configured user name (case-insensitive) and password."""
        same_user = username.strip().lower() == self.config.username.lower()
        return same_user and secrets.compare_digest(
            password.encode(), self.config.password.encode()
        )

    def open_session(self, platform: str, username: str, verified: bool) -> str:
        sid = secrets.token_urlsafe(24)
        expires = time.time() + self.config.session_seconds
        with self._lock:
            self._sessions[sid] = Session(platform, username, expires, verified)
        return sid

    def session(self, platform: str, sid: str | None) -> Session | None:
        """The live session `sid` of `platform`, or None (missing, expired, other platform)."""
        if not sid:
            return None
        with self._lock:
            found = self._sessions.get(sid)
            if found is None or found.platform != platform:
                return None
            if found.expires_at <= time.time():
                del self._sessions[sid]
                return None
            return found

    def verify_session(self, sid: str) -> None:
        with self._lock:
            if sid in self._sessions:
                self._sessions[sid].verified = True

    def close_session(self, sid: str | None) -> None:
        with self._lock:
            self._sessions.pop(sid or "", None)

    # --- API tokens ------------------------------------------------------------------------

    def issue_token(self, platform: str, seconds: float | None = None) -> tuple[str, float]:
        """Mint a short-lived token for `platform`; returns (token, lifetime in seconds)."""
        lifetime = self.config.session_seconds if seconds is None else seconds
        token = f"sbx-{platform}-" + secrets.token_urlsafe(18)
        with self._lock:
            self._tokens[token] = (platform, time.time() + lifetime)
            self._revoked.discard(platform)
        return token, lifetime

    def token_valid(self, platform: str, token: str | None) -> bool:
        if not token:
            return False
        with self._lock:
            if platform not in self._revoked and secrets.compare_digest(
                token.encode(), self.config.token(platform).encode()
            ):
                return True
            minted = self._tokens.get(token)
            if minted is None or minted[0] != platform:
                return False
            if minted[1] <= time.time():
                del self._tokens[token]
                return False
            return True

    # --- expiry (the `expire_session` fault) -----------------------------------------------

    def expire(self, platform: str) -> None:
        """End every session and minted token of `platform` now, and refuse its configured
        token until `restore()` (a revoked key someone must replace)."""
        with self._lock:
            self._sessions = {k: s for k, s in self._sessions.items() if s.platform != platform}
            self._tokens = {k: t for k, t in self._tokens.items() if t[0] != platform}
            self._revoked.add(platform)

    def restore(self) -> None:
        """Accept the configured tokens again (after faults are cleared)."""
        with self._lock:
            self._revoked.clear()

    def reset(self) -> None:
        with self._lock:
            self._sessions.clear()
            self._tokens.clear()
            self._revoked.clear()
