"""The search summary says when only the newest matches are listed."""

from __future__ import annotations

from cms.public import views


def test_a_capped_search_says_at_least(client, make_article, monkeypatch):
    for n in range(3):
        make_article(f"Cầu Suối Ngọc số {n}")
    assert "3 results for" in client.get("/search?q=suoi+ngoc").text
    monkeypatch.setattr(views, "SEARCH_LIMIT", 3)
    text = client.get("/search?q=suoi+ngoc").text
    assert "At least 3 results for" in text
    assert "the newest are listed" in text
