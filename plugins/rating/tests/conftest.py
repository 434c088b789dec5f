"""Fixtures of the rating plugin's tests: an article with the stars placed under it."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def stars(app, place_widget):
    """``rating.stars`` in the article footer, on articles only, without a title."""
    return place_widget("rating.stars", region="article_footer", title="", visibility="articles")


@pytest.fixture
def article(make_article) -> Any:
    """A published article."""
    return make_article("Kiểm tra công tác cải cách hành chính năm 2022")
