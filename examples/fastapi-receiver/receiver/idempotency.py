"""A signal is acted on once: the first copy claims its key in Redis for the TTL (1 s, the guide).

The key is what identifies a delivery: the signal's own `signal_id`, which every copy of
one signal carries (a double fire, a replay, a provider's retry with a fresh signature),
per webhook. A signal without one is identified by its exact bytes.
"""

import asyncio
import hashlib

import redis.asyncio as redis

from . import config


def key_of(webhook: str, signal_id: str | None, body: bytes) -> str:
    identity = signal_id if signal_id else "sha256:" + hashlib.sha256(body).hexdigest()
    return f"idem:{webhook}:{identity}"


async def claim(client: redis.Redis, key: str, order_id: str) -> str | None:
    """None when this copy is the first (act on it); else the order id of the first copy."""
    if config.IDEMPOTENCY == "get-then-set":
        return await _claim_racy(client, key, order_id)
    # One command: the check and the claim cannot be split by another worker's request.
    if await client.set(key, order_id, nx=True, px=config.IDEMPOTENCY_TTL_MS):
        return None
    first = await client.get(key)
    # Expired between the two commands: still a copy inside the window, its id forgotten.
    return first.decode() if first else "unknown"


async def _claim_racy(client: redis.Redis, key: str, order_id: str) -> str | None:
    # The bug: check, then claim. Every copy that arrives while the first is between its
    # GET and its SET sees no key and is acted on too.
    first = await client.get(key)
    if first:
        return first.decode()
    # Stands for what real code awaits in between (an account query on a loaded database). Its
    # length is how wide the race is: 200 ms outlasts the ~70 ms one worker may lag the other in
    # a burst on a busy machine, so this switch always shows; a real, narrower window races less
    # often, and a burst that passes once proves little.
    await asyncio.sleep(0.2)
    await client.set(key, order_id, px=config.IDEMPOTENCY_TTL_MS)
    return None
