"""The ASGI application: the Segment tracking API's endpoints and their exact answers.

- `POST /v1/batch|track|page|screen|identify|group|alias`, and the browsers' short paths
  `/v1/b|t|p|s|i|g|a`, with CORS for any origin;
- the write key as HTTP basic auth (the key as user name) or `writeKey` in the body;
- JSON bodies whatever the `Content-Type` says (browsers send `text/plain`), gzip- or
  deflate-encoded or not, decompressed with a bound; Segment's limits (32 KB per call,
  500 KB per batch) apply after decompression;
- 200 (all accepted), 400 (naming each invalid call; the valid ones are kept and counted),
  401, 413, 415, 429 with `Retry-After` (backpressure), 503 with `Retry-After` (the disk
  failed). `GET /openapi.json` is the OpenAPI document (`openapi.py`).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from lake.events.collector import Backpressure, Collector
from lake.events.config import CollectorConfig
from lake.events.messages import Encoded, Envelope, Rejected, check_call, check_time
from lake.events.openapi import openapi_document

log = logging.getLogger("lake.events")

CALLS = {
    "batch": ("batch", "b"),
    "track": ("track", "t"),
    "page": ("page", "p"),
    "screen": ("screen", "s"),
    "identify": ("identify", "i"),
    "group": ("group", "g"),
    "alias": ("alias", "a"),
}
_DECODERS = {"gzip": 31, "x-gzip": 31, "deflate": 15}


class Refused(Exception):
    """A request answered with an error status before any call was looked at."""

    def __init__(self, status: int, error: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.headers = headers or {}


def answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


def refusal(exc: Refused) -> Response:
    return answer(exc.status, {"success": False, "error": exc.error}, exc.headers)


async def read_body(request: Request, limit: int) -> bytes:
    """The request's bytes, refusing more than `limit` (413) before reading them all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"the body is {declared} bytes; the limit is {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"the body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def decode(body: bytes, encoding: str, limit: int) -> bytes:
    """The body decompressed (gzip, deflate), never past `limit` bytes (413)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in _DECODERS:
        raise Refused(415, f"Content-Encoding {encoding[:40]!r} is not supported (use gzip)")
    inflater = zlib.decompressobj(_DECODERS[encoding])
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise Refused(400, f"the body is not valid {encoding} data ({exc})") from exc
    if len(data) > limit:
        raise Refused(413, f"the decompressed body is over the limit of {limit} bytes")
    if not inflater.eof:
        raise Refused(400, f"the {encoding} body is cut short")
    return data


def parse_json(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise Refused(415, f"the body is not JSON ({str(exc)[:120]})") from exc


def basic_auth_key(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[0]


def body_write_key(doc: Any) -> Any:
    if not isinstance(doc, dict):
        return None
    key = doc.get("writeKey")
    if key is None and isinstance(doc.get("batch"), list) and doc["batch"]:
        first = doc["batch"][0]
        key = first.get("writeKey") if isinstance(first, dict) else None
    return key


def batch_problem(doc: dict[str, Any]) -> str | None:
    """What is wrong with a batch's own fields (`sentAt`, `context`, `writeKey`)."""
    if doc.get("context") is not None and not isinstance(doc["context"], dict):
        return "the batch's context must be a JSON object"
    if doc.get("writeKey") is not None and not isinstance(doc["writeKey"], str):
        return "writeKey must be a string"
    return check_time(doc.get("sentAt"), "the batch's sentAt")


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class EventsApi:
    """The request handlers, around one `Collector`."""

    def __init__(self, config: CollectorConfig, collector: Collector) -> None:
        self.config = config
        self.collector = collector

    def authorize(self, request: Request, doc: Any = None, *, header_only: bool = False) -> bool:
        """True when a header key is valid; raise 401 for a bad one. Without a header the
        key must be in the body (checked when `header_only` is False)."""
        header = request.headers.get("authorization")
        if header is not None:
            if basic_auth_key(header) in self.config.write_keys:
                return True
            raise Refused(401, "the write key is not valid", {"WWW-Authenticate": "Basic"})
        if header_only:
            return False
        key = body_write_key(doc)
        if isinstance(key, str) and key in self.config.write_keys:
            return True
        raise Refused(
            401,
            "no valid write key: send it as basic auth (the key as user name) or as writeKey",
            {"WWW-Authenticate": "Basic"},
        )

    async def handle(self, request: Request, call: str) -> Response:
        """Answer one request to the endpoint of `call` (`batch`, `track`, ...)."""
        try:
            return await self._handle(request, None if call == "batch" else call)
        except Refused as exc:
            return refusal(exc)
        except ClientDisconnect:
            # the client hung up before sending its whole body: nothing was stored, and
            # nobody reads this answer
            return refusal(Refused(400, "the request body was cut short"))
        except Backpressure as exc:
            headers = {"Retry-After": str(exc.retry_after)}
            return answer(429, {"success": False, "error": str(exc)}, headers)
        except OSError as exc:
            log.error("the event log failed: %s", exc)
            headers = {"Retry-After": str(self.config.retry_after_seconds)}
            error = "the collector could not write its log; nothing of this request was stored"
            return answer(503, {"success": False, "error": error}, headers)

    async def _handle(self, request: Request, path_type: str | None) -> Response:
        limit = self.config.max_batch_bytes if path_type is None else self.config.max_event_bytes
        has_header = self.authorize(request, header_only=True)
        self.collector.check_capacity()
        raw = await read_body(request, limit)
        doc = parse_json(decode(raw, request.headers.get("content-encoding", ""), limit))
        if not has_header:
            self.authorize(request, doc)
        calls, sent_at, context = self._calls(doc, path_type)
        client = request.client.host if request.client else None
        envelope = Envelope(now_text(), client, sent_at, context)
        records: list[Encoded] = []
        rejected: list[Rejected] = []
        for index, call in enumerate(calls):
            record, problem = check_call(
                index, call, path_type, envelope, self.config.max_event_bytes
            )
            if record is not None:
                records.append(record)
            elif problem is not None:
                rejected.append(problem)
        accepted = await self.collector.accept(records) if records else None
        body: dict[str, Any] = {
            "success": not rejected,
            "accepted": len(records),
            "duplicates": accepted.duplicates if accepted else 0,
        }
        if rejected:
            body["rejected"] = [r.to_dict() for r in rejected]
            return answer(400, body)
        return answer(200, body)

    @staticmethod
    def _calls(doc: Any, path_type: str | None) -> tuple[list[Any], Any, Any]:
        """The calls of a request, and the batch's `sentAt` and `context`."""
        if not isinstance(doc, dict):
            raise Refused(400, "the body must be a JSON object")
        if path_type is not None:
            return [doc], None, None
        batch, context = doc.get("batch"), doc.get("context")
        if not isinstance(batch, list):
            raise Refused(400, "a batch body needs `batch`, an array of calls")
        problem = batch_problem(doc)
        if problem:
            raise Refused(400, problem)
        return batch, doc.get("sentAt"), context

    async def openapi(self, request: Request) -> Response:
        return answer(200, openapi_document())


def routes(api: EventsApi) -> list[Route]:
    found = [Route("/openapi.json", api.openapi, methods=["GET"])]
    for call, names in CALLS.items():
        for name in names:

            async def endpoint(request: Request, call: str = call) -> Response:
                return await api.handle(request, call)

            found.append(Route(f"/v1/{name}", endpoint, methods=["POST"]))
    return found


def create_app(config: CollectorConfig, collector: Collector | None = None) -> Starlette:
    """The application; its lifespan starts the collector and, on shutdown, drains it."""
    collector = collector or Collector(config)
    api = EventsApi(config, collector)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        collector.start()
        try:
            yield
        finally:
            collector.stop()

    cors = Middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["POST", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Content-Encoding"],
        max_age=86400,
    )
    return Starlette(routes=routes(api), middleware=[cors], lifespan=lifespan)
