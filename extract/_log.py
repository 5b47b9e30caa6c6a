"""Structured, redacting logs: one line per event, `key=value`, secrets replaced by `***`.

```python
log = EventLog("mailchimp", account="label", redact=config.secrets())
log.info("page_landed", offset=100, bytes=5321)
# event=page_landed source=mailchimp account=label offset=100 bytes=5321
```

Lines go to the standard logger `extract.<source>`; the runner attaches a file handler for
each run (`_state/extract/runs/<run_id>.log`). Every line passes through `Redactor`, so even a
secret that slipped into an error message or a URL is never written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_SENSITIVE_PARAMS = re.compile(r"(token|key|secret|password|passwd|signature|auth|code|sid)", re.I)
_BARE = re.compile(r"^[\w.:/@+-]+$")


class Redactor:
    """Replaces known secret values (longest first) with `***`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True)

    def extend(self, secrets: Iterable[str]) -> Redactor:
        return Redactor([*self._secrets, *secrets])

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def url(self, url: str) -> str:
        """A URL fit for metadata and logs: no user info, sensitive query values hidden."""
        parts = urlsplit(url)
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        query = urlencode(
            [
                (k, "***" if _SENSITIVE_PARAMS.search(k) else v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
            ]
        )
        return self(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))


def format_event(event: str, fields: dict[str, Any]) -> str:
    pairs = [("event", event), *fields.items()]
    return " ".join(f"{k}={_value(v)}" for k, v in pairs if v is not None)


def _value(value: Any) -> str:
    text = str(value)
    return text if text and _BARE.match(text) else '"' + text.replace('"', '\\"') + '"'


class EventLog:
    """A logger bound to one source (and account) that writes redacted key=value lines."""

    def __init__(
        self,
        source: str,
        *,
        account: str | None = None,
        redact: Redactor | None = None,
        listener: Callable[[str, dict[str, Any]], None] | None = None,
    ) -> None:
        self.source = source
        self.account = account
        self.redact = redact or Redactor()
        self._logger = logging.getLogger(f"extract.{source}")
        self._listener = listener

    def bind(self, account: str) -> EventLog:
        return EventLog(self.source, account=account, redact=self.redact, listener=self._listener)

    def _emit(self, level: int, event: str, fields: dict[str, Any]) -> None:
        line = self.redact(
            format_event(event, {"source": self.source, "account": self.account, **fields})
        )
        self._logger.log(level, line)
        if self._listener is not None:
            self._listener(event, fields)

    def debug(self, event: str, **fields: Any) -> None:
        self._emit(logging.DEBUG, event, fields)

    def info(self, event: str, **fields: Any) -> None:
        self._emit(logging.INFO, event, fields)

    def warning(self, event: str, **fields: Any) -> None:
        self._emit(logging.WARNING, event, fields)

    def error(self, event: str, **fields: Any) -> None:
        self._emit(logging.ERROR, event, fields)
