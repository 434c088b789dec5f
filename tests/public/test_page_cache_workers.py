"""The page cache with real gunicorn workers: shared by all of them, dropped in all at once."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from cms import store
from cms.testing import REDIS_ENV

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36"


def fetch(url: str, method: str = "GET", body: dict | None = None, token: str | None = None):
    """``(status, headers, body)`` of one request on a new connection."""
    headers = {"User-Agent": BROWSER}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310
            return int(answer.status), dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return int(error.code), dict(error.headers), error.read()


def redis_choices() -> list[str | None]:
    url = os.environ.get(REDIS_ENV)
    return [None, url] if url else [None]


@pytest.mark.parametrize("redis_url", redis_choices(), ids=lambda url: url or "no-redis")
def test_publish_view_unpublish_view_is_404_at_once_in_every_worker(
    make_article, api_token, gunicorn_site, redis_url
):
    article = make_article("Tin sẽ bị gỡ")
    token = api_token("editor")
    site = gunicorn_site(2, redis_url)
    page = f"{site.base}/news/{article.slug}"
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: fetch(page), range(40)))
    assert {status for status, _, _ in answers} == {200}
    assert any(headers.get("X-Page-Cache") == "hit" for _, headers, _ in answers)
    status, _, _ = fetch(
        f"{site.base}/api/v1/articles/{article.id}", "PATCH", {"status": "draft"}, token
    )
    assert status == 200
    with ThreadPoolExecutor(8) as pool:
        after = list(pool.map(lambda _: fetch(page)[0], range(40)))
    assert after == [404] * 40
    home = fetch(f"{site.base}/")[2].decode()
    assert "Tin sẽ bị gỡ" not in home


@pytest.mark.parametrize("redis_url", redis_choices(), ids=lambda url: url or "no-redis")
def test_cached_views_on_two_workers_are_counted_exactly(make_article, gunicorn_site, redis_url):
    article = make_article("Tin đọc nhiều")
    site = gunicorn_site(2, redis_url)
    page = f"{site.base}/news/{article.slug}"
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda _: fetch(page), range(120)))
    assert [status for status, _, _ in answers] == [200] * 120
    hits = sum(headers.get("X-Page-Cache") == "hit" for _, headers, _ in answers)
    assert hits >= 100  # at most a few misses before the first copy was stored
    time.sleep(2.5)  # every worker writes its buffered views within about a second
    store.flush_all()
    views = [
        json.loads(fetch(f"{site.base}/api/v1/articles/{article.id}")[2])["views"] for _ in range(4)
    ]
    assert views == [120] * 4
