"""The shop's LLM calls: the LLM gateway's daily JSONL files, one record per call.

What lands: `extract/llm_calls.py` takes every complete `llm_calls_<YYYY-MM-DD>.jsonl` from
the gateway's drop folder (`LAKE_LLM_CALLS_DIR`) unchanged, and one text entry per call,
`call_<request id>.txt`, for `lake landing search`.

A record (one line; the gateway's own layout, OpenAI-compatible request and response):

```json
{"request_id": "req_...", "created_at": "2026-11-19T08:14:03.512Z", "agent": "support",
 "provider": "openai", "model": "gpt-4o-mini", "order_id": "...", "session_id": null,
 "request": {"model": "gpt-4o-mini", "messages": [{"role": "system", "content": "..."},
             {"role": "user", "content": "..."}], "temperature": 0.2, "max_tokens": 400},
 "response": {"id": "chatcmpl-...", "object": "chat.completion", "created": 1763540043,
              "model": "gpt-4o-mini", "choices": [{"index": 0, "message": {"role": "assistant",
              "content": "..."}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 412,
              "completion_tokens": 96, "total_tokens": 508,
              "prompt_tokens_details": {"cached_tokens": 256}}},
 "latency_ms": 812, "status": "ok", "error": null, "cost_usd": "0.00012060",
 "keep_for_training": false}
```

`status` is `ok`, `error` (the provider refused: `error` holds `type`, `code`, `message`;
`response` null) or `timeout` (no answer within the gateway's limit: `response` null, no
cost). A nested value lands as its JSON text. A line that is not JSON is a rejected row.

Path through the lake: `extract/llm_calls.py` -> `landing/llm_calls/<batch>/` ->
`raw/_source=llm_calls/_dataset=<name>/` -> `models/staging/llm_calls/`.
"""

from __future__ import annotations

from lake.contracts._helpers import Record
from lake.errors import ContractError
from lake.ingest.contract import (
    NOT_NULL,
    Column,
    Dataset,
    Freshness,
    Hook,
    Layout,
    Ndjson,
    ParseInput,
    Source,
)

SOURCE = "llm_calls"

SOURCE_INFO = Source(
    name=SOURCE,
    title="LLM calls",
    description=(
        "The shop's LLM gateway: one record per call by the shop's agents (support, pricing, "
        "catalog, shopping assistant), in daily JSONL files dropped into a folder, landed by "
        "`extract/llm_calls.py` once each day's file is complete, validated and written to "
        "the raw zone by `lake ingest`. Every raw column is text exactly as the gateway wrote "
        "it; nested request and response objects are JSON text."
    ),
    owner="shop-engineering",
    freshness=Freshness(
        warn_days=2,
        error_days=4,
        why="A day's file lands the day after; two days without one means the drop stopped.",
    ),
)

AGENTS = ("support", "pricing", "catalog", "shopping_assistant")
STATUSES = ("ok", "error", "timeout")

