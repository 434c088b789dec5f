"""What a cache hit remembers per process, and that the store still decides.

A hit reuses what its process worked out before: the answer of the Host
check (a pure function of the ``Host`` value), the entry decoded from the
stored bytes (reused only for the very same bytes), and the open SQLite file
(whose inode a read checks at most every ``inode_check_interval`` seconds).
None of it may answer for what another worker changed in the store.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from cms import page_cache
from cms.page_cache import keys
from cms.page_cache.backends import PageBackend, RedisPageBackend, SQLitePageBackend
from cms.page_cache.keys import cache_request
from tests.page_cache.helpers import BROWSER, state


def stored(app: Flask) -> tuple[PageBackend, dict[str, bytes]]:
    """The backend of ``app``'s page cache and every entry it holds, key -> bytes."""
    cache = page_cache.get_page_cache(app)
    assert cache is not None, "the page cache is off"
    backend = cache.backend
    if isinstance(backend, RedisPageBackend):
        prefix = f"{backend.prefix}page:"
        names = [name.decode() for name in backend.client.scan_iter(match=f"{prefix}*")]
        found = {key: backend.get(key) for key in (name.removeprefix(prefix) for name in names)}
    else:
        assert isinstance(backend, SQLitePageBackend)
        rows = backend._connect().execute("SELECT key FROM entry").fetchall()
        found = {row[0]: backend.get(row[0]) for row in rows}
    return backend, {key: data for key, data in found.items() if data is not None}


def test_an_entry_another_worker_replaced_is_not_served_from_the_memo(app, client, make_article):
    """The decoded entry is kept beside its bytes: different bytes are decoded afresh."""
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"  # decoded, and remembered
    backend, entries = stored(app)
    title = article.title.encode()
    (key, data) = next((k, d) for k, d in entries.items() if title in d)
    other = b"Y" * len(title)  # as long: the offsets of live placeholders stay right
    backend.put(key, data.replace(title, other), ["*"], 60, backend.epoch())  # another worker
    answer = client.get(url, headers=BROWSER)
    assert state(answer) == "hit"
    assert other.decode() in answer.text
    assert article.title not in answer.text


def test_an_entry_another_worker_dropped_is_not_served_from_the_memo(app, client, make_article):
    """Only the store says whether there is an entry: the memo never answers alone."""
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"
    backend, _entries = stored(app)
    backend.invalidate(["*"])  # straight in the store, as another worker's purge
    assert state(client.get(url, headers=BROWSER)) == "miss"
    assert state(client.get(url, headers=BROWSER)) == "hit"


def test_an_unknown_host_still_goes_to_flask_once_the_site_host_is_known(make_app, make_article):
    article = make_article("Khánh thành cầu Suối Ngọc")
    client = make_app(SITE_URL="https://portal.example").test_client()
    url = f"/news/{article.slug}"
    for _ in range(2):
        assert client.get(url, base_url="https://portal.example").status_code == 200
        refused = client.get(url, base_url="https://evil.example")
        assert refused.status_code == 400
        assert state(refused) is None
    assert state(client.get(url, base_url="https://portal.example")) == "hit"
    assert state(client.get(url, base_url="https://PORTAL.example.:443")) == "hit"


def test_the_host_check_gives_the_same_answer_every_time_and_stays_bounded():
    """Remembered or not, each ``Host`` value gets the answer of the full check."""
    site = "https://portal.example"
    values = [
        "portal.example",
        "PORTAL.EXAMPLE:443",
        "portal.example.",
        "portal.example:8443",
        "evil.example",
        "portal.example@evil.example",
        "bad host",
        "",
        "xn--80ak6aa92e.com",
        "[::1]:80",
    ]
    for site_url in (site, None):
        first = [_host(value, site_url) for value in values]
        again = [_host(value, site_url) for value in values]
        assert first == again
    assert _host("portal.example", site) == "portal.example"
    assert _host("evil.example", site) is None
    assert _host("evil.example", None) == "evil.example"  # another site URL, another answer
    assert _host("PORTAL.EXAMPLE:443", site) == "portal.example"
    assert _host("PORTAL.EXAMPLE:443", None) == "portal.example:443"
    assert _host("Portal.Example:8080", None) == "portal.example:8080"
    assert _host("bad host", None) is None
    for number in range(keys.HOST_MEMO_SIZE + 10):
        _host(f"host{number}.example", None)
    assert len(keys._hosts) <= keys.HOST_MEMO_SIZE


def _host(value: str, site_url: str | None) -> str | None:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_HOST": value}
    request = cache_request(environ, cookie_names=(), query_params=("page",), site_url=site_url)
    return None if request is None else request.host


def _delete(path: Path) -> None:
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        name.unlink(missing_ok=True)


def test_a_deleted_cache_file_is_reopened_by_the_next_read_once_checked(tmp_path):
    path = tmp_path / "page_cache.sqlite3"
    backend = SQLitePageBackend(path, inode_check_interval=0)  # every read checks
    assert backend.put("key", b"one", ["tag"], 60, backend.epoch())
    assert backend.get("key") == b"one"
    _delete(path)
    assert backend.get("key") is None  # the new, empty file
    assert path.exists()


def test_a_read_trusts_the_open_file_for_the_interval_and_a_write_never(tmp_path):
    """Within ``inode_check_interval`` a read may see the deleted file; a write checks first."""
    path = tmp_path / "page_cache.sqlite3"
    backend = SQLitePageBackend(path, inode_check_interval=3600)
    assert backend.put("key", b"one", ["tag"], 60, backend.epoch())
    _delete(path)
    assert backend.get("key") == b"one"  # the file it opened, deleted meanwhile
    backend.invalidate(["other"])  # a write: the new file, one cache for the workers again
    assert path.exists()
    other_worker = SQLitePageBackend(path)
    assert other_worker.put("key", b"two", ["tag"], 60, other_worker.epoch())
    assert backend.get("key") == b"two"
    assert backend.epoch() == other_worker.epoch()
