"""Public reads skip Flask-Limiter's per-request work only when nothing could limit them."""

from __future__ import annotations

import pytest


def test_without_a_default_limit_public_reads_are_never_limited(make_app, make_article):
    article = make_article("Tin đọc nhiều")
    client = make_app(PAGE_CACHE=False).test_client()
    codes = {client.get(f"/news/{article.slug}").status_code for _ in range(5)}
    assert codes == {200}


@pytest.mark.parametrize("setting", ["RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION"])
def test_a_configured_default_limit_still_applies_to_public_reads(make_app, make_article, setting):
    article = make_article("Tin giới hạn")
    client = make_app(PAGE_CACHE=False, **{setting: "2 per minute"}).test_client()
    codes = [client.get(f"/news/{article.slug}").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_sign_in_attempts_stay_limited(make_app):
    client = make_app(LOGIN_LIMIT_PER_ADDRESS="2 per minute").test_client()
    attempt = {"email": "x@example.org", "password": "wrong"}
    codes = [client.post("/admin/login", data=attempt).status_code for _ in range(3)]
    assert 429 not in codes[:2], codes
    assert codes[-1] == 429, codes
