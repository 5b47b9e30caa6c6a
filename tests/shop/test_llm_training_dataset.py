"""`lake dataset llm-training`: the LLM calls flagged keep_for_training, as chat-format JSON
lines under $LAKE_ROOT/datasets/, with no e-mail, phone, card or CPF number left (the patterns
of the published-data scan, lake/governance/scan.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from lake.config import LakePaths
from lake.datasets.training import NoPublishedCallsError, export_training_dataset
from lake.governance.masking import install_macros
from lake.governance.scan import kinds_in

LAKE_BIN = Path(sys.executable).with_name("lake")
EMAIL = "maria.silva@example.com.br"
PHONE = "(11) 98765-4321"
CARD = "4111 1111 1111 1111"
CPF = "123.456.789-09"
BARE_CPF = "12345678909"
PERSONAL = (EMAIL, PHONE, CARD, CPF, BARE_CPF)

# (request_id, keep_for_training, status, messages, completion)
CALLS = [
    (
        "r1",
        True,
        "ok",
        [
            {"role": "system", "content": "You are the support agent."},
            {"role": "user", "content": f"call r1: I am {EMAIL}, phone {PHONE}, card {CARD}"},
        ],
        f"Thanks, we wrote to {EMAIL} about CPF {CPF}.",
    ),
    (
        "r2",
        False,
        "ok",
        [{"role": "user", "content": "call r2: not flagged"}],
        "an answer",
    ),
    ("r3", True, "timeout", [{"role": "user", "content": "call r3: it failed"}], None),
    (
        "r4",
        True,
        "ok",
        [
            {"role": "user", "content": f"call r4: my CPF is\n{BARE_CPF}"},
            {"role": "tool", "content": "a tool's output, left out"},
        ],
        "Noted.",
    ),
]


def make_published(root: Path, *, masked: bool) -> None:
    """A published database holding staging.stg_llm_calls__calls, masked as `lake publish`
    masks it (lake_mask_text on the restricted texts) or not."""
    published = root / "warehouse" / "lake.duckdb"
    published.parent.mkdir(parents=True)
    with duckdb.connect(str(published)) as con:
        con.execute("create schema staging")
        con.execute(
            "create table staging.stg_llm_calls__calls (request_id varchar, called_at "
            "timestamptz, keep_for_training boolean, status varchar, messages json, "
            "completion_text varchar)"
        )
        for i, (request_id, keep, status, messages, completion) in enumerate(CALLS):
            con.execute(
                "insert into staging.stg_llm_calls__calls values "
                "(?, timestamptz '2026-11-01 10:00:00+00' + to_minutes(?), ?, ?, ?, ?)",
                [request_id, i, keep, status, json.dumps(messages), completion],
            )
        if masked:
            install_macros(con, salt="test")
            con.execute(
                "update staging.stg_llm_calls__calls set "
                "messages = lake_mask_text(messages)::json, "
                "completion_text = lake_mask_text(completion_text)"
            )


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("masked", [True, False], ids=["published-masked", "unmasked"])
def test_only_flagged_answered_calls_with_no_personal_data_left(
    tmp_path: Path, masked: bool
) -> None:
    make_published(tmp_path, masked=masked)
    export = export_training_dataset(LakePaths(tmp_path))

    assert export.path == tmp_path / "datasets" / "llm_training.jsonl"
    assert export.path.is_file()
    lines = read_lines(export.path)
    assert export.lines == len(lines) == 2
    users = [m["content"] for line in lines for m in line["messages"] if m["role"] == "user"]
    assert [u.split(":")[0] for u in users] == ["call r1", "call r4"]  # flagged and answered
    for line in lines:
        assert set(line) == {"messages"}
        roles = [m["role"] for m in line["messages"]]
        assert set(roles) <= {"system", "user", "assistant"}
        assert roles[-1] == "assistant"
    assert lines[0]["messages"][-1]["content"].startswith("Thanks, we wrote to [email]")
    text = export.path.read_text(encoding="utf-8")
    assert list(kinds_in(text)) == []
    for line in lines:
        for message in line["messages"]:
            assert list(kinds_in(message["content"])) == [], message
    for value in PERSONAL:
        assert value not in text
    # a bare CPF right after an escape in the JSON text (`\n11...`) is masked at publish
    # (lake_mask_text takes an escape as a number's edge): the export's own pass over the
    # decoded text finds nothing left
    assert export.values_masked_after_publish == 0
    manifest = json.loads(export.path.with_suffix(".manifest.json").read_text())
    assert manifest["lines"] == 2


def test_cli_writes_the_dataset_and_says_where(tmp_path: Path) -> None:
    make_published(tmp_path, masked=True)
    done = subprocess.run(
        [str(LAKE_BIN), "dataset", "llm-training", "--root", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )
    result = json.loads(done.stdout)
    assert result["lines"] == 2
    assert Path(result["path"]) == tmp_path / "datasets" / "llm_training.jsonl"
    assert len(read_lines(Path(result["path"]))) == 2


def test_without_a_published_lake_it_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(NoPublishedCallsError, match="lake run"):
        export_training_dataset(LakePaths(tmp_path))
    assert not (tmp_path / "datasets" / "llm_training.jsonl").exists()
