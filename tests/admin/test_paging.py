"""Paged back-office lists: page numbers that are not pages answer 404, never 500."""

import pytest

from cms.paging import PAGE_MAX

#: Page numbers that are not a positive whole number, or overflow a 64-bit integer.
NOT_PAGES = [
    "0",
    "-1",
    "abc",
    "1.5",
    "1e3",
    "",
    "%EF%BC%91",
    "9223372036854775808",
    "99999999999999999999",
    str(PAGE_MAX + 1),
]


@pytest.fixture
def lists(make_article, signed_in):
    """An admin signed in; one article (so one revision-less history) exists."""
    signed_in("admin")
    article = make_article("Bài viết một")
    return [
        "/admin/articles",
        "/admin/tags",
        "/admin/media",
        "/admin/audit-log",
        f"/admin/articles/{article.id}/revisions",
    ]


def with_page(url, value):
    return f"{url}{'&' if '?' in url else '?'}page={value}"


@pytest.mark.parametrize("value", NOT_PAGES)
def test_a_page_number_that_is_not_one_is_404(client, lists, value):
    for url in lists:
        response = client.get(with_page(url, value))
        assert response.status_code == 404, (url, value)
        assert "<html" in response.text


def test_page_one_answers_even_when_empty_and_past_the_end_is_404(client, lists):
    for url in lists:
        assert client.get(url).status_code == 200, url
        assert client.get(with_page(url, 1)).status_code == 200, url
        assert client.get(with_page(url, 2)).status_code == 404, url
        assert client.get(with_page(url, PAGE_MAX)).status_code == 404, url


def test_filters_keep_working_with_odd_numbers(client, lists):
    for query in ("?user=99999999999999999999", "?user=%C2%B2", "?user=-1"):
        assert client.get("/admin/audit-log" + query).status_code == 200, query
    for query in ("?category=99999999999999999999", "?author=%C2%B2"):
        assert client.get("/admin/articles" + query).status_code == 200, query
