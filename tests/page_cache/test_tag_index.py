"""The Redis page cache's tag index: bounded by the live entries of each tag.

A busy tag (``layout``, ``home``, ``*``) is indexed on every store; its index
must forget the entries that expired and expire itself with its last live
entry, while an invalidation still drops every live entry of the tag.
Runs against the Redis of ``CMS_TEST_REDIS_URL`` (skipped without one).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import redis

from cms.page_cache.backends import EVERYTHING, RedisPageBackend

PREFIX = "cms-test:"


@pytest.fixture
def backend(redis_url: str) -> RedisPageBackend:
    """A Redis page backend on the emptied test database."""
    return RedisPageBackend(redis.Redis.from_url(redis_url, socket_timeout=5), PREFIX)


def index(backend: RedisPageBackend, tag: str) -> str:
    return f"{PREFIX}page-tag:{tag}"


def members(backend: RedisPageBackend, tag: str) -> set[str]:
    """The entry keys the index of ``tag`` holds (``page:`` prefix dropped)."""
    names = backend.client.zrange(index(backend, tag), 0, -1)
    return {name.decode().removeprefix(f"{PREFIX}page:") for name in names}


def put(backend: RedisPageBackend, key: str, tags: list[str], ttl: int) -> None:
    assert backend.put(key, f"page {key}".encode(), tags, ttl, backend.epoch())


def wait_until(condition: Callable[[], bool], seconds: float = 6.0) -> None:
    """Poll ``condition`` until it holds (Redis expires keys on its own clock)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "Redis did not expire the keys in time"
        time.sleep(0.05)


def test_expired_entries_leave_the_index_of_a_busy_tag(backend):
    for number in range(30):
        put(backend, f"old-{number}", ["layout", "home"], ttl=1)
    assert len(members(backend, "layout")) == 30
    wait_until(lambda: all(backend.get(f"old-{n}") is None for n in range(30)))
    put(backend, "new", ["layout"], ttl=300)
    assert members(backend, "layout") == {"new"}
    assert members(backend, EVERYTHING) == {"new"}


def test_an_index_expires_with_its_longest_lived_entry(backend):
    client = backend.client
    put(backend, "short", ["home"], ttl=1)
    put(backend, "short-again", ["home"], ttl=1)  # a new member renews nothing beyond it
    assert 0 < client.ttl(index(backend, "home")) <= 2
    wait_until(lambda: not client.exists(index(backend, "home")))
    put(backend, "long", ["tin-tuc"], ttl=120)
    put(backend, "brief", ["tin-tuc"], ttl=1)  # does not cut the longer entry's index short
    assert client.ttl(index(backend, "tin-tuc")) >= 119
    assert members(backend, "tin-tuc") == {"long", "brief"}


def test_an_invalidation_drops_every_live_entry_of_its_tags(backend):
    put(backend, "article", ["article:1", "layout"], ttl=300)
    put(backend, "home", ["home", "layout"], ttl=5)
    put(backend, "category", ["category:2"], ttl=300)
    epoch = backend.epoch()
    assert backend.invalidate(["layout"]) == 2
    assert backend.epoch() == epoch + 1
    assert backend.get("article") is None
    assert backend.get("home") is None
    assert backend.get("category") == b"page category"
    assert not backend.client.exists(index(backend, "layout"))
    # a page rendered before the invalidation is not stored
    assert not backend.put("article", b"stale", ["layout"], 300, epoch)
    assert backend.get("article") is None
    assert backend.invalidate([EVERYTHING]) == 1
    assert backend.get("category") is None


def test_a_plain_set_index_of_an_earlier_version_is_taken_over(backend):
    """Indexes written before the sorted ones (Redis sets) neither fail a store
    (``WRONGTYPE``) nor lose their entries for an invalidation."""
    client = backend.client
    client.set(f"{PREFIX}page:before", b"old page", ex=300)
    client.sadd(index(backend, "layout"), f"{PREFIX}page:before")
    client.expire(index(backend, "layout"), 600)
    client.sadd(index(backend, "home"), f"{PREFIX}page:gone")  # its entry expired
    client.expire(index(backend, "home"), 600)
    put(backend, "after", ["layout"], ttl=300)
    assert client.type(index(backend, "layout")) == b"zset"
    assert members(backend, "layout") == {"before", "after"}
    assert backend.invalidate(["layout", "home"]) == 2
    assert backend.get("before") is None
    assert backend.get("after") is None
    assert not client.exists(index(backend, "home"))


def test_clear_drops_every_entry(backend):
    for number in range(5):
        put(backend, f"page-{number}", ["layout", f"article:{number}"], ttl=300)
    assert backend.clear() == 5
    assert all(backend.get(f"page-{n}") is None for n in range(5))
    put(backend, "again", ["layout"], ttl=300)
    assert backend.invalidate(["layout"]) == 1


def test_entries_are_bounded_and_the_soonest_to_expire_go_first(redis_url):
    bounded = RedisPageBackend(redis.Redis.from_url(redis_url, socket_timeout=5), PREFIX, 5)
    put(bounded, "long-lived", ["home"], ttl=600)
    for number in range(20):
        put(bounded, f"host-{number}", ["layout"], ttl=60 + number)
    stored = list(bounded.client.scan_iter(match=f"{PREFIX}page:*"))
    assert len(stored) == 5
    assert bounded.get("long-lived") == b"page long-lived"  # expires last: kept
    assert bounded.get("host-19") is not None
    assert bounded.get("host-0") is None  # expiring soonest: dropped
    assert len(members(bounded, EVERYTHING)) == 5
    assert bounded.invalidate(["layout"]) == 4  # indexes may name dropped entries: harmless
    assert bounded.get("long-lived") is not None
