"""A stored page never answers input that Flask refuses: NULs and bytes that are not UTF-8.

:mod:`cms.inputs` refuses them with a 400 before any view; the page cache answers
before Flask, so it must send such requests on rather than serve the stored page.
"""

from __future__ import annotations

import pytest

from tests.page_cache.helpers import BROWSER, state


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({"Cookie": "x=\xff"}, ""),
        ({"Cookie": "session=abc\xff"}, ""),
        ({"User-Agent": "Mozilla/5.0 M\xff"}, ""),
        ({"Referer": "http://example.org/\xc3("}, ""),
        ({}, "x=%ff"),
        ({}, "x=%00"),
    ],
)
def test_a_stored_page_is_never_the_answer_to_refused_input(app, make_article, headers, query):
    client = app.test_client(use_cookies=False)  # the Cookie header goes as it is
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    client.get(url, headers=BROWSER)
    assert state(client.get(url, headers=BROWSER)) == "hit"
    answer = client.get(f"{url}?{query}" if query else url, headers={**BROWSER, **headers})
    assert answer.status_code == 400
    assert state(answer) is None
    assert "UTF-8" in answer.text or "NUL" in answer.text
    assert state(client.get(url, headers=BROWSER)) == "hit"  # the page is still stored
