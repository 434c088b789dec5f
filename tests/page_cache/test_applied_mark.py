"""Purge rows are applied once per page store, not once per process.

Every process polls the purge log. The writer applies its purge to the
shared store right after its commit; the other workers of the host used to
apply it again at their next poll, and every worker that started replayed
the purges of the last ``PAGE_CACHE_TTL`` seconds, each dropping pages that
had been rendered again since. An :class:`~cms.page_cache.applied_mark.AppliedMark`
beside the store now says which rows the store took; what it does not say
(a purge the store refused, a row written while no worker ran) is applied
as before.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from cms import page_cache
from cms.content import save_article, set_setting
from cms.extensions import db
from cms.models import Article
from cms.page_cache import applied_mark as applied_mark_module
from cms.page_cache.applied_mark import AppliedMark, applied_mark
from cms.page_cache.backends import CacheUnavailable, RedisPageBackend, SQLitePageBackend
from cms.page_cache.middleware import PageCache
from tests.page_cache.helpers import BROWSER, state


def cache_of(app: Flask) -> PageCache:
    cache = page_cache.get_page_cache(app)
    assert cache is not None, "the page cache is off"
    return cache


def invalidations(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """The tags of every invalidation ``app``'s cache makes in its store from now on."""
    backend = cache_of(app).backend
    calls: list[set[str]] = []
    original = backend.invalidate

    def invalidate(tags: Any) -> int:
        calls.append(set(tags))
        return original(tags)

    monkeypatch.setattr(backend, "invalidate", invalidate)
    return calls


def edit(app: Flask, article_id: int, **fields: Any) -> None:
    with app.app_context():
        save_article(db.session.get(Article, article_id), fields)
        db.session.commit()


# -- the mark --------------------------------------------------------------------------------


def test_a_mark_knows_what_another_process_added(tmp_path):
    path = tmp_path / "mark.json"
    one, other = AppliedMark(path), AppliedMark(path)
    one.add([1, 2, 3, 7])
    assert other.known(range(10)) == {1, 2, 3, 7}
    other.add([4, 5, 6])
    assert one.known(range(10)) == {1, 2, 3, 4, 5, 6, 7}
    assert '"ranges": [[1, 7]]' in path.read_text()  # consecutive ids: one range


def test_a_mark_keeps_its_newest_ranges(tmp_path, monkeypatch):
    monkeypatch.setattr(applied_mark_module, "MARK_RANGES", 3)
    mark = AppliedMark(tmp_path / "mark.json")
    mark.add([1, 3, 5, 7, 9])
    assert mark.known(range(10)) == {5, 7, 9}  # forgetting only costs a purge applied again


def test_a_mark_that_cannot_be_read_or_written_raises_nothing(tmp_path):
    """Unreadable, it knows nothing; unwritable, only what its own process wrote."""
    broken = tmp_path / "mark.json"
    broken.write_text("{not json")
    assert AppliedMark(broken).known([1, 2]) == set()
    AppliedMark(broken).add([1])
    assert AppliedMark(broken).known([1, 2]) == {1}
    blocked = tmp_path / "a-file"
    blocked.write_text("where the folder should be")
    unwritable = AppliedMark(blocked / "mark.json")
    unwritable.add([1, 2])
    unwritable.set_store("run-1")
    assert unwritable.store() == "run-1"  # else every poll would take the store for new
    unwritable.add([1, 2])
    assert unwritable.known([1, 2]) == {1, 2}
    assert AppliedMark(blocked / "mark.json").known([1, 2]) == set()  # another process


def test_ids_noted_for_a_store_that_restarted_vouch_for_nothing(tmp_path):
    mark = AppliedMark(tmp_path / "mark.json")
    mark.set_store("run-1")
    mark.add([1, 2, 3])
    other = AppliedMark(tmp_path / "mark.json")  # another process of the host
    assert (other.store(), other.known([1, 2, 3])) == ("run-1", {1, 2, 3})
    mark.set_store("run-1")  # the same store: nothing forgotten
    assert other.known([1, 2, 3]) == {1, 2, 3}
    mark.set_store("run-2")
    assert (other.store(), other.known([1, 2, 3])) == ("run-2", set())


