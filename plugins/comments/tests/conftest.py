"""Fixtures of the comments plugin's tests: an article with the comment block under it."""

from __future__ import annotations

from typing import Any

import pytest

from cms.content import set_setting
from cms.extensions import db
from plugins.comments.tests.helpers import settings


@pytest.fixture
def thread(app, place_widget):
    """``comments.thread`` in the article footer, on articles only, without a title."""
    return place_widget("comments.thread", region="article_footer", title="", visibility="articles")


@pytest.fixture
def article(make_article) -> Any:
    """A published article."""
    return make_article("Lấy ý kiến nhân dân về dự thảo quy hoạch tỉnh")


@pytest.fixture
def quick(app):
    """No least fill time: tests send the form as soon as they read it (one test checks it)."""
    settings(app, min_fill_seconds=0)


@pytest.fixture
def vietnamese(app):
    """The site speaks Vietnamese."""
    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()
