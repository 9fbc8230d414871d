"""10 signals per second per webhook: a sliding-window log in Redis, atomic across workers.

The check and the record are one Lua script, so two workers can never both see 9 and both
add the 10th. Times come from Redis's clock (TIME), so the workers' clocks do not matter.
"""

import time
import uuid
from collections import defaultdict, deque

import redis.asyncio as redis

from . import config

# KEYS[1]: the webhook's window (a sorted set of request times); ARGV: limit, window ms, a
# unique member. Returns 0 when allowed, else the ms until the oldest request leaves the window.
_SLIDING_WINDOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
"""

WINDOW_MS = 1000


async def wait_ms(client: redis.Redis, webhook: str) -> int:
    """0 when this request may pass, else how long (ms) until one may."""
    if config.RATE_LIMITER == "per-worker":
        return _per_worker_wait_ms(webhook)
    return int(
        await client.eval(
            _SLIDING_WINDOW, 1, f"ratelimit:{webhook}", config.RATE_LIMIT_PER_SECOND, WINDOW_MS, uuid.uuid4().hex
        )
    )


# The bug: the same window, but in this worker's memory. Each of N workers allows the limit,
# so the server lets N times the limit through, depending on which worker a request reaches.
_windows: dict[str, deque[float]] = defaultdict(deque)


def _per_worker_wait_ms(webhook: str) -> int:
    now = time.monotonic() * 1000
    window = _windows[webhook]
    while window and window[0] <= now - WINDOW_MS:
        window.popleft()
    if len(window) < config.RATE_LIMIT_PER_SECOND:
        window.append(now)
        return 0
    return max(1, int(window[0] + WINDOW_MS - now))
