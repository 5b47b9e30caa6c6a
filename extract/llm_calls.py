"""The shop's LLM calls: the daily JSONL files its LLM gateway writes, one record per call.

What lands: every complete `llm_calls_<YYYY-MM-DD>.jsonl` in the drop folder
`LAKE_LLM_CALLS_DIR` (the gateway's log folder, or a copy of it), unchanged, once (see
`extract/_drop.py`: today's file is still growing and waits for the next run). Each record is
one call by one of the shop's agents (support, pricing, catalog, shopping_assistant): request
id, time, provider and model, the OpenAI-compatible request (`messages`) and response
(`choices`, `usage` with prompt, completion and cached tokens), latency, status and error,
cost, the order or session it served, and `keep_for_training` (layout:
`lake/contracts/llm_calls.py`).

Before a daily file lands, each of its calls also lands as a small text entry,
`<account>/calls/call_<request id>.txt` (dataset `call_texts`): the messages and the answer
as plain text, with the call's agent, model, order and session in its metadata, so that
`lake landing search "<words of a prompt>"` finds the call. The daily file stays the record
ingest reads; the text entries only index it.

Production: point `LAKE_LLM_CALLS_DIR` at the gateway's log folder (a mounted volume or a
synced copy). `LAKE_LLM_CALLS_SETTLE_SECONDS` (default 60) is how long a file must stay
unmodified before it counts as complete.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from extract._base import ExtractContext, Extractor
from extract._drop import DropFile, DropKind, Landed, land_drops

SOURCE = "llm_calls"
VERSION = "1.0.0"
DAILY = DropKind(pattern="llm_calls_*.jsonl", dataset="calls", data_type="ndjson")
TEXTS_FOLDER = "calls"
TEXTS_DATASET = "call_texts"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def _content_text(content: Any) -> str:
    """A message's content as text: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text", "") for p in content if isinstance(p, dict)]
        return "\n".join(p for p in parts if p)
    return "" if content is None else json.dumps(content, ensure_ascii=False)


def call_text(record: dict[str, Any], daily_file: str, line: int) -> str:
    """The call as plain text: a header, then each message and each answer, role first."""
    request = record.get("request") if isinstance(record.get("request"), dict) else {}
    response = record.get("response") if isinstance(record.get("response"), dict) else {}
    header = [
        f"LLM call {record.get('request_id')} at {record.get('created_at')}",
        f"agent: {record.get('agent')}, model: {record.get('model')} "
        f"({record.get('provider')}), status: {record.get('status')}",
        f"order: {record.get('order_id') or '-'}, session: {record.get('session_id') or '-'}",
        f"from {daily_file}, line {line}",
    ]
    blocks = [
        f"[{message.get('role', '?')}]\n{_content_text(message.get('content'))}"
        for message in request.get("messages") or []
        if isinstance(message, dict)
    ]
    blocks += [
        f"[{choice['message'].get('role', 'assistant')}]\n"
        f"{_content_text(choice['message'].get('content'))}"
        for choice in response.get("choices") or []
        if isinstance(choice, dict) and isinstance(choice.get("message"), dict)
    ]
    error = record.get("error")
    if error:
        blocks.append(f"[error]\n{json.dumps(error, ensure_ascii=False)}")
    return "\n".join(header) + "\n\n" + "\n\n".join(blocks) + "\n"


def _records(drop: DropFile) -> list[tuple[int, dict[str, Any]]]:
    """(line number, record) of every line that is a JSON object with a request id; other
    lines get no text entry (ingest rejects them, with their text)."""
    found = []
    for number, line in enumerate(drop.content.decode("utf-8", "replace").splitlines(), 1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and record.get("request_id"):
            found.append((number, record))
    return found


async def land_call_texts(ctx: ExtractContext, drop: DropFile, seen: Landed) -> None:
    """Land each call of a daily file as a searchable text entry (skipping those landed by
    an earlier run that stopped before the daily file itself landed)."""
    landed = skipped = 0
    for line, record in _records(drop):
        request_id = str(record["request_id"])
        name = f"call_{_UNSAFE.sub('_', request_id)}.txt"
        text = call_text(record, drop.name, line).encode("utf-8")
        if name in seen and _sha256(text) in seen[name]:
            skipped += 1
            continue
        await ctx.land(
            name,
            text,
            "txt",
            url=drop.path.resolve().as_uri() + f"#line={line}",
            dataset=TEXTS_DATASET,
            folder=TEXTS_FOLDER,
            extra={
                "request_id": request_id,
                "agent": record.get("agent"),
                "model": record.get("model"),
                "provider": record.get("provider"),
                "status": record.get("status"),
                "order_id": record.get("order_id"),
                "session_id": record.get("session_id"),
                "daily_file": drop.name,
                "line_number": line,
            },
        )
        landed += 1
    ctx.log.info("call_texts", daily_file=drop.name, landed=landed, already=skipped)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def extract(ctx: ExtractContext) -> None:
    await land_drops(ctx, [DAILY], derive=land_call_texts)


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="drop",
    version=VERSION,
    run=extract,
    default_base_url="file://",
    description="The LLM gateway's daily JSONL files (one record per call), plus a text "
    "entry per call for search",
    settings=("DIR",),
    overlap_days=0,
    first_run_days=1,
)
