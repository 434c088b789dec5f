"""``GET|POST /api/v1/articles/<id>/rating`` and the ``rating`` field of articles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cms.extensions import db
from cms.models import utcnow
from cms.plugins import registry
from plugins.rating.tests.helpers import BROWSER, ROBOT, settings, totals_in_db


def url(article_id):
    return f"/api/v1/articles/{article_id}/rating"


def anonymous(app, address="198.51.100.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_get_and_post_answer_count_and_average(app, article):
    assert app.test_client().get(url(article.id)).get_json() == {"count": 0, "average": 0.0}
    first = anonymous(app, "198.51.100.1").post(url(article.id), json={"stars": 4}, headers=BROWSER)
    assert first.status_code == 200
    assert first.get_json() == {"count": 1, "average": 4.0}
    second = anonymous(app, "198.51.100.2").post(
        url(article.id), json={"stars": 3}, headers=BROWSER
    )
    assert second.get_json() == {"count": 2, "average": 3.5}
    third = anonymous(app, "198.51.100.3").post(url(article.id), json={"stars": 2}, headers=BROWSER)
    assert third.get_json() == {"count": 3, "average": 3.0}
    assert app.test_client().get(url(article.id)).get_json() == {"count": 3, "average": 3.0}
    assert totals_in_db(app, article.id) == (3, 3, 9)


def test_the_average_is_rounded_to_two_decimals(app, article):
    for index, stars in enumerate((5, 4, 4)):
        anonymous(app, f"198.51.100.{index + 10}").post(
            url(article.id), json={"stars": stars}, headers=BROWSER
        )
    assert app.test_client().get(url(article.id)).get_json() == {"count": 3, "average": 4.33}


def test_a_repeated_vote_is_409_with_a_json_error(app, article):
    client = anonymous(app)
    assert client.post(url(article.id), json={"stars": 5}, headers=BROWSER).status_code == 200
    assert client.get_cookie("rating_voter") is not None  # the API names the browser too
    again = client.post(url(article.id), json={"stars": 1}, headers=BROWSER)
    assert again.status_code == 409
    assert again.get_json() == {
        "error": {"code": "already_voted", "message": "You have already rated this article."}
    }
    neighbour = anonymous(app)  # same address, no cookie
    refused = neighbour.post(url(article.id), json={"stars": 1}, headers=BROWSER)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "address_voted"
    assert totals_in_db(app, article.id) == (1, 1, 5)


@pytest.mark.parametrize("stars", [0, 6, -1, 4.5, "5", True, None, [5], {"n": 5}, 2**40])
def test_stars_outside_one_to_five_or_not_whole_are_422(app, article, stars):
    answer = anonymous(app).post(url(article.id), json={"stars": stars}, headers=BROWSER)
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert error["code"] == "invalid"
    assert "stars" in error["fields"]
    assert totals_in_db(app, article.id) == (0, 0, 0)


def test_a_body_without_stars_or_not_json_is_refused(app, article):
    client = anonymous(app)
    missing = client.post(url(article.id), json={}, headers=BROWSER)
    assert missing.status_code == 422
    assert "stars" in missing.get_json()["error"]["fields"]
    form = client.post(url(article.id), data={"stars": "5"}, headers=BROWSER)
    assert form.status_code == 415  # a cross-site form cannot vote
    broken = client.post(
        url(article.id), data="{stars: 5", content_type="application/json", headers=BROWSER
    )
    assert broken.status_code == 400
    assert broken.get_json()["error"]["code"] == "bad_request"
    assert totals_in_db(app, article.id) == (0, 0, 0)


def test_unknown_unpublished_and_huge_ids_are_json_404(app, article, make_article):
    draft = make_article("Bản nháp", status="draft")
    future = make_article("Sắp đăng", status="scheduled", published_at=utcnow() + timedelta(days=1))
    client = anonymous(app)
    for article_id in (999_999, draft.id, future.id, 2**31, 10**20):
        for answer in (
            client.get(url(article_id)),
            client.post(url(article_id), json={"stars": 5}, headers=BROWSER),
        ):
            assert answer.status_code == 404
            assert answer.get_json()["error"]["code"] == "not_found"
    assert totals_in_db(app, draft.id) == (0, 0, 0)


def test_a_robots_vote_is_403(app, article):
    answer = anonymous(app).post(url(article.id), json={"stars": 5}, headers=ROBOT)
    assert answer.status_code == 403
    assert answer.get_json()["error"] == {
        "code": "crawler",
        "message": "Ratings from automated programs are not accepted.",
    }
    assert totals_in_db(app, article.id) == (0, 0, 0)


def test_put_is_405_with_allow(app, article):
    answer = anonymous(app).put(url(article.id), json={"stars": 5}, headers=BROWSER)
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_the_sites_limit_of_anonymous_writes_applies_too(make_app, make_article):
    app = make_app(API_ANONYMOUS_WRITE_LIMIT="2 per minute")
    settings(app, rule="cookie")
    articles = [make_article(f"Bài {n}") for n in range(3)]
    client = anonymous(app)
    answers = [
        client.post(url(a.id), json={"stars": 4}, headers=BROWSER).status_code for a in articles
    ]
    assert answers == [200, 200, 429]
    assert totals_in_db(app, articles[2].id) == (0, 0, 0)


def test_the_openapi_document_describes_both_operations_and_the_field(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    item = document["paths"]["/api/v1/articles/{article_id}/rating"]
    assert {"get", "post"} <= set(item)
    body = item["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["stars"]["minimum"] == 1
    assert body["properties"]["stars"]["maximum"] == 5
    assert body["required"] == ["stars"]
    answer = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(answer["properties"]) == {"count", "average"}
    assert "429" in item["post"]["responses"]
    article_schema = document["components"]["schemas"]["Article"]
    assert "rating" in article_schema["properties"]


def test_articles_carry_a_rating_field_null_while_the_plugin_is_disabled(app, article):
    anonymous(app).post(url(article.id), json={"stars": 5}, headers=BROWSER)
    found = app.test_client().get(f"/api/v1/articles/{article.id}").get_json()
    assert found["rating"] == {"count": 1, "average": 5.0}
    listed = app.test_client().get("/api/v1/articles").get_json()["items"]
    assert [a["rating"] for a in listed if a["id"] == article.id] == [{"count": 1, "average": 5.0}]
    with app.app_context():
        registry().set_enabled("rating", False)
        db.session.commit()
    assert app.test_client().get(f"/api/v1/articles/{article.id}").get_json()["rating"] is None
    assert app.test_client().get(url(article.id)).status_code == 404
