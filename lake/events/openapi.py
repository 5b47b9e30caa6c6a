"""The OpenAPI document of the collector (`GET /openapi.json`), written out by hand so that
it says exactly what the server does (tests/events/test_openapi.py runs schemathesis on it)."""

from __future__ import annotations

from functools import cache
from typing import Any

from lake.events.config import MAX_BATCH_BYTES, MAX_EVENT_BYTES

_ID = {"oneOf": [{"type": "string", "minLength": 1, "maxLength": 255}, {"type": "integer"}]}
# optional fields may be null: the collector treats null as absent
_TIME = {"type": "string", "format": "date-time", "nullable": True}
_OBJECT = {"type": "object", "additionalProperties": True, "nullable": True}

_TEXT = {"type": "string", "nullable": True}

_COMMON: dict[str, Any] = {
    "messageId": {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "description": "Unique per call: a retried call with the same id is stored once.",
    },
    "userId": _ID,
    "anonymousId": _ID,
    "timestamp": {**_TIME, "description": "When the event happened, by the client's clock."},
    "sentAt": {**_TIME, "description": "When the client sent it (clock-skew correction)."},
    "context": _OBJECT,
    "integrations": _OBJECT,
    "writeKey": {
        "type": "string",
        "nullable": True,
        "description": "The write key, when not sent as basic auth.",
    },
}
_EXTRA: dict[str, dict[str, Any]] = {
    "track": {"event": {"type": "string", "minLength": 1}, "properties": _OBJECT},
    "page": {"name": _TEXT, "category": _TEXT, "properties": _OBJECT},
    "screen": {"name": _TEXT, "category": _TEXT, "properties": _OBJECT},
    "identify": {"traits": _OBJECT},
    "group": {"groupId": _ID, "traits": _OBJECT},
    "alias": {"previousId": _ID},
}
_REQUIRED = {"track": ["event"], "group": ["groupId"], "alias": ["previousId", "userId"]}
_SHORT = {"track": "t", "page": "p", "screen": "s", "identify": "i", "group": "g", "alias": "a"}


def _call_schema(call: str, *, typed: bool) -> dict[str, Any]:
    properties = {**_COMMON, **_EXTRA[call]}
    if typed:
        properties["type"] = {"type": "string", "enum": [call]}
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": (["type"] if typed else []) + _REQUIRED.get(call, []),
    }
    if call != "alias":
        schema["anyOf"] = [{"required": ["userId"]}, {"required": ["anonymousId"]}]
    return schema


def _error(description: str, retry: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if retry:
        response["headers"] = {
            "Retry-After": {"schema": {"type": "string", "pattern": "^[0-9]+$"}, "required": True}
        }
    return response


def _responses() -> dict[str, Any]:
    return {
        "200": {
            "description": "Every call accepted and durable (fsynced) before this answer.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Result"}}},
        },
        "400": {
            "description": "Some calls are invalid: each is named (index, messageId, error); "
            "the valid ones of the request are kept (`accepted`). Or the body is not a call.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Partial"}}},
        },
        "401": _error("No valid write key."),
        "413": _error(f"Over {MAX_EVENT_BYTES} bytes per call or {MAX_BATCH_BYTES} per batch."),
        "415": _error("The body is not JSON, or its Content-Encoding is not gzip or deflate."),
        "429": _error("Backpressure: retry after `Retry-After` seconds.", retry=True),
        "503": _error("The collector's disk failed; nothing was stored.", retry=True),
    }


def _operation(call: str, schema: dict[str, Any], path: str) -> dict[str, Any]:
    return {
        "post": {
            "operationId": f"{call}_{path.rsplit('/', 1)[-1]}",
            "summary": f"Send {'a batch of calls' if call == 'batch' else f'one {call} call'}",
            "description": "The body is JSON whatever the Content-Type says (browsers send "
            "text/plain); Content-Encoding gzip or deflate is decompressed.",
            "security": [{"writeKey": []}, {}],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": schema}},
            },
            "responses": _responses(),
        }
    }


@cache
def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    batch_item = {"oneOf": [_call_schema(c, typed=True) for c in _EXTRA]}
    batch = {
        "type": "object",
        "properties": {
            "batch": {"type": "array", "items": batch_item},
            "sentAt": _TIME,
            "context": _OBJECT,
            "writeKey": {"type": "string", "nullable": True},
        },
        "required": ["batch"],
    }
    for path in ("/v1/batch", "/v1/b"):
        paths[path] = _operation("batch", batch, path)
    for call, short in _SHORT.items():
        for path in (f"/v1/{call}", f"/v1/{short}"):
            paths[path] = _operation(call, _call_schema(call, typed=False), path)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "lake event collector",
            "version": "1",
            "description": "Segment's HTTP tracking API, as `lake serve events` speaks it.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "writeKey": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "The write key as user name, no password.",
                }
            },
            "schemas": {
                "Result": {
                    "type": "object",
                    "required": ["success", "accepted", "duplicates"],
                    "properties": {
                        "success": {"type": "boolean", "enum": [True]},
                        "accepted": {"type": "integer", "minimum": 0},
                        "duplicates": {"type": "integer", "minimum": 0},
                    },
                },
                "Partial": {
                    "type": "object",
                    "required": ["success"],
                    "properties": {
                        "success": {"type": "boolean", "enum": [False]},
                        "accepted": {"type": "integer", "minimum": 0},
                        "duplicates": {"type": "integer", "minimum": 0},
                        "error": {"type": "string"},
                        "rejected": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["index", "messageId", "error"],
                                "properties": {
                                    "index": {"type": "integer", "minimum": 0},
                                    "messageId": {"type": "string", "nullable": True},
                                    "error": {"type": "string"},
                                },
                            },
                        },
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["success", "error"],
                    "properties": {
                        "success": {"type": "boolean", "enum": [False]},
                        "error": {"type": "string"},
                    },
                },
            },
        },
    }
