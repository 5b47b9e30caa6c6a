"""Application databases the lake reads (the shop's): URLs, read-only attachment with
retries (`connect.py`), logical dumps and their restore (`dumps.py`, `lake db restore`)."""
