"""Helpers of the page cache tests."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask

from cms import page_cache
from cms.page_cache.backends import RedisPageBackend, SQLitePageBackend

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}


def state(response: Any) -> str | None:
    """``hit``, ``miss`` or ``None`` (the page cache did not take part)."""
    return response.headers.get("X-Page-Cache")


def stored_entries(app: Flask) -> int:
    """How many pages the cache of ``app`` holds now (its SQLite file or Redis)."""
    cache = page_cache.get_page_cache(app)
    assert cache is not None, "the page cache is off"
    backend = cache.backend
    if isinstance(backend, RedisPageBackend):
        return len(list(backend.client.scan_iter(match=f"{backend.prefix}page:*")))
    assert isinstance(backend, SQLitePageBackend)
    (count,) = backend._connect().execute("SELECT COUNT(*) FROM entry").fetchone()
    return int(count)


class Clock:
    """The :mod:`time` module, but ``time.time`` gives :attr:`now` (the rest is real).

    Put in place of the middleware's ``time`` (``monkeypatch.setattr(middleware,
    "time", Clock(...))``) to decide in which second each answer falls.
    """

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        """The clock's time, Unix seconds."""
        return self.now

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)
