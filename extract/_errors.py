"""Typed extractor errors. Each says what happened and what to do next.

The runner reports an error's `kind`, message, hint and, for browser failures, the
screenshot and page HTML saved at the moment it happened.
"""

from __future__ import annotations

from pathlib import Path

from lake.errors import LakeError

__all__ = [
    "CircuitOpenError",
    "ConfigError",
    "ExtractError",
    "ExtractTimeoutError",
    "LayoutChangedError",
    "LoginExpiredError",
    "LoginRejectedError",
    "NothingLandedError",
    "RateLimitedError",
    "SecondFactorError",
    "SourceUnavailableError",
    "error_kind",
]


class ExtractError(LakeError):
    """An extractor could not land what it should have.

    `screenshot` and `html` are set when a browser page was captured at the failure.
    """

    hint = "see the run log under <lake root>/_state/extract/runs/ and retry"

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.screenshot: Path | None = None
        self.html: Path | None = None


class ConfigError(ExtractError):
    """A setting an extractor needs is missing or malformed."""

    hint = "set the variable in the environment or in .env (see extract/README.md)"


class LoginExpiredError(ExtractError):
    """The saved session or token no longer works, and logging in again was not possible."""

    hint = (
        "log in again: check the USERNAME/PASSWORD/TOKEN variables of this source (a new token "
        "if it was revoked or lapsed), or run once with LAKE_BROWSER_HEADED=1 to log in by hand"
    )


class LoginRejectedError(LoginExpiredError):
    """The site refused the configured credentials."""

    hint = "fix the USERNAME/PASSWORD (or TOKEN) of this source in the environment or .env"


class SecondFactorError(ExtractError):
    """The site asked for a second factor and no (valid) code came in time."""

    hint = (
        "set LAKE_<SRC>_OTP to a fresh code, or write the code into the file named by "
        "LAKE_<SRC>_OTP_FILE while the run waits"
    )


class LayoutChangedError(ExtractError):
    """A page no longer has what the extractor looks for (a selector, a button, a field)."""

    hint = (
        "the site changed its pages: compare the saved screenshot and HTML with the selectors "
        "in extract/<source>.py and update them"
    )


class SourceUnavailableError(ExtractError):
    """The site or API is down, failing, or unreachable."""

    hint = "the source is down or unreachable; retry later (check LAKE_<SRC>_BASE_URL)"


class RateLimitedError(SourceUnavailableError):
    """The API kept answering 429 beyond the retries or asked to wait too long."""

    hint = "the source's rate limit was hit; retry after the time it asked for"


class CircuitOpenError(SourceUnavailableError):
    """Too many consecutive failures: requests to this source are refused for a while."""

    hint = "the source failed repeatedly; calls are paused; retry later"


class ExtractTimeoutError(ExtractError):
    """A wait (page, selector, download, code) passed its timeout."""

    hint = "the source is slow or stuck; retry later, or raise the timeout for this source"


class NothingLandedError(ExtractError):
    """A run finished without landing anything where data was expected."""

    hint = (
        "check the account names in LAKE_<SRC>_ACCOUNTS and the saved window state; "
        "re-run with --since to ask for an earlier period"
    )


def error_kind(error: BaseException) -> str:
    """A short snake_case name for reports: LoginExpiredError -> login_expired."""
    name = type(error).__name__.removesuffix("Error") or type(error).__name__
    out = [f"_{c.lower()}" if c.isupper() else c for c in name]
    return "".join(out).lstrip("_")
