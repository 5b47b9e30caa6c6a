"""One tracking-API call: checked, then normalized into the record the lake stores.

A record keeps the tracking API's own field names (`messageId`, `type`, `event`, `userId`,
`anonymousId`, `timestamp`, `properties`, `traits`, `context`, ...) and always holds every
field of its call type (null when the client sent none), so each landing file of a type has
one layout. The collector adds `receivedAt` (its clock) and, as Segment does, `context.ip`
from the connection when the client sent none; `sentAt` comes from the call or its batch.
Fields outside the spec are dropped; `writeKey` is never stored.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import orjson

COMMON_FIELDS = (
    "messageId",
    "type",
    "userId",
    "anonymousId",
    "timestamp",
    "sentAt",
    "receivedAt",
    "context",
    "integrations",
)
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "track": ("event", "properties"),
    "page": ("name", "category", "properties"),
    "screen": ("name", "category", "properties"),
    "identify": ("traits",),
    "group": ("groupId", "traits"),
    "alias": ("previousId",),
}
DATASETS = {
    "track": "tracks",
    "page": "pages",
    "screen": "screens",
    "identify": "identifies",
    "group": "groups",
    "alias": "aliases",
}
"""Call type -> raw dataset (the table names Segment's own warehouses use)."""

OBJECT_FIELDS = ("context", "integrations", "properties", "traits")
TIME_FIELDS = ("timestamp", "sentAt")
MAX_ID_CHARS = 255
RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})"
)
"""The date-times the collector takes (what staging can cast): RFC 3339, as SDKs send."""


def fields_of(call_type: str) -> tuple[str, ...]:
    """Every field a record of `call_type` holds, in file order."""
    return COMMON_FIELDS + TYPE_FIELDS[call_type]


class Encoded(NamedTuple):
    """An accepted call, serialized once: its id, type and record as JSON bytes."""

    message_id: str
    call_type: str
    data: bytes


@dataclass(frozen=True)
class Rejected:
    """A call that was not accepted: where it was in the request, and why."""

    index: int
    message_id: str | None
    error: str

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "messageId": self.message_id, "error": self.error}


@dataclass(frozen=True)
class Envelope:
    """What a request says about all of its calls: when it was received, from where, and the
    batch's `sentAt` and `context` (merged under each call's own)."""

    received_at: str
    client_ip: str | None
    sent_at: Any = None
    context: Mapping[str, Any] | None = None


def _id_text(value: Any) -> str | None:
    """An id as text: strings as sent, integers as digits (SDKs send numeric user ids)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():  # 1.0 is an integer in JSON
        return str(int(value))
    if isinstance(value, str) and value:
        return value
    return None


def check_time(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{name} must be an ISO-8601 date-time string"
    if not RFC3339.fullmatch(value):
        return f"{name} {value[:40]!r} is not an ISO-8601 date-time with a time zone"
    try:
        datetime.fromisoformat(value.upper())
    except ValueError:
        return f"{name} {value[:40]!r} is not a real date-time"
    return None


def _problem(message: Mapping[str, Any], call_type: str) -> str | None:
    """What is wrong with `message` (already known to be an object of `call_type`)."""
    message_id = message.get("messageId")
    if message_id is not None and not (
        isinstance(message_id, str) and 0 < len(message_id) <= MAX_ID_CHARS
    ):
        return f"messageId must be a non-empty string of at most {MAX_ID_CHARS} characters"
    for name in ("userId", "anonymousId", "groupId", "previousId"):
        value = message.get(name)
        if value is not None and _id_text(value) is None:
            return f"{name} must be a non-empty string or an integer"
    if call_type == "alias":
        if _id_text(message.get("previousId")) is None or _id_text(message.get("userId")) is None:
            return "alias needs previousId and userId"
    elif _id_text(message.get("userId")) is None and _id_text(message.get("anonymousId")) is None:
        return "userId or anonymousId is required"
    if call_type == "track":
        event = message.get("event")
        if not isinstance(event, str) or not event:
            return "track needs event, a non-empty string"
    if call_type == "group" and _id_text(message.get("groupId")) is None:
        return "group needs groupId"
    for name in ("name", "category"):
        value = message.get(name)
        if value is not None and not isinstance(value, str):
            return f"{name} must be a string"
    for name in OBJECT_FIELDS:
        value = message.get(name)
        if value is not None and not isinstance(value, dict):
            return f"{name} must be a JSON object"
    write_key = message.get("writeKey")
    if write_key is not None and not isinstance(write_key, str):
        return "writeKey must be a string"
    for name in TIME_FIELDS:
        problem = check_time(message.get(name), name)
        if problem:
            return problem
    return None


def call_type_of(message: Any, path_type: str | None) -> tuple[str | None, str | None]:
    """(type, problem): a batch's call names its type; a single call's path does."""
    if not isinstance(message, dict):
        return None, "a call must be a JSON object"
    declared = message.get("type")
    if path_type is not None:
        if declared is not None and declared != path_type:
            return None, f"type {str(declared)[:40]!r} sent to the /{path_type} endpoint"
        return path_type, None
    if not isinstance(declared, str) or declared not in TYPE_FIELDS:
        return None, f"type must be one of {', '.join(TYPE_FIELDS)}"
    return declared, None


def normalize(message: Mapping[str, Any], call_type: str, envelope: Envelope) -> dict[str, Any]:
    """The stored record of a valid call."""
    context = dict(envelope.context or {})
    context.update(message.get("context") or {})
    if envelope.client_ip and "ip" not in context:
        context["ip"] = envelope.client_ip
    record: dict[str, Any] = {}
    for name in fields_of(call_type):
        record[name] = message.get(name)
    record["type"] = call_type
    record["messageId"] = message.get("messageId") or f"lake-{uuid.uuid4()}"
    for name in ("userId", "anonymousId", "groupId", "previousId"):
        if name in record:
            record[name] = _id_text(record[name])
    record["sentAt"] = message.get("sentAt") or envelope.sent_at
    if check_time(record["sentAt"], "sentAt"):
        record["sentAt"] = None
    record["receivedAt"] = envelope.received_at
    record["context"] = context
    return record


def check_call(
    index: int,
    message: Any,
    path_type: str | None,
    envelope: Envelope,
    max_bytes: int,
) -> tuple[Encoded | None, Rejected | None]:
    """(the encoded record, None) for a valid call, (None, why) for an invalid one."""
    message_id = message.get("messageId") if isinstance(message, dict) else None
    message_id = message_id if isinstance(message_id, str) else None
    call_type, problem = call_type_of(message, path_type)
    if call_type is not None:
        problem = _problem(message, call_type)
    if problem is None and call_type is not None:
        record = normalize(message, call_type, envelope)
        data = orjson.dumps(record)
        if len(data) <= max_bytes:
            return Encoded(record["messageId"], call_type, data), None
        size = len(data)
        problem = f"the call is {size} bytes; the limit is {max_bytes} bytes"
    return None, Rejected(index, message_id, problem or "invalid call")
