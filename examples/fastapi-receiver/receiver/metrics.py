"""The Prometheus figures at /metrics, summed over every uvicorn worker.

uvicorn --workers runs N processes, and a scrape reaches one of them: a plain Counter would
report that worker's count only. prometheus_client's multiprocess mode has every worker write
its values to files in PROMETHEUS_MULTIPROC_DIR and sums them at each scrape (no Redis
round trip per signal, and the count survives a worker restart). The directory must exist
and be empty when the server starts (README "Run it").
"""

import os
import sys

if not os.path.isdir(os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")):
    # prometheus_client reads the variable at import: check it before importing.
    sys.exit(
        "PROMETHEUS_MULTIPROC_DIR is not an existing directory: create an empty one and export it before starting uvicorn"
    )

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest  # noqa: E402
from prometheus_client.multiprocess import MultiProcessCollector  # noqa: E402

# Incremented where the order is placed, not where the request arrives: the pack reads it as
# PROCESSED_COUNT_METRIC=signals_processed_total to judge "processed exactly once".
SIGNALS_PROCESSED = Counter("signals_processed", "Signals acted on (orders placed)")

# The Redis pool, in OpenTelemetry's names for a client connection pool
# (db.client.connection.count{state}, db.client.connection.max), summed over live workers.
POOL_CONNECTIONS = Gauge(
    "db_client_connection_count",
    "Connections to Redis by state (used, idle)",
    ["pool_name", "state"],
    multiprocess_mode="livesum",
)
POOL_MAX = Gauge(
    "db_client_connection_max", "Connections the pools may open", ["pool_name"], multiprocess_mode="livesum"
)


def record_pool(figures: dict[str, int]) -> None:
    POOL_CONNECTIONS.labels("redis", "used").set(figures["in_use"])
    POOL_CONNECTIONS.labels("redis", "idle").set(figures["open"] - figures["in_use"])
    POOL_MAX.labels("redis").set(figures["max"])


def exposition() -> tuple[bytes, str]:
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return generate_latest(registry), CONTENT_TYPE_LATEST
