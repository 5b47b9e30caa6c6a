"""The `Regex` format on access logs in the combined log format (`lake/contracts/app_logs.py`):
every field as the text the server wrote, escaped quotes kept, a malformed line rejected with
its line number and text (never lost), a bad status a typed reject, gzip read as well."""

from __future__ import annotations

import gzip

from lake.contracts.app_logs import access
from lake.ingest.contract import COMBINED_LOG, Regex
from tests.ingest.conftest import Lake

GOOD = (
    '203.0.113.9 - - [19/Nov/2026:08:14:03 +0000] "GET /produtos/42?q=%22x%22 HTTP/1.1" 200 '
    '5120 "https://www.google.com/" "Mozilla/5.0 (X11; Linux x86_64)"'
)
QUOTED = (
    '198.51.100.7 - alice [19/Nov/2026:08:14:04 -0300] "GET /busca?q=\\"bola\\" HTTP/1.1" 304 '
    '- "-" "Agent \\"quoted\\" 1.0"'
)
CUT = "192.0.2.5 - - [19/Nov/2026:08:1"  # the server died mid-write
BAD_STATUS = '192.0.2.6 - - [19/Nov/2026:08:14:05 +0000] "GET / HTTP/1.1" 2x0 10 "-" "curl/8.0"'


def test_the_pattern_names_the_contract_columns() -> None:
    assert Regex(COMBINED_LOG).fields == access.columns


def test_access_log_lines_land_as_written_and_a_malformed_line_is_rejected(lake: Lake) -> None:
    lake.land("access-2026-11-19.log", "\n".join([GOOD, CUT, QUOTED, BAD_STATUS]) + "\n",
              source="app_logs")  # fmt: skip
    (outcome,) = lake.ingest([access]).files
    assert outcome.status == "ingested"
    assert (outcome.rows_landed, outcome.rows_raw, outcome.rows_rejected) == (4, 2, 2)
    rows = lake.raw("access", source="app_logs")
    assert [r["_row_number"] for r in rows] == [1, 3]
    first, quoted = rows
    assert first["remote_addr"] == "203.0.113.9" and first["remote_user"] == "-"
    assert first["time_local"] == "19/Nov/2026:08:14:03 +0000"
    assert first["request"] == "GET /produtos/42?q=%22x%22 HTTP/1.1"
    assert (first["status"], first["body_bytes_sent"]) == ("200", "5120")
    assert first["http_referer"] == "https://www.google.com/"
    assert first["http_user_agent"] == "Mozilla/5.0 (X11; Linux x86_64)"
    assert quoted["remote_user"] == "alice" and quoted["body_bytes_sent"] == "-"
    assert quoted["request"] == 'GET /busca?q=\\"bola\\" HTTP/1.1'
    assert quoted["http_user_agent"] == 'Agent \\"quoted\\" 1.0'
    cut, bad = lake.rejects()
    assert (cut["line"], cut["raw_record"]) == (2, CUT)
    assert cut["error"] == "line does not match the format"
    # `2x0` fails the pattern's three digits: a line, not a value, that is not in the format
    assert bad["line"] == 4 and bad["raw_record"] == BAD_STATUS


def test_a_rotated_gzip_access_log_is_read_too(lake: Lake) -> None:
    lake.land("access-2026-11-18.log.gz", gzip.compress((GOOD + "\n" + QUOTED + "\n").encode()),
              source="app_logs")  # fmt: skip
    (outcome,) = lake.ingest([access]).files
    assert outcome.status == "ingested" and outcome.rows_raw == 2
