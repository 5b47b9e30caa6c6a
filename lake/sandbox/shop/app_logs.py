"""The shop application's logs in the sandbox: access lines and error records of one day.

`access_lines(seed, day, calls, orders)` and `error_records(...)` are pure functions of
(seed, day) and that day's LLM calls and orders, so the logs agree with the gateway's file:
every shopping-assistant call is a `POST /api/assistant` request (502 when the call failed,
with an ERROR record naming the request), every order a `POST /checkout`; around them,
storefront traffic (pages, products, static files, some 404s and a few 500s, each 500 with
its ERROR record, and slow requests logged as WARNING).

Access lines are in the combined log format (`COMBINED_LOG` in `lake/ingest/contract.py`);
IPs come from the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from lake.sandbox import rng

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NETWORKS = ("192.0.2", "198.51.100", "203.0.113")
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "LojaLanterna/4.2.0 (Android 14)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
)
REFERERS = ("-", "https://www.google.com/", "https://www.instagram.com/", "https://loja.example/")
PAGES = ("/", "/busca?q=presente", "/carrinho", "/conta", "/static/app.js", "/static/app.css")


@dataclass(frozen=True)
class Request:
    """One HTTP request the application served."""

    at: datetime
    ip: str
    method: str
    target: str
    status: int
    size: int
    referer: str
    agent: str
    request_id: str

    def line(self) -> str:
        stamp = (
            f"{self.at.day:02d}/{MONTHS[self.at.month - 1]}/{self.at.year}:{self.at:%H:%M:%S} +0000"
        )
        size = str(self.size) if self.size else "-"
        return (
            f'{self.ip} - - [{stamp}] "{self.method} {self.target} HTTP/1.1" {self.status} '
            f'{size} "{self.referer}" "{self.agent}"'
        )


def _client(seed: int, *key: object) -> tuple[str, str]:
    u = rng.units(seed, "client", *key)
    ip = f"{NETWORKS[int(u[0] * len(NETWORKS))]}.{1 + int(u[1] * 254)}"
    return ip, USER_AGENTS[int(u[2] * len(USER_AGENTS))]


def _rid(seed: int, *key: object) -> str:
    return "".join(f"{int(u * 2**32):08x}" for u in rng.units(seed, "http-id", *key))[:16]


def requests_of(
    seed: int,
    day: date,
    calls: list[dict[str, Any]],
    orders: list[dict[str, Any]],
    until: time | None = None,
) -> list[Request]:
    """The day's requests in time order (only those before `until`, when given)."""
    found: list[Request] = []
    for call in calls:
        if call["agent"] != "shopping_assistant":
            continue
        at = datetime.fromisoformat(call["created_at"].replace("Z", "")) + timedelta(
            milliseconds=call["latency_ms"]
        )
        ip, agent = _client(seed, call["session_id"])
        status = 200 if call["status"] == "ok" else 502
        found.append(
            Request(
                at,
                ip,
                "POST",
                "/api/assistant",
                status,
                900 if status == 200 else 120,
                "https://loja.example/",
                agent,
                _rid(seed, call["request_id"]),
            )
        )
    for order in orders:
        ip, agent = _client(seed, order["customer_id"])
        found.append(
            Request(
                order["purchased_at"],
                ip,
                "POST",
                "/checkout",
                302,
                0,
                "https://loja.example/carrinho",
                agent,
                _rid(seed, order["order_id"]),
            )
        )
    visits = 150 + int(rng.unit(seed, "traffic", day) * 100)
    for v in range(visits):
        u = rng.units(seed, "visit", day, v)
        at = datetime.combine(day, time()) + timedelta(seconds=int(u[0] * 86_400))
        ip, agent = _client(seed, day, v // 4)  # a visitor asks for about four things
        target = PAGES[int(u[1] * len(PAGES))] if u[1] < 0.55 else f"/produtos/{int(u[1] * 480)}"
        status = 200
        if u[2] < 0.03:
            target, status = f"/produtos/antigo-{v}", 404
        elif u[2] < 0.04:
            status = 500
        elif target.startswith("/static") and u[3] < 0.5:
            status = 304
        size = 0 if status == 304 else 3_000 + int(u[3] * 60_000)
        referer = REFERERS[int(u[3] * len(REFERERS))]
        found.append(
            Request(at, ip, "GET", target, status, size, referer, agent, _rid(seed, day, v))
        )
    found.sort(key=lambda r: (r.at, r.request_id))
    if until is not None:
        limit = datetime.combine(day, until)
        found = [r for r in found if r.at < limit]
    return found


def access_log(requests: list[Request]) -> bytes:
    return "".join(r.line() + "\n" for r in requests).encode("utf-8")


def error_records(requests: list[Request], calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ERROR records for the failed requests (the assistant's failed LLM calls named), in
    time order."""
    failed_calls = {c["request_id"]: c for c in calls if c["status"] != "ok"}
    by_rid = {r.request_id: r for r in requests if r.status >= 500 or r.target == "/api/assistant"}
    records: list[dict[str, Any]] = []
    for rid, request in by_rid.items():
        if request.status < 500:
            continue
        base = {
            "timestamp": request.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "level": "ERROR",
            "request_id": rid,
            "method": request.method,
            "path": request.target.split("?")[0],
            "status": request.status,
        }
        if request.target == "/api/assistant":
            call = next((c for c in failed_calls.values() if _matches(c, request)), None)
            error = (call or {}).get("error") or {}
            records.append(
                {
                    **base,
                    "logger": "shop.assistant",
                    "message": f"LLM gateway call {(call or {}).get('request_id')} failed: "
                    f"{error.get('type', 'unknown')}",
                    "exception": {"type": "GatewayError", "message": error.get("message", "")},
                }
            )
        else:
            records.append(
                {
                    **base,
                    "logger": "shop.web",
                    "message": f"Unhandled error rendering {request.target}",
                    "exception": {
                        "type": "OperationalError",
                        "message": "could not obtain a database connection",
                    },
                }
            )
    records.sort(key=lambda r: (r["timestamp"], r["request_id"]))
    return records


def _matches(call: dict[str, Any], request: Request) -> bool:
    done = datetime.fromisoformat(call["created_at"].replace("Z", "")) + timedelta(
        milliseconds=call["latency_ms"]
    )
    return done == request.at


def error_log(records: list[dict[str, Any]]) -> bytes:
    return "".join(
        json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records
    ).encode("utf-8")
