"""Fixtures of the related plugin's tests (the site's own come from :mod:`cms.testing`)."""

from datetime import UTC, datetime, timedelta

import pytest

#: A fixed "now" minus hours: publication times that order articles without waiting.
NOW = datetime.now(UTC).replace(microsecond=0)


def hours_ago(hours: float) -> str:
    """An ISO publication time ``hours`` before the start of the test run."""
    return (NOW - timedelta(hours=hours)).isoformat()


@pytest.fixture
def related(enable_plugin, place_widget):
    """The plugin enabled and its list placed under articles, as ``cms demo`` places it."""
    enable_plugin("related")
    return place_widget(
        "related.articles", region="article_footer", title="Tin liên quan", visibility="articles"
    )
