"""Exact counts from several gunicorn workers (SQLite, or PostgreSQL with Redis).

Run on PostgreSQL and Redis with ``CMS_TEST_DATABASE_URL`` and ``CMS_TEST_REDIS_URL``.
"""

from __future__ import annotations

import http.client
import re
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from cms.testing import BROWSER
from plugins.stats import counting
from plugins.stats.settings import current_settings

pytestmark = pytest.mark.slow


def get(base: str, path: str, agent: str) -> int:
    """``GET path`` as a browser with user agent ``agent``, no cookie kept; the status."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request("GET", path, headers={"User-Agent": agent})
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def read(app, article_id):
    """``(visits, views of the article)`` as the shared store holds them now."""
    with app.app_context():
        found = counting.totals(current_settings())
        return found.total, counting.views_of([article_id])[article_id]


def test_several_workers_count_readers_and_views_exactly(app, gunicorn_site, make_article):
    article = make_article("Tin đọc qua nhiều tiến trình")
    site = gunicorn_site(3, app.config.get("REDIS_URL"))
    readers, pages = 20, 12
    plan = [
        (f"{BROWSER['User-Agent']}.{reader}", f"/news/{article.slug}")
        for _ in range(pages)
        for reader in range(readers)
    ]
    plan += [("Googlebot/2.1 (+http://www.google.com/bot.html)", f"/news/{article.slug}")] * 10
    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda step: get(site.base, step[1], step[0]), plan))
    assert set(statuses) == {200}
    expected = (readers, readers * pages)
    deadline = time.monotonic() + 20
    found = read(app, article.id)
    while found != expected and time.monotonic() < deadline:
        time.sleep(0.25)
        found = read(app, article.id)
    assert found == expected
    workers = set(re.findall(r"Booting worker with pid: (\d+)", site.log.read_text()))
    assert len(workers) == 3
