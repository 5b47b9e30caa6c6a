"""The shop application's logs: access logs (combined log format) and error logs (JSON lines).

What lands: `extract/app_logs.py` takes every complete daily file from the application's log
folder (`LAKE_APP_LOGS_DIR`) unchanged: `access-<YYYY-MM-DD>.log` and
`error-<YYYY-MM-DD>.jsonl` (or their rotated `.gz`).

Access lines are the web servers' combined log format,
`%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`, e.g.

    203.0.113.9 - - [19/Nov/2026:08:14:03 +0000] "GET /produtos/42 HTTP/1.1" 200 5120 "-"
    "Mozilla/5.0 (...)"

(one line in the file)

read by the `Regex` format (`COMBINED_LOG`): every field lands as the text between its
delimiters (`-` where the server wrote `-`); a line that is not in the format (a truncated
write, a stray debug print) is a rejected row with its line number and text, never dropped.

Error lines are JSON objects: `timestamp` (ISO 8601 UTC), `level` (WARNING, ERROR,
CRITICAL), `logger`, `message`, `request_id`, `method`, `path`, `status`, `exception` (the
type and message, or null).

Path through the lake: `extract/app_logs.py` -> `landing/app_logs/<batch>/` ->
`raw/_source=app_logs/_dataset=<name>/` -> `models/staging/app_logs/`.
"""

from __future__ import annotations

from lake.ingest.contract import (
    COMBINED_LOG,
    NOT_NULL,
    Column,
    Dataset,
    Freshness,
    Layout,
    Ndjson,
    Regex,
    Source,
)

SOURCE = "app_logs"

SOURCE_INFO = Source(
    name=SOURCE,
    title="Application logs",
    description=(
        "The shop application's daily log files, dropped into a folder: access logs in the "
        "combined log format and error logs as JSON lines, landed by `extract/app_logs.py` "
        "once each day's file is complete, validated and written to the raw zone by "
        "`lake ingest`. Every raw column is text exactly as the application wrote it."
    ),
    owner="shop-engineering",
    freshness=Freshness(
        warn_days=2,
        error_days=4,
        why="A day's files land the day after; two days without one means the drop stopped.",
    ),
)

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

access = Dataset(
    source=SOURCE,
    name="access",
    description=(
        "One HTTP request per row, from the daily access logs `access-<YYYY-MM-DD>.log` in "
        "the combined log format. `_row_number` is the line in the file: with the file it "
        "identifies the request."
    ),
    pattern="access-*.log",
    format=Regex(COMBINED_LOG),
    layouts=(Layout("combined", required=Regex(COMBINED_LOG).fields),),
    retention="personal_data",
    schema=(
        Column(
            "remote_addr",
            "The client's IP address (personal data).",
            "restricted",
            tests=NOT_NULL,
        ),
        Column("remote_ident", "RFC 1413 identity, `-` when unknown (always).", "internal"),
        Column(
            "remote_user",
            "The HTTP-authenticated user, `-` when none (personal data when present).",
            "restricted",
        ),
        Column(
            "time_local",
            "When the request was received, `%d/%b/%Y:%H:%M:%S %z` (`19/Nov/2026:08:14:03 +0000`).",
            "internal",
            type="timestamp:%d/%b/%Y:%H:%M:%S %z",
            tests=NOT_NULL,
        ),
        Column(
            "request",
            "The request line, `METHOD target PROTOCOL` (the target may carry a query).",
            "internal",
            tests=NOT_NULL,
        ),
        Column("status", "The HTTP status sent.", "internal", type="integer", tests=NOT_NULL),
        Column(
            "body_bytes_sent",
            "Bytes of the response body, `-` when none.",
            "internal",
            tests=NOT_NULL,
        ),
        Column("http_referer", "The Referer header, `-` when none.", "internal"),
        Column(
            "http_user_agent",
            "The User-Agent header (identifies a browser and device).",
            "confidential",
        ),
    ),
)

errors = Dataset(
    source=SOURCE,
    name="errors",
    description=(
        "One logged warning or error per row, from the daily error logs "
        "`error-<YYYY-MM-DD>.jsonl` (JSON lines)."
    ),
    pattern="error-*.jsonl",
    format=Ndjson(),
    layouts=(
        Layout(
            "v1",
            required=("timestamp", "level", "logger", "message"),
            optional=("request_id", "method", "path", "status", "exception"),
        ),
    ),
    retention="raw_default",
    schema=(
        Column(
            "timestamp",
            "When it was logged, ISO 8601 UTC to the second (`2026-11-19T08:14:03Z`).",
            "internal",
            type="timestamp:%Y-%m-%dT%H:%M:%SZ",
            tests=NOT_NULL,
        ),
        Column(
            "level",
            "The log level: WARNING, ERROR or CRITICAL (DEBUG and INFO are not written).",
            "internal",
            tests=("not_null", {"accepted_values": {"arguments": {"values": list(LEVELS)}}}),
        ),
        Column("logger", "The application module that logged it.", "internal", tests=NOT_NULL),
        Column(
            "message",
            "The log message (the application writes no personal data into it).",
            "confidential",
            tests=NOT_NULL,
        ),
        Column("request_id", "The id of the HTTP request it happened in, if any.", "internal"),
        Column("method", "That request's HTTP method, if any.", "internal"),
        Column("path", "That request's path, if any.", "internal"),
        Column("status", "The HTTP status answered, if any.", "internal", type="integer"),
        Column(
            "exception",
            "The exception, JSON text with `type` and `message`, or null.",
            "confidential",
        ),
    ),
)

DATASETS = [access, errors]
