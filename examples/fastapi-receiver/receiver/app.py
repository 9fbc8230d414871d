"""The receiver's routes: log in, create and delete a webhook, receive signals, /health, /metrics.

One signal, in order: bounded body (413) -> known webhook (404) -> signature (401) ->
valid signal (422) -> rate limit (429) -> first copy? (a replay answers the first copy's
order) -> answer 200 at once, place the order in a background task.
"""

import asyncio
import math
import secrets
from typing import Literal

import redis.asyncio as redis
from fastapi import BackgroundTasks, Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel, ValidationError, confloat, constr

from . import config, idempotency, metrics, rate_limit, redis_client, signature

app = FastAPI(title="Trading-signal webhook receiver (example)")
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login")
SESSION_TTL_S = 3600


class Signal(BaseModel):
    """A TradingView-style alert; fields the receiver does not use are ignored."""

    signal_id: str | None = None
    action: Literal["BUY", "SELL"]
    symbol: constr(min_length=1)
    quantity: confloat(gt=0)
    price: confloat(gt=0) | None = None


class NewWebhook(BaseModel):
    name: str = "webhook"
    details: str = ""


_pool_recorder: asyncio.Task | None = None


@app.on_event("startup")
async def startup() -> None:
    global _pool_recorder
    redis_client.open_pool()
    _pool_recorder = asyncio.create_task(_record_pool_every(0.5))


@app.on_event("shutdown")
async def shutdown() -> None:
    if _pool_recorder:
        _pool_recorder.cancel()
    await redis_client.close_pool()


async def _record_pool_every(seconds: float) -> None:
    while True:
        metrics.record_pool(redis_client.pool_figures())
        await asyncio.sleep(seconds)


@app.get("/health")
async def health(client: redis.Redis = Depends(redis_client.client)) -> dict[str, str]:
    try:
        await client.ping()
    except redis.RedisError as err:
        raise HTTPException(503, f"redis: {err}") from err
    return {"status": "ok"}


@app.get("/metrics")
async def prometheus_metrics() -> Response:
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)


@app.post("/api/v1/auth/login")
async def login(
    form: OAuth2PasswordRequestForm = Depends(), client: redis.Redis = Depends(redis_client.client)
) -> dict[str, str]:
    # Both compared in constant time, so timing tells nothing about which one was wrong.
    user_ok = secrets.compare_digest(form.username.encode(), config.USER_EMAIL.encode())
    password_ok = secrets.compare_digest(form.password.encode(), config.USER_PASSWORD.encode())
    if not (user_ok and password_ok):
        raise HTTPException(401, "Incorrect username or password", headers={"WWW-Authenticate": "Bearer"})
    access_token = secrets.token_urlsafe(32)
    # Sessions live in Redis: the login reaches one worker, the next call maybe another.
    await client.set(f"session:{access_token}", form.username, ex=SESSION_TTL_S)
    return {"access_token": access_token, "token_type": "bearer"}


async def current_user(
    access_token: str = Depends(oauth2), client: redis.Redis = Depends(redis_client.client)
) -> str:
    user = await client.get(f"session:{access_token}")
    if not user:
        raise HTTPException(401, "Not authenticated", headers={"WWW-Authenticate": "Bearer"})
    return user.decode()


@app.post("/api/v1/webhooks/", status_code=201)
async def create_webhook(
    new: NewWebhook,
    request: Request,
    user: str = Depends(current_user),
    client: redis.Redis = Depends(redis_client.client),
) -> dict[str, str]:
    token = secrets.token_urlsafe(16)
    secret = secrets.token_hex(32)
    await client.hset(f"webhook:{token}", mapping={"secret": secret, "owner": user, "name": new.name})
    return {"name": new.name, "token": token, "secret": secret, "url": str(request.url_for("receive", token=token))}


@app.delete("/api/v1/webhooks/{token}", status_code=204)
async def delete_webhook(
    token: str, user: str = Depends(current_user), client: redis.Redis = Depends(redis_client.client)
) -> Response:
    owner = await client.hget(f"webhook:{token}", "owner")
    if owner is None or owner.decode() != user:
        raise HTTPException(404, "unknown webhook")
    await client.delete(f"webhook:{token}")
    return Response(status_code=204)


async def _bounded_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > config.MAX_BODY_BYTES:
        raise HTTPException(413, f"body larger than {config.MAX_BODY_BYTES} bytes")
    body = bytearray()
    # Chunked uploads declare no length: count while reading, stop at the bound.
    async for chunk in request.stream():
        body += chunk
        if len(body) > config.MAX_BODY_BYTES:
            raise HTTPException(413, f"body larger than {config.MAX_BODY_BYTES} bytes")
    return bytes(body)


async def place_order(order_id: str, signal: Signal) -> None:
    await asyncio.sleep(0.002)  # stands for the exchange's API
    metrics.SIGNALS_PROCESSED.inc()


@app.post("/api/v1/webhooks/{token}", name="receive")
async def receive(
    token: str,
    request: Request,
    background: BackgroundTasks,
    client: redis.Redis = Depends(redis_client.client),
) -> Response:
    body = await _bounded_body(request)
    secret = await client.hget(f"webhook:{token}", "secret")
    if secret is None:
        raise HTTPException(404, "unknown webhook")
    if not signature.is_signed(secret.decode(), body, request.headers.get(signature.HEADER)):
        raise HTTPException(401, "invalid signature")
    try:
        # The bytes that were verified are the bytes parsed (text/plain too, as TradingView may send).
        signal = Signal.parse_raw(body)
    except ValidationError as err:
        raise HTTPException(422, err.errors()) from err
    wait_ms = await rate_limit.wait_ms(client, token)
    if wait_ms:
        return JSONResponse(
            {"detail": "rate limit exceeded"}, 429, headers={"Retry-After": str(math.ceil(wait_ms / 1000))}
        )
    order_id = f"ord_{secrets.token_hex(8)}"
    first = await idempotency.claim(client, idempotency.key_of(token, signal.signal_id, body), order_id)
    if first is not None:
        # A copy inside the window: the first copy's answer, marked as a replay, nothing placed.
        answer = {"status": "accepted", "order_id": first, "signal_id": signal.signal_id}
        return JSONResponse(answer, headers={"Idempotent-Replayed": "true"})
    background.add_task(place_order, order_id, signal)
    return JSONResponse({"status": "accepted", "order_id": order_id, "signal_id": signal.signal_id})
