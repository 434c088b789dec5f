"""Public reads skip Flask-Limiter's per-request work only when nothing could limit them."""

from __future__ import annotations

import pytest

from cms.security import reads_without_limits


def test_without_a_default_limit_public_reads_are_never_limited(make_app, make_article):
    article = make_article("Tin đọc nhiều")
    client = make_app(PAGE_CACHE=False).test_client()
    codes = {client.get(f"/news/{article.slug}").status_code for _ in range(5)}
    assert codes == {200}


@pytest.mark.parametrize(
    ("method", "path", "config", "skipped"),
    [
        ("GET", "/news/tin", {}, True),
        ("HEAD", "/", {}, True),
        ("POST", "/news/tin", {}, False),
        ("GET", "/admin/login", {}, False),
        ("GET", "/api/v1/articles", {}, False),
        ("GET", "/news/tin", {"RATELIMIT_DEFAULT": "2 per minute"}, False),
        ("GET", "/news/tin", {"RATELIMIT_APPLICATION": "100 per second"}, False),
    ],
)
def test_only_public_reads_without_any_default_limit_are_skipped(
    app, method, path, config, skipped
):
    # Set on the config only: Flask-Limiter keeps default limits for its process once read.
    app.config.update(config)
    with app.test_request_context(path, method=method):  # routed: request.blueprint is known
        assert reads_without_limits() is skipped
