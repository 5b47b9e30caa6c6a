"""The LLM training dataset: the shop's LLM calls flagged `keep_for_training`, as chat-format
JSON lines (`{"messages": [{"role": ..., "content": ...}, ...]}`, the request's system and
user messages and the model's answer as the assistant's), personal data masked.

Where the texts come from: the published database (`warehouse/lake.duckdb`), never the
data_engineer's unmasked one. Publishing masks the restricted `messages` and
`completion_text` of `staging.stg_llm_calls__calls` with `lake_mask_text`
(lake/governance/masking.py: e-mail addresses, CPF, card and phone numbers replaced by
`[email]`, `[cpf]`, `[card]`, `[phone]`). The export applies the same masking again (it is
idempotent), then looks for what the published-data scanner looks for
(lake/governance/scan.py) and replaces any value it still finds by `[<kind>]`, so the file
holds nothing the scan would report. A data subject erased later is scrubbed from this file
by `lake erase` like from every file of the lake (lake/governance/scrub.py reads JSON lines).

Only calls that answered (status `ok` with an answer) are kept: a failed call has no
assistant message to learn from. Roles other than system, user and assistant are left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from lake.config import LakePaths
from lake.errors import NotFoundError
from lake.fsutil import atomic_write_bytes, atomic_write_json
from lake.governance.masking import install_macros
from lake.governance.scan import kinds_in
from lake.warehouse.layout import WarehouseLayout
from lake.warehouse.publish import current_version

DATASET_NAME = "llm_training"
ROLES = ("system", "user", "assistant")

FLAGGED_CALLS = """
select
    request_id,
    lake_mask_text(messages::varchar) as messages,
    lake_mask_text(completion_text) as completion_text
from published.staging.stg_llm_calls__calls
where keep_for_training and status = 'ok' and completion_text is not null
order by called_at, request_id
"""


class NoPublishedCallsError(NotFoundError):
    hint = "build and publish the lake first (`lake run`), with the LLM gateway's files ingested"


@dataclass(frozen=True)
class TrainingExport:
    path: Path
    lines: int
    version: str
    values_masked_after_publish: int

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "path": str(self.path)}


def dataset_path(paths: LakePaths) -> Path:
    return paths.root / "datasets" / f"{DATASET_NAME}.jsonl"


def mask_remaining(text: str) -> tuple[str, int]:
    """`text` with every value the published-data scan finds replaced by `[<kind>]`, and
    how many there were (0 for text the publish masking already cleaned)."""
    found = sorted(set(kinds_in(text)), key=lambda item: -len(item[1]))
    for kind, value in found:
        text = text.replace(value, f"[{kind}]")
    return text, len(found)


def chat_record(messages_json: str, completion: str) -> tuple[dict[str, Any], int]:
    """One line of the dataset and how many values it had to mask."""
    masked = 0
    messages = []
    for message in json.loads(messages_json):
        role = message.get("role")
        content = message.get("content")
        if role not in ROLES or not isinstance(content, str):
            continue
        content, count = mask_remaining(content)
        masked += count
        messages.append({"role": role, "content": content})
    answer, count = mask_remaining(completion)
    messages.append({"role": "assistant", "content": answer})
    return {"messages": messages}, masked + count


def _flagged_calls(published: Path) -> list[tuple[str, str, str]]:
    with duckdb.connect() as con:
        quoted = str(published).replace("'", "''")
        con.execute(f"attach '{quoted}' as published (read_only)")
        install_macros(con, salt="")  # only lake_mask_text is used: no hash, no salt needed
        present = con.execute(
            "select count(*) from duckdb_tables() where database_name = 'published' "
            "and schema_name = 'staging' and table_name = 'stg_llm_calls__calls'"
        ).fetchone()
        if not present or not present[0]:
            raise NoPublishedCallsError(
                f"the published database {published} holds no staging.stg_llm_calls__calls"
            )
        return [(str(r), str(m), str(c)) for r, m, c in con.execute(FLAGGED_CALLS).fetchall()]


def export_training_dataset(paths: LakePaths) -> TrainingExport:
    """Write `datasets/llm_training.jsonl` (atomically) and its manifest beside it."""
    layout = WarehouseLayout(paths)
    if not layout.published.exists():
        raise NoPublishedCallsError(f"no published database at {layout.published}")
    version = current_version(layout) or "unknown"
    lines: list[str] = []
    masked = 0
    for _request_id, messages, completion in _flagged_calls(layout.published):
        record, count = chat_record(messages, completion)
        masked += count
        lines.append(json.dumps(record, ensure_ascii=False))
    path = dataset_path(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, "".join(line + "\n" for line in lines).encode("utf-8"))
    export = TrainingExport(path, len(lines), version, masked)
    atomic_write_json(path.with_suffix(".manifest.json"), export.as_json())
    return export
