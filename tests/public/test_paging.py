"""Paged public lists: page numbers that are not pages answer 404, never 500."""

import pytest
from sqlalchemy import select

from cms.content import public_articles, save_category, set_setting
from cms.extensions import db
from cms.models import Article
from cms.paging import PAGE_MAX, bounded, last_page, paginate, parse_positive

#: Page numbers that are not a positive whole number, or overflow a 64-bit integer.
NOT_PAGES = [
    "0",
    "-1",
    "+1",
    "abc",
    "1.5",
    "1e3",
    "",
    " 1",
    "1%20",
    "0x10",
    "%EF%BC%91",  # a full-width digit one
    "%D9%A1",  # an Arabic-Indic digit one
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "9" * 400,
    str(PAGE_MAX + 1),
]


@pytest.fixture
def listed(app, make_article, make_category):
    """A category with three public articles tagged "Lễ hội" and a page size of two."""
    news = make_category("Tin tức")
    for i in range(3):
        make_article(f"Lễ hội số {i}", category_id=news.id, tags=["Lễ hội"])
    with app.app_context():
        set_setting("per_page", 2)
        db.session.commit()
    return news


def listings(category_slug):
    return [f"/category/{category_slug}", "/tag/le-hoi", "/search?q=le+hoi"]


def with_page(url, value):
    return f"{url}{'&' if '?' in url else '?'}page={value}"


@pytest.mark.parametrize("value", NOT_PAGES)
def test_a_page_number_that_is_not_one_is_404(client, listed, value):
    for url in listings(listed.slug):
        response = client.get(with_page(url, value))
        assert response.status_code == 404, (url, value)
        assert "<html" in response.text


@pytest.mark.parametrize("value", ["%00", "1%00", "%001"])
def test_a_page_number_holding_nul_is_refused(client, listed, value):
    for url in listings(listed.slug):
        response = client.get(with_page(url, value))
        assert response.status_code in (400, 404), (url, value)
        assert "<html" in response.text


def test_pages_that_exist_answer_and_the_next_one_is_404(client, listed):
    for url in listings(listed.slug):
        assert client.get(url).status_code == 200, url
        assert client.get(with_page(url, 1)).status_code == 200, url
        assert client.get(with_page(url, "02")).status_code == 200, url
        second = client.get(with_page(url, 2))
        assert second.status_code == 200, url
        assert "Lễ hội số 0" in second.text
        assert client.get(with_page(url, 3)).status_code == 404, url
        assert client.get(with_page(url, PAGE_MAX)).status_code == 404, url


def test_page_one_of_an_empty_list_is_200_and_page_two_is_404(app, client):
    with app.app_context():
        empty = save_category(None, {"name": "Trống"})
        db.session.commit()
        slug = empty.slug
    for url in [f"/category/{slug}", "/search?q=khong+co+gi", "/search", "/search?q=%21%21"]:
        assert client.get(url).status_code == 200, url
        assert client.get(with_page(url, 2)).status_code == 404, url
        assert client.get(with_page(url, "abc")).status_code == 404, url


@pytest.mark.parametrize("stored", ["abc", 0, -5, 10**30, "1e3", True, None, [3]])
def test_a_bad_stored_page_size_falls_back_to_the_default(app, client, listed, stored):
    with app.app_context():
        set_setting("per_page", stored)
        db.session.commit()
    response = client.get(f"/category/{listed.slug}")
    assert response.status_code == 200
    assert response.text.count("Lễ hội số") >= 3  # the default size (10) holds all three


def test_paginate_never_sends_an_overflowing_offset(app, make_article):
    make_article("Một bài")
    with app.app_context():
        assert paginate(public_articles(), 1, 10)[1] == 1
        for page in (2, 2**40, 2**62, 10**30):
            assert paginate(public_articles(), page, 100) == ([], 1)
        assert paginate(select(Article).where(Article.id < 0), 1, 10) == ([], 0)
        with pytest.raises(ValueError, match="does not exist"):
            paginate(public_articles(), 0, 10)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        ("007", 7),
        (str(PAGE_MAX), PAGE_MAX),
        (str(PAGE_MAX + 1), None),
        ("0", None),
        ("000", None),
        ("-1", None),
        ("+1", None),
        ("1.0", None),
        ("1e3", None),
        ("", None),
        (None, None),
        ("１", None),
        ("²", None),
        ("1\x00", None),
        ("9" * 5000, None),
    ],
)
def test_parse_positive(raw, expected):
    assert parse_positive(raw, PAGE_MAX) == expected


def test_bounded_and_last_page():
    assert bounded(5, 10, 100) == 5
    assert bounded("7", 10, 100) == 7
    assert bounded(101, 10, 100) == 10
    assert bounded(False, 10, 100) == 10
    assert bounded(2.5, 10, 100) == 10
    assert last_page(0, 10) == 1
    assert last_page(10, 10) == 1
    assert last_page(11, 10) == 2
