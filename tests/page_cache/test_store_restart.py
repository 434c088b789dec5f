"""A Redis that restarts from an older snapshot never brings a purged page back.

Redis may reload an RDB or AOF file written before a purge (or a replica may be
promoted without it): its pages are then those of before. Its ``run_id`` is new
after every start; the poll thread sees it and drops every stored page.
Uses a redis-server of the test's own (skipped when there is none on the PATH).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from cms.content import save_article
from cms.extensions import db
from cms.models import Article
from tests.page_cache.helpers import BROWSER, state


class OwnRedis:
    """A redis-server on a port of its own, saving to ``folder``; can be killed and restarted."""

    def __init__(self, folder: Path) -> None:
        server = shutil.which("redis-server")
        if server is None:
            pytest.skip("needs redis-server on the PATH to restart a Redis of the test's own")
        self.server, self.folder = server, folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (a fixed local command)
            [self.server, "--port", str(self.port), "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.RedisError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    yield server
    server.kill()


def eventually(check, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_a_page_purged_after_the_snapshot_stays_gone_after_a_restart(
    make_app, make_article, own_redis
):
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    app = make_app(REDIS_URL=own_redis.url, PAGE_CACHE_POLL=0.1)
    client = app.test_client()
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"
    time.sleep(0.3)  # a poll has seen this Redis
    redis.Redis.from_url(own_redis.url).save()  # the snapshot holds the page
    with app.app_context():
        save_article(db.session.get(Article, article.id), {"status": "draft"})
        db.session.commit()
    assert client.get(url, headers=BROWSER).status_code == 404
    own_redis.kill()
    own_redis.start()  # from the snapshot: the page is back in Redis
    stored = redis.Redis.from_url(own_redis.url).keys("*page:*")
    assert stored, "the snapshot held no page: the test proves nothing"
    assert eventually(lambda: client.get(url, headers=BROWSER).status_code == 404)
    for _ in range(10):  # and it never comes back
        answer = client.get(url, headers=BROWSER)
        assert answer.status_code == 404
        assert state(answer) != "hit"
        time.sleep(0.05)


def test_a_process_started_after_the_restart_drops_the_old_pages_too(
    make_app, make_article, own_redis
):
    article = make_article("Lễ hội văn hóa Hồ Văn Khê")
    url = f"/news/{article.slug}"
    first = make_app(REDIS_URL=own_redis.url, PAGE_CACHE_POLL=0.1)
    client = first.test_client()
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"
    time.sleep(0.3)
    redis.Redis.from_url(own_redis.url).save()
    with first.app_context():
        save_article(db.session.get(Article, article.id), {"status": "draft"})
        db.session.commit()
    with first.app_context():
        db.engine.dispose()  # the first process is gone
    own_redis.kill()
    own_redis.start()
    later = make_app(REDIS_URL=own_redis.url, PAGE_CACHE_POLL=0.1)  # same instance folder
    answer = later.test_client().get(url, headers=BROWSER)
    assert answer.status_code == 404
    assert state(answer) != "hit"
