"""Paged API lists: 400 for a page or page size that is not a number in range, else JSON pages."""

import pytest

from cms.paging import PAGE_MAX, PER_PAGE_MAX

LISTS = ["/articles", "/pages", "/categories", "/tags"]

#: Values that are not a positive whole number, or overflow a 64-bit integer.
NOT_NUMBERS = [
    "0",
    "-1",
    "+1",
    "abc",
    "1.5",
    "1e3",
    "",
    " 1",
    "%EF%BC%91",
    "9223372036854775808",
    "18446744073709551616",
    "9" * 400,
]


def error_of(response):
    assert response.is_json, response.data[:200]
    return response.get_json()["error"]


@pytest.mark.parametrize("value", [*NOT_NUMBERS, str(PAGE_MAX + 1)])
def test_a_bad_page_is_400(anon, value):
    for path in LISTS:
        response = anon.get(f"{path}?page={value}")
        assert response.status_code == 400, (path, value)
        assert error_of(response)["code"] == "bad_request"
        assert "page" in error_of(response)["message"]


@pytest.mark.parametrize("value", [*NOT_NUMBERS, str(PER_PAGE_MAX + 1)])
def test_a_bad_page_size_is_400(anon, value):
    for path in LISTS:
        response = anon.get(f"{path}?per_page={value}")
        assert response.status_code == 400, (path, value)
        assert error_of(response)["code"] == "bad_request"


def test_past_the_end_is_an_empty_page(anon, make_article, make_category):
    make_article("Bài một")
    make_category("Chuyên mục")
    for path in LISTS:
        for page in (2, 1000, PAGE_MAX):
            response = anon.get(f"{path}?page={page}&per_page={PER_PAGE_MAX}")
            assert response.status_code == 200, (path, page)
            body = response.get_json()
            assert body["items"] == []
            assert body["page"] == page
            assert body["per_page"] == PER_PAGE_MAX


def test_pages_hold_what_they_say(anon, make_article):
    for i in range(3):
        make_article(f"Bài số {i}")
    first = anon.get("/articles?per_page=2").get_json()
    second = anon.get("/articles?per_page=2&page=02").get_json()
    assert (first["total"], len(first["items"]), len(second["items"])) == (3, 2, 1)
    assert {a["id"] for a in first["items"]}.isdisjoint(a["id"] for a in second["items"])
    assert anon.get(f"/articles?per_page={PER_PAGE_MAX}").status_code == 200
