"""The event collector: `lake serve events`, a Segment-compatible HTTP tracking API.

Clients (analytics.js, the Segment and RudderStack SDKs, the shop's agents) send track, page,
screen, identify, group and alias calls; the collector validates them (`messages.py`),
appends the accepted ones to a write-ahead log and answers only after an fsync (`wal.py`,
group commit), then rolls the log into one NDJSON landing file per call type through the
landing store (`lander.py`), from where `lake ingest` loads them like any other source
(`lake/contracts/events.py`). `collector.py` ties these together (deduplication by
`messageId`, backpressure); `app.py` is the ASGI application, `openapi.py` its document,
`cli.py` the `lake serve` group.
"""
