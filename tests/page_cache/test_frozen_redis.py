"""A page cache whose Redis stops answering costs one wait per back-off, not one per request.

The first request that meets the frozen Redis waits for its timeout and opens
the circuit breakers (the page cache's, the shared cache's, the store's); the
requests after it go straight to Flask, which renders without Redis, until the
back-off (``STORE_REDIS_RETRY``) ends.
"""

from __future__ import annotations

import logging
import time

import pytest

from cms import outages
from cms.outages import SHARED_CACHE
from tests.database_proxy import proxied_test_redis
from tests.page_cache.helpers import BROWSER, state


@pytest.fixture
def frozen_redis():
    """A relay in front of the test Redis that can stop answering, and its URL."""
    yield from proxied_test_redis()
    outages.answered(logging.getLogger(__name__), SHARED_CACHE)  # no spell for the next test


def test_requests_skip_a_frozen_page_cache_until_the_back_off_ends(
    make_app, make_article, frozen_redis
):
    proxy, url = frozen_redis
    article = make_article("Khánh thành cầu Suối Ngọc")
    app = make_app(
        REDIS_URL=url,
        PAGE_CACHE=True,
        STORE_REDIS_TIMEOUT=0.2,
        STORE_REDIS_RETRY=30.0,
        PAGE_CACHE_POLL=0.2,
    )
    client = app.test_client()
    path = f"/news/{article.slug}"
    deadline = time.monotonic() + 10
    while state(client.get(path, headers=BROWSER)) != "hit":
        assert time.monotonic() < deadline, "the page was never served from the cache"
        time.sleep(0.1)
    proxy.pause()  # as a SIGSTOPped Redis: it accepts and never answers
    time.sleep(1.0)  # a few polls meet it
    durations = []
    for _ in range(10):
        started = time.monotonic()
        answer = client.get(path, headers=BROWSER)
        durations.append(time.monotonic() - started)
        assert answer.status_code == 200
        assert state(answer) is None  # Flask answered, the cache was not asked
    slow = [round(d, 2) for d in durations if d > 0.4]
    assert len(slow) <= 1, f"requests waited for the frozen cache: {slow}"
