"""Two real gunicorn workers count concurrent article views exactly, with or without Redis."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from cms.testing import REDIS_ENV

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"
#: Page views sent, from this many threads at once.
VIEWS, THREADS = 120, 12


@pytest.fixture
def two_workers(gunicorn_site):
    """Start ``gunicorn -w 2`` on the test database (with ``redis_url``); its base URL."""
    return lambda redis_url: gunicorn_site(2, redis_url).base


def get(url: str, agent: str = BROWSER) -> tuple[int, bytes]:
    """GET ``url`` on a new connection; status and body."""
    request = urllib.request.Request(url, headers={"User-Agent": agent})  # noqa: S310
    with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310
        return int(answer.status), answer.read()


def redis_choices() -> list[str | None]:
    """No Redis (the store in the database), and the test Redis when there is one."""
    url = os.environ.get(REDIS_ENV)
    return [None, url] if url else [None]


@pytest.mark.parametrize("redis_url", redis_choices(), ids=lambda url: url or "no-redis")
def test_concurrent_views_on_two_workers_are_counted_exactly(make_article, two_workers, redis_url):
    article = make_article("Tin nóng được nhiều người đọc")
    base = two_workers(redis_url)
    page = f"{base}/news/{article.slug}"
    api = f"{base}/api/v1/articles/{article.id}"
    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(lambda _: get(page)[0], range(VIEWS)))
        robots = list(pool.map(lambda _: get(page, "Googlebot/2.1")[0], range(10)))
    assert statuses == [200] * VIEWS
    assert robots == [200] * 10
    done = time.monotonic()
    seen = []
    while True:
        # Each read may land on either worker: both must agree once 2 s have passed.
        seen.append(json.loads(get(api)[1])["views"])
        if time.monotonic() - done > 2.0:
            break
        time.sleep(0.1)
    assert max(seen) == VIEWS, seen  # never more than the views sent
    settled = [json.loads(get(api)[1])["views"] for _ in range(6)]
    assert settled == [VIEWS] * 6, (seen, settled)
