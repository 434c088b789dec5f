"""A shared cache that stops answering costs one wait per back-off, not one per widget."""

from __future__ import annotations

import logging
import time

import pytest

from cms import outages, shared_cache
from cms.outages import SHARED_CACHE
from tests.database_proxy import proxied_test_redis


@pytest.fixture
def frozen_redis():
    """A relay in front of the test Redis that can stop answering, and its URL."""
    yield from proxied_test_redis()
    outages.answered(logging.getLogger(__name__), SHARED_CACHE)  # no spell for the next test


def test_a_frozen_cache_is_waited_for_once_per_back_off(make_app, frozen_redis, caplog):
    proxy, url = frozen_redis
    app = make_app(REDIS_URL=url, STORE_REDIS_TIMEOUT=0.2, STORE_REDIS_RETRY=1.0)
    with app.app_context():
        shared_cache.put("fragment", "<p>kept</p>", 0)
        assert shared_cache.get("fragment") == "<p>kept</p>"
        proxy.pause()  # as a SIGSTOPped Redis: it accepts and never answers
        started = time.monotonic()
        assert shared_cache.get("fragment") is None  # the timeout: rendered instead
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(20):  # every widget of the next pages
            assert shared_cache.get("fragment") is None
            shared_cache.put("fragment", "<p>new</p>", 0)
        rest = time.monotonic() - started
        proxy.resume()
        time.sleep(1.1)  # the back-off is over: tried, and it answers
        assert shared_cache.get("fragment") == "<p>kept</p>"
    assert first >= 0.15
    assert rest < 0.1, rest  # no call waited for the frozen cache
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("the shared cache is unreachable" in w for w in warnings)
    assert any("the shared cache answers again" in w for w in warnings)
