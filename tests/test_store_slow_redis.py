"""A Redis that answers too late: an increment it may have applied is counted exactly once."""

from __future__ import annotations

import time

import pytest
import redis

from cms.store import flush_all, get_store
from tests.database_proxy import proxied_test_redis


@pytest.fixture
def slow_redis():
    """A relay in front of the test Redis that can hold everything back, and its URL."""
    yield from proxied_test_redis()


@pytest.fixture
def site(make_app, slow_redis):
    _proxy, url = slow_redis
    redis.Redis.from_url(url, socket_timeout=2).flushdb()
    return make_app(REDIS_URL=url, STORE_REDIS_TIMEOUT=0.2, STORE_REDIS_RETRY=0.2)


def counted(url: str, key: str = "views:1") -> int:
    """The counter as Redis itself holds it (no process's buffer)."""
    names = list(redis.Redis.from_url(url).keys("*c:" + key))
    assert len(names) == 1, names
    return int(redis.Redis.from_url(url).get(names[0]))


def settled(app, url: str, expected: int) -> int:
    """Wait (up to 5 s) for every buffered or unanswered increment to land; Redis's count."""
    deadline = time.monotonic() + 5
    while True:
        time.sleep(0.25)  # past the retry delay of the failed Redis
        with app.app_context():
            get_store().flush()
            get_store().handover()
            pending = get_store().pending()
        value = counted(url)
        if (pending == 0 and value >= expected) or time.monotonic() > deadline:
            return value


def test_an_increment_answered_too_late_is_not_counted_again(site, slow_redis):
    proxy, url = slow_redis
    with site.app_context():
        for _ in range(3):
            get_store().incr_later("views:1")
        proxy.pause()  # Redis gets nothing, answers nothing: the next call times out
        get_store().incr_later("views:1")
        for _ in range(2):  # Redis now known to be down: buffered for the database
            get_store().incr_later("views:1")
    proxy.resume()  # the increment held back reaches Redis after all: applied
    assert settled(site, url, 6) == 6
    flush_all()
    assert counted(url) == 6


def test_an_increment_lost_on_the_way_is_counted_once_redis_answers(site, slow_redis):
    proxy, url = slow_redis
    with site.app_context():
        get_store().incr_later("views:1")
        proxy.pause()
        get_store().incr_later("views:1")  # times out, never reaches Redis
    proxy.drop_connections()  # what was held back is gone with the connection
    proxy.resume()
    assert settled(site, url, 2) == 2
