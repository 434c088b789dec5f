"""Fixtures of the stats plugin's tests: the block placed, and numbers read from the store."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from cms import store
from cms.testing import BROWSER
from plugins.stats import counting
from plugins.stats.settings import current_settings

#: Every worker reads what was counted within this many seconds.
VISIBLE_WITHIN = 2.0


def browser(number: int) -> dict[str, str]:
    """The headers of reader ``number``'s browser (a user agent of its own)."""
    return {"User-Agent": f"{BROWSER['User-Agent']}.{number}"}


def totals(app: Flask) -> counting.Totals:
    """The numbers as ``app`` reads them now, its buffer written first."""
    store.flush_all()
    with app.app_context():
        return counting.totals(current_settings(), detail=True)


def eventually(read: Callable[[], Any], expected: Any, within: float = VISIBLE_WITHIN) -> Any:
    """Poll ``read()`` until it gives ``expected`` or ``within`` seconds pass; the last value."""
    deadline = time.monotonic() + within
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        value = read()
    return value


@pytest.fixture
def block(place_widget):
    """``stats.stats`` in the sidebar, everywhere."""
    return place_widget("stats.stats", region="sidebar", title="Thống kê truy cập")


@pytest.fixture
def article(make_article) -> Any:
    """A published article."""
    return make_article("Tin về thống kê truy cập")
