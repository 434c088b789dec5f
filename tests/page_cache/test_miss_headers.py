"""What a miss says about caching: validators only for the whole page a GET stored."""

from __future__ import annotations

from tests.page_cache.helpers import BROWSER, state


def test_a_head_miss_gives_no_validator_of_its_empty_body(app, client, make_article):
    article = make_article("Chỉ hỏi đầu trang")
    url = f"/news/{article.slug}"
    head = client.head(url, headers=BROWSER)
    assert head.status_code == 200
    assert state(head) == "miss"
    assert "ETag" not in head.headers
    assert "Last-Modified" not in head.headers
    assert head.headers["Cache-Control"] == "no-cache"
    got = client.get(url, headers=BROWSER)  # the GET stores the page, with its validators
    assert got.headers.get("ETag")
    again = client.head(url, headers=BROWSER)
    assert state(again) == "hit"
    assert again.headers["ETag"] == got.headers["ETag"]
