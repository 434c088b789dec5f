"""Clicks counted exactly by several gunicorn workers (SQLite, or PostgreSQL with Redis).

Run on PostgreSQL and Redis with ``CMS_TEST_DATABASE_URL`` and ``CMS_TEST_REDIS_URL``.
"""

from __future__ import annotations

import http.client
import re
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from plugins.links import services

pytestmark = pytest.mark.slow

#: A reader's browser (robots are counted too: see plugins.links.views).
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"


def get(base: str, path: str) -> tuple[int, str | None]:
    """``GET path`` without following a redirect: ``(status, Location)``."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.request("GET", path, headers={"User-Agent": BROWSER})
        answer = connection.getresponse()
        answer.read()
        return answer.status, answer.getheader("Location")
    finally:
        connection.close()


def counts(app, ids):
    """``{link id: clicks}`` as the shared store holds them now."""
    with app.app_context():
        return services.click_counts(ids)


def wait_for(app, ids, expected, seconds=20.0):
    """The counts once they equal ``expected`` (workers flush within 2 s), or the last read."""
    deadline = time.monotonic() + seconds
    found = counts(app, ids)
    while found != expected and time.monotonic() < deadline:
        time.sleep(0.25)
        found = counts(app, ids)
    return found


def test_several_workers_count_concurrent_clicks_exactly(app, gunicorn_site, sample, make_link):
    extra = make_link(sample.group, "Tỉnh Ngọc Khê", "https://ngockhe.example.vn")
    links = {
        sample.links[0]: "https://binhnguyen.example.vn",
        sample.links[2]: "https://chuyendoiso.example.vn/gioi-thieu?a=1",
        sample.other_link: "https://hanhchinhcong.example.vn",
        extra: "https://ngockhe.example.vn",
    }
    site = gunicorn_site(3, app.config.get("REDIS_URL"))
    ids = list(links)
    plan = []  # 240 clicks: 100, 70, 50, 20; half through the jump form's no-JS URL
    for link_id, times in zip(ids, (100, 70, 50, 20), strict=True):
        for i in range(times):
            plan.append((link_id, f"/links/go/{link_id}" if i % 2 else f"/links/go?id={link_id}"))
    plan.append((sample.hidden, f"/links/go/{sample.hidden}"))  # inactive: 404, not counted
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda step: (step[0], get(site.base, step[1])), plan))
    for link_id, (status, location) in answers:
        if link_id == sample.hidden:
            assert (status, location) == (404, None)
        elif location is None:  # the jump form's page, which opens the website itself
            assert status == 200
        else:
            assert (status, location) == (302, links[link_id])
    expected = dict(zip(ids, (100, 70, 50, 20), strict=True))
    assert wait_for(app, ids, expected) == expected
    assert counts(app, [sample.hidden]) == {sample.hidden: 0}
    workers = set(re.findall(r"Booting worker with pid: (\d+)", site.log.read_text()))
    assert len(workers) == 3
    site.stop()  # the workers flush what they buffered, nothing is counted twice
    assert counts(app, ids) == expected