def test_processes_share_a_mark_exactly_when_they_share_the_store(tmp_path):
    def mark(backend: Any) -> AppliedMark:
        found = applied_mark(tmp_path, backend)
        assert found is not None
        return found

    first, second = tmp_path / "one.sqlite3", tmp_path / "two.sqlite3"
    assert mark(SQLitePageBackend(first)).path == mark(SQLitePageBackend(first)).path
    assert mark(SQLitePageBackend(first)).path != mark(SQLitePageBackend(second)).path
    redis = pytest.importorskip("redis")
    client = redis.Redis(host="127.0.0.1", port=6379, db=3)
    here, there = RedisPageBackend(client, "cms:a:"), RedisPageBackend(client, "cms:b:")
    assert mark(here).path == mark(RedisPageBackend(client, "cms:a:")).path
    assert mark(here).path != mark(there).path
    assert applied_mark(tmp_path, object()) is None


# -- workers ---------------------------------------------------------------------------------


def test_a_new_worker_drops_no_page_another_worker_already_purged(make_app, make_article):
    """Its first poll reads the last ``PAGE_CACHE_TTL`` seconds of purges: the edit
    among them was applied to the shared store by its writer, and the page rendered
    again since is served as it is."""
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    worker = make_app(PAGE_CACHE_POLL=0)
    client = worker.test_client()
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"
    edit(worker, article.id, title="Cầu Suối Ngọc thông xe")
    assert state(client.get(url, headers=BROWSER)) == "miss"
    assert state(client.get(url, headers=BROWSER)) == "hit"
    started = make_app().test_client()
    answer = started.get(url, headers=BROWSER)
    assert state(answer) == "hit"
    assert "Cầu Suối Ngọc thông xe" in answer.text


def test_a_worker_leaves_the_store_alone_for_purges_another_worker_applied(
    make_app, make_article, monkeypatch
):
    """It still forgets what it holds itself: a ``layout`` purge drops its site state."""
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    editor, reader = make_app(PAGE_CACHE_POLL=0), make_app(PAGE_CACHE_POLL=0)
    writing, reading = editor.test_client(), reader.test_client()
    writing.get(url, headers=BROWSER)
    assert state(reading.get(url, headers=BROWSER)) == "hit"
    calls = invalidations(reader, monkeypatch)
    edit(editor, article.id, title="Cầu Suối Ngọc thông xe")
    assert state(writing.get(url, headers=BROWSER)) == "miss"
    answer = reading.get(url, headers=BROWSER)  # polled first (PAGE_CACHE_POLL=0)
    assert state(answer) == "hit"
    assert "Cầu Suối Ngọc thông xe" in answer.text
    site_state = cache_of(reader)._state
    with editor.app_context():
        set_setting("site_name", "Cổng thông tin tỉnh Mới")
        db.session.commit()
    answer = reading.get(url, headers=BROWSER)
    assert "Cổng thông tin tỉnh Mới" in answer.text
    assert cache_of(reader)._state is not site_state  # read again after the layout purge
    assert calls == []


def test_a_purge_the_store_refused_is_applied_by_a_worker_started_later(
    make_app, make_article, monkeypatch
):
    """The writer's purge failed (its store refused the write): nobody noted it, so the
    next worker to start replays it, as every worker did before."""
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    writer = make_app()
    client = writer.test_client()
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"

    def refuse(_tags: Any) -> int:
        raise CacheUnavailable("refused")

    monkeypatch.setattr(cache_of(writer).backend, "invalidate", refuse)
    edit(writer, article.id, status="draft")
    answer = make_app().test_client().get(url, headers=BROWSER)
    assert answer.status_code == 404, f"X-Page-Cache: {state(answer)}"


def test_a_mark_of_another_database_is_forgotten(make_app, make_article):
    """A database recreated under a kept instance folder numbers its purge rows anew:
    ids the mark knows may name other purges. Its ids above the log's highest tell."""
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    worker = make_app(PAGE_CACHE_POLL=60)  # polls once, at its first request
    client = worker.test_client()
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"
    edit(make_app(PAGE_CACHE=False), article.id, status="draft")  # logged, applied by nobody
    mark = cache_of(worker).purge_log.mark
    assert mark is not None
    mark.add(range(1, 10_000))  # what the mark held for the database before
    answer = make_app().test_client().get(url, headers=BROWSER)
    assert answer.status_code == 404, f"X-Page-Cache: {state(answer)}"
