"""The shop application's logs: access logs (combined log format) and error logs (JSON lines).

What lands: every complete daily file in the drop folder `LAKE_APP_LOGS_DIR`, unchanged,
once (see `extract/_drop.py`: today's files are still growing and wait for the next run):

- `access-<YYYY-MM-DD>.log`: one line per HTTP request in the combined log format,
  `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"` (dataset `access`);
- `error-<YYYY-MM-DD>.jsonl`: one JSON object per logged warning or error: time, level,
  logger, message, the request it happened in, the exception (dataset `errors`).

Rotated files compressed with gzip (`access-<day>.log.gz`) land as they are; ingest reads
them. Layouts: `lake/contracts/app_logs.py`.

Production: point `LAKE_APP_LOGS_DIR` at the folder the application (or its log shipper)
writes daily files into; `LAKE_APP_LOGS_SETTLE_SECONDS` (default 60) is how long a file must
stay unmodified before it counts as complete.
"""

from __future__ import annotations

from extract._base import ExtractContext, Extractor
from extract._drop import DropKind, land_drops

SOURCE = "app_logs"
VERSION = "1.0.0"
KINDS = (
    DropKind(pattern="access-*.log", dataset="access", data_type="log"),
    DropKind(pattern="access-*.log.gz", dataset="access", data_type="gzip"),
    DropKind(pattern="error-*.jsonl", dataset="errors", data_type="ndjson"),
    DropKind(pattern="error-*.jsonl.gz", dataset="errors", data_type="gzip"),
)


async def extract(ctx: ExtractContext) -> None:
    await land_drops(ctx, KINDS)


EXTRACTOR = Extractor(
    name=SOURCE,
    kind="drop",
    version=VERSION,
    run=extract,
    default_base_url="file://",
    description="The application's daily access logs (combined log format) and error logs "
    "(JSON lines)",
    settings=("DIR",),
    overlap_days=0,
    first_run_days=1,
)
