"""The Redis client a request uses: one pool per worker process, opened at startup.

uvicorn --workers starts each worker as its own process that imports this module, so
each worker gets its own pool (a pool must never cross a fork). A blocking pool makes a
burst wait for a free connection instead of failing.
"""

import redis.asyncio as redis

from . import config

_pool: redis.ConnectionPool | None = None


def open_pool() -> None:
    global _pool
    if config.REDIS_CONNECTIONS == "small-pool":
        # The bug: redis-py's default pool does not wait; past max_connections it raises
        # redis.exceptions.ConnectionError("Too many connections").
        _pool = redis.ConnectionPool.from_url(config.REDIS_URL, max_connections=2)
    else:
        _pool = redis.BlockingConnectionPool.from_url(
            config.REDIS_URL, max_connections=config.REDIS_POOL_SIZE, timeout=2
        )


async def close_pool() -> None:
    if _pool is not None:
        await _pool.disconnect()


# The per-request bug keeps its clients here "to close them at shutdown", which never
# comes while the server runs: every request's connection stays open.
_unclosed: list[redis.Redis] = []


def client() -> redis.Redis:
    """FastAPI dependency: the worker's pooled client (or, with the bug, a new one)."""
    if config.REDIS_CONNECTIONS == "per-request":
        leaked = redis.Redis.from_url(config.REDIS_URL)
        _unclosed.append(leaked)
        return leaked
    assert _pool is not None, "open_pool() runs at startup"
    return redis.Redis(connection_pool=_pool)


def pool_figures() -> dict[str, int]:
    """Connections this worker holds to Redis: used by a request, open in total, and the cap."""
    if config.REDIS_CONNECTIONS == "per-request":
        opened = sum(1 for c in _unclosed for conn in _connections_of(c.connection_pool) if conn.is_connected)
        return {"in_use": 0, "open": opened, "max": 0}
    if _pool is None:
        return {"in_use": 0, "open": 0, "max": 0}
    opened = [c for c in _connections_of(_pool) if c.is_connected]
    idle = _idle_of(_pool)
    return {"in_use": max(0, len(opened) - idle), "open": len(opened), "max": _pool.max_connections}


# redis-py 4.3 has no public pool statistics: these read its two pool classes' internals.
def _connections_of(pool: redis.ConnectionPool) -> list:
    if isinstance(pool, redis.BlockingConnectionPool):
        return list(pool._connections)
    return [*pool._available_connections, *pool._in_use_connections]


def _idle_of(pool: redis.ConnectionPool) -> int:
    if isinstance(pool, redis.BlockingConnectionPool):
        # A queue of free slots: a connection, or None for one not yet opened.
        return sum(1 for c in pool.pool._queue if c is not None and c.is_connected)
    return sum(1 for c in pool._available_connections if c.is_connected)
