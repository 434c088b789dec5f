"""The page cache: the cache's storage failing halfway while workers serve.

A storage that cannot be reached only costs speed; these tests break it in
ways where it still answers some workers or some commands.
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def own_redis() -> Iterator[redis.Redis]:
    """A Redis server of this test alone (it reconfigures the server), stopped after."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server on PATH")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (a fixed command line)
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.skip("redis-server did not start")
    yield client
    process.terminate()
    process.wait(timeout=10)


def test_an_unpublished_article_is_not_served_while_redis_refuses_writes(
    make_app, make_article, own_redis
):
    """Redis at ``maxmemory`` with ``noeviction`` (or a primary demoted to a read-only
    replica) refuses writes and still answers reads. The unpublish commits, its
    purge cannot be applied, and the other workers keep reading the stale entry:
    a failed purge makes the failing worker skip the cache for a while, but
    the look-up goes on and serves the entry anyway.
    """
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    port = own_redis.connection_pool.connection_kwargs["port"]
    settings = {"REDIS_URL": f"redis://127.0.0.1:{port}/0", "PAGE_CACHE_POLL": 0}
    editor_worker, reader_worker = make_app(**settings), make_app(**settings)
    reader = reader_worker.test_client()
    reader.get(url, headers=BROWSER)
    assert state(reader.get(url, headers=BROWSER)) == "hit"
    own_redis.config_set("maxmemory-policy", "noeviction")
    own_redis.config_set("maxmemory", 1)
    with pytest.raises(redis.ResponseError):
        own_redis.set("probe", "x")  # writes are refused, reads are not
    with editor_worker.app_context():
        save_article(db.session.get(Article, article.id), {"status": "draft"})
        db.session.commit()
    answer = reader.get(url, headers=BROWSER)
    assert answer.status_code == 404, f"X-Page-Cache: {state(answer)}"


def test_deleting_the_cache_file_keeps_one_cache_for_the_workers_of_the_host(
    make_app, make_article, tmp_path
):
    """The cache file "may be deleted at any time" (SQLitePageBackend). A worker that
    had it open keeps using the deleted file; a worker started afterwards (a
    restart, gunicorn's ``max_requests``) makes a new one. Their caches then
    differ, and an unpublish in one worker is not seen by the other at once
    (only by its next purge-log poll; the poll is set far apart here so the
    test does not depend on timing).
    """
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    path = tmp_path / "page_cache.sqlite3"
    settings = {"REDIS_URL": None, "PAGE_CACHE_FILE": str(path), "PAGE_CACHE_POLL": 60}
    old_worker = make_app(**settings)
    old_worker.test_client().get(url, headers=BROWSER)
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)
    new_worker = make_app(**settings)
    reader = new_worker.test_client()
    reader.get(url, headers=BROWSER)
    assert state(reader.get(url, headers=BROWSER)) == "hit"
    with old_worker.app_context():
        save_article(db.session.get(Article, article.id), {"status": "draft"})
        db.session.commit()
    answer = reader.get(url, headers=BROWSER)
    assert answer.status_code == 404, f"X-Page-Cache: {state(answer)}"
