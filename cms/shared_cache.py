"""The shared cache (Flask-Caching; Redis when configured) for parts that may be rebuilt.

Widget HTML and list counts are kept there, and rebuilt when missing, so the
cache failing must cost a render, never an error or a wait: reads and writes
go through :func:`get` and :func:`put`, which log one warning per spell of
failures (:mod:`cms.outages`) and leave a failed cache alone for
``STORE_REDIS_RETRY`` seconds (the shared store's back-off), so that a Redis
that stopped answering (each call waiting ``STORE_REDIS_TIMEOUT``) slows one
request per back-off, not every widget of every page.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app

from cms import outages
from cms.extensions import cache
from cms.outages import SHARED_CACHE

log = logging.getLogger(__name__)

#: Seconds a failed cache is left alone unless ``STORE_REDIS_RETRY`` says otherwise.
DEFAULT_RETRY = 5.0


def _resting() -> bool:
    retry = float(current_app.config.get("STORE_REDIS_RETRY", DEFAULT_RETRY))
    return outages.resting(SHARED_CACHE, retry)


def get(key: str) -> Any:
    """The value kept under ``key``; ``None`` when absent, or when the cache fails or rests."""
    if _resting():
        return None
    try:
        found = cache.get(key)
    except Exception as exc:  # any backend error: a miss
        outages.failed(log, SHARED_CACHE, exc)
        return None
    outages.answered(log, SHARED_CACHE)
    return found


def put(key: str, value: Any, timeout: int) -> None:
    """Keep ``value`` under ``key`` for ``timeout`` seconds (0: until evicted); never raises.

    Not kept while the cache fails or rests: it is rebuilt next time.
    """
    if _resting():
        return
    try:
        cache.set(key, value, timeout=timeout)
    except Exception as exc:  # any backend error: not kept
        outages.failed(log, SHARED_CACHE, exc)
