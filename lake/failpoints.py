"""Named crash points, for the tests that prove a killed step leaves the lake whole.

`LAKE_TEST_CRASH_AT=<point>[:<n>]` makes the process kill itself with SIGKILL (no cleanup, no
finally blocks, exactly like `kill -9` or a power cut) the n-th time (default: first) it
reaches `<point>`. Unset, a crash point costs one environment lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "LAKE_TEST_CRASH_AT"

_reached: Counter[str] = Counter()


def crash_point(name: str) -> None:
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _reached[name] += 1
    if _reached[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
