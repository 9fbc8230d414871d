"""Everything the receiver reads from its environment, read once at import.

Three switches make it wrong the way real receivers are wrong (README "Switches"); their
defaults are the right way.
"""

import os
import sys


def _one_of(name: str, allowed: tuple[str, ...]) -> str:
    value = os.environ.get(name, "") or allowed[0]
    if value not in allowed:
        sys.exit(f"{name}={value!r} is not one of {', '.join(allowed)}; fix or unset it")
    return value


def _number(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        sys.exit(f"{name}={raw!r} is not a whole number >= 1; fix or unset it")
    return int(raw)


REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# The pack's default test user, so `npm run stress -- --target ...` needs no AUTH_* settings.
USER_EMAIL = os.environ.get("RECEIVER_USER", "trader@example.com")
USER_PASSWORD = os.environ.get("RECEIVER_PASSWORD", "stress-test-password")

# The guide: 10 signals per second per webhook, duplicates within 1 s are replays.
RATE_LIMIT_PER_SECOND = _number("RATE_LIMIT_PER_SECOND", 10)
IDEMPOTENCY_TTL_MS = _number("IDEMPOTENCY_TTL_MS", 1000)
# A signal is a few hundred bytes; anything above this is refused before it is read in full.
MAX_BODY_BYTES = _number("MAX_BODY_BYTES", 64 * 1024)
# Connections each worker's pool may open; requests beyond it wait for one (at most 2 s).
REDIS_POOL_SIZE = _number("REDIS_POOL_SIZE", 20)

# atomic: SET key NX PX ttl. get-then-set: GET, a lookup's await, then SET (a burst races).
IDEMPOTENCY = _one_of("IDEMPOTENCY", ("atomic", "get-then-set"))
# pool: one blocking pool per worker. per-request: a new client per request, never closed
# (a leak). small-pool: redis-py's non-blocking pool capped at 2 ("Too many connections").
REDIS_CONNECTIONS = _one_of("REDIS_CONNECTIONS", ("pool", "per-request", "small-pool"))
# redis: one sliding window shared by every worker. per-worker: a window in each worker's
# memory, so N workers let N times the limit through.
RATE_LIMITER = _one_of("RATE_LIMITER", ("redis", "per-worker"))