calls = Dataset(
    source=SOURCE,
    name="calls",
    description=(
        "One LLM call per row, from the gateway's daily files `llm_calls_<YYYY-MM-DD>.jsonl` "
        "(the file of day D holds the calls made on D, UTC). A file that changed after it "
        "was landed lands again: its calls then appear once per version (staging keeps one "
        "per request id)."
    ),
    pattern="llm_calls_*.jsonl",
    format=Ndjson(),
    layouts=(
        Layout(
            "v1",
            required=(
                "request_id",
                "created_at",
                "agent",
                "provider",
                "model",
                "request",
                "status",
                "latency_ms",
            ),
            optional=(
                "order_id",
                "session_id",
                "response",
                "error",
                "cost_usd",
                "keep_for_training",
            ),
        ),
    ),
    primary_key=("request_id",),
    retention="llm_payload",
    schema=(
        Column("request_id", "The gateway's id of the call.", "internal", tests=NOT_NULL),
        Column(
            "created_at",
            "When the call was sent, ISO 8601 UTC with milliseconds (`2026-11-19T08:14:03.512Z`).",
            "internal",
            type="timestamp:%Y-%m-%dT%H:%M:%S.%gZ",
            tests=NOT_NULL,
        ),
        Column(
            "agent",
            "The shop's agent that made the call: support, pricing, catalog, shopping_assistant.",
            "internal",
            tests=(
                "not_null",
                {"accepted_values": {"arguments": {"values": list(AGENTS)}}},
            ),
        ),
        Column("provider", "The LLM provider the gateway routed to.", "internal", tests=NOT_NULL),
        Column("model", "The model asked for.", "internal", tests=NOT_NULL),
        Column(
            "order_id",
            "The shop order the call served (the application's `orders.order_id`), if any.",
            "internal",
        ),
        Column(
            "session_id",
            "The storefront session the call served (shopping assistant), if any.",
            "confidential",
        ),
        Column(
            "request",
            "The OpenAI-compatible request as JSON text: `model`, `messages` (role and "
            "content: prompts holding customers' words), `temperature`, `max_tokens`.",
            "restricted",
            tests=NOT_NULL,
        ),
        Column(
            "response",
            "The OpenAI-compatible response as JSON text: `id`, `choices` (the completion), "
            "`usage` (`prompt_tokens`, `completion_tokens`, `total_tokens`, "
            "`prompt_tokens_details.cached_tokens`); null when the call failed.",
            "restricted",
        ),
        Column(
            "latency_ms",
            "Milliseconds from sending to the answer (or to giving up).",
            "internal",
            type="integer",
            tests=NOT_NULL,
        ),
        Column(
            "status",
            "ok, error (the provider refused) or timeout.",
            "internal",
            tests=(
                "not_null",
                {"accepted_values": {"arguments": {"values": list(STATUSES)}}},
            ),
        ),
        Column(
            "error",
            "For a failed call, JSON text: `type`, `code`, `message`; else null.",
            "internal",
        ),
        Column(
            "cost_usd",
            "What the call cost in USD, as decimal text with 8 places (0 when it failed).",
            "confidential",
            type="decimal(18,8)",
        ),
        Column(
            "keep_for_training",
            "Whether the call may be used to train or evaluate models (`true`/`false`).",
            "internal",
            type="boolean",
        ),
    ),
)


def parse_call_text(inp: ParseInput) -> list[Record]:
    """A call's text entry: one row pointing at its record (the text itself stays in the
    landing store, where search finds it)."""
    metadata = inp.metadata
    request_id = metadata.get("request_id")
    if not request_id:
        raise ContractError(
            "missing_metadata",
            f"{inp.name}: a call text entry without `request_id` in its landing metadata",
            "land the daily file again with `lake extract llm_calls` (it writes the texts)",
        )
    return [
        {
            "request_id": str(request_id),
            "daily_file": str(metadata.get("daily_file") or ""),
            "line_number": str(metadata.get("line_number") or ""),
            "characters": str(len(inp.text())),
        }
    ]


call_texts = Dataset(
    source=SOURCE,
    name="call_texts",
    description=(
        "The searchable text entries `call_<request id>.txt`, one per call: the call's "
        "messages and answer as plain text in the landing store, found by "
        "`lake landing search`. Raw keeps only which call and daily line each one is."
    ),
    pattern="call_*.txt",
    format=Hook(parse_call_text),
    # the landing files themselves are prompts and answers: kept as long as the calls' payload
    retention="llm_payload",
    layouts=(Layout("v1", required=("request_id", "daily_file", "line_number", "characters")),),
    primary_key=("request_id",),
    schema=(
        Column("request_id", "The call's request id.", "internal", tests=NOT_NULL),
        Column("daily_file", "The daily file the call is in.", "internal", tests=NOT_NULL),
        Column(
            "line_number",
            "The call's line in that file (1-based).",
            "internal",
            type="integer",
            tests=NOT_NULL,
        ),
        Column(
            "characters",
            "Length of the text entry in characters.",
            "internal",
            type="integer",
            tests=NOT_NULL,
        ),
    ),
)

DATASETS = [calls, call_texts]
