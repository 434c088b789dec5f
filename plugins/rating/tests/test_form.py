"""The stars under an article and their form: with and without JavaScript, on cached pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cms.content import set_setting
from cms.extensions import db
from cms.visitor_csrf import COOKIE as CSRF_COOKIE
from plugins.rating.models import RatingTotal, RatingVote
from plugins.rating.tests.helpers import (
    BROWSER,
    JSON,
    ROBOT,
    settings,
    text_of,
    token_of,
    totals_in_db,
    widget_html,
)
from plugins.rating.voting import recount


def article_page(client, article, **headers):
    return client.get(f"/news/{article.slug}", headers={**BROWSER, **headers})


def vote(client, article, stars="4", headers=None, token=None):
    """Post the widget's form as a browser does, with the token of the page it read."""
    if token is None:
        token = token_of(article_page(client, article).text)
    return client.post(
        f"/rating/{article.id}",
        data={"stars": stars, "csrf_token": token},
        headers=headers or BROWSER,
    )


def test_the_widget_shows_count_average_and_a_radio_group(app, client, stars, article):
    html = widget_html(article_page(client, article).text)
    assert f'data-widget-id="{stars.id}"' in html
    assert "Rating: votes: 0, average: 0" in text_of(html)
    for n in range(1, 6):
        assert f'type="radio" id="rating-{stars.id}-{n}" name="stars" value="{n}"' in html
    assert "<legend" in html
    assert f'for="rating-{stars.id}-5"' in html
    assert "5 stars" in html
    assert 'type="submit"' in html
    assert "/plugins/rating/static/rating.js?v=" in html
    assert widget_html(client.get("/", headers=BROWSER).text) == ""  # articles only


def test_in_vietnamese_it_reads_as_the_reference_page(app, client, stars, article):
    with app.app_context():
        set_setting("locale", "vi")
        for index, number in enumerate([5] * 6 + [4] * 4 + [3] * 2):
            db.session.add(RatingVote(article_id=article.id, voter_key=f"d:{index}", stars=number))
        db.session.flush()
        recount(article.id)
        db.session.commit()
    html = widget_html(article_page(client, article).text)
    assert "Đánh giá: lượt đánh giá: 12, trung bình: 4,3" in text_of(html)
    assert 'aria-label="Trung bình 4,3 trên 5 sao"' in html
    assert "Chấm điểm bài viết" in html
    assert "Gửi đánh giá" in html
    assert "5 sao" in html


def test_thousands_follow_the_locale(app, client, stars, article):
    with app.app_context():
        set_setting("locale", "vi")
        db.session.add(RatingTotal(article_id=article.id, count=2194387, total=9000000))
        db.session.commit()
    assert "lượt đánh giá: 2.194.387, trung bình: 4,1" in text_of(
        widget_html(article_page(client, article).text)
    )
    with app.app_context():
        set_setting("locale", "en")
        db.session.commit()
    assert "votes: 2,194,387, average: 4.1" in text_of(
        widget_html(article_page(client, article).text)
    )


def test_without_javascript_the_form_returns_to_the_article_with_a_message(
    app, client, stars, article
):
    answer = vote(client, article, "4")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/news/{article.slug}#rating-{article.id}")
    assert client.get_cookie("rating_voter") is not None
    back = widget_html(article_page(client, article).text)
    assert "Thank you for rating this article!" in back
    assert "votes: 1, average: 4" in text_of(back)
    assert 'name="stars"' not in back  # voted: no form any more
    again = widget_html(article_page(client, article).text)
    assert "Thank you for rating this article!" not in again  # the message was shown once
    assert "You have already rated this article." in again
    assert totals_in_db(app, article.id) == (1, 1, 4)


def test_with_javascript_the_answer_is_json_with_the_new_numbers(app, client, stars, article):
    token = token_of(article_page(client, article).text)
    answer = client.post(
        f"/rating/{article.id}", data={"stars": "5", "csrf_token": token}, headers=JSON
    )
    assert answer.status_code == 200
    data = answer.get_json()
    assert (data["count"], data["average"]) == (1, 5.0)
    assert data["summary"] == "votes: 1, average: 5"
    assert data["stars"] == ["full"] * 5
    assert data["message"] == "Thank you for rating this article!"
    repeated = client.post(
        f"/rating/{article.id}", data={"stars": "3", "csrf_token": token}, headers=JSON
    )
    assert repeated.status_code == 409
    assert repeated.get_json()["error"]["code"] == "already_voted"
    assert repeated.get_json()["error"]["message"] == "You have already rated this article."
    assert totals_in_db(app, article.id) == (1, 1, 5)


def test_a_repeated_form_vote_is_a_clear_409_page_and_counts_nothing(app, client, stars, article):
    token = token_of(article_page(client, article).text)
    assert vote(client, article, "2", token=token).status_code == 303
    again = vote(client, article, "5", token=token)
    assert again.status_code == 409
    assert "You have already rated this article." in again.text
    assert f'href="/news/{article.slug}#rating-{article.id}"' in again.text
    assert totals_in_db(app, article.id) == (1, 1, 2)


@pytest.mark.parametrize(
    ("locale", "missing_message", "expired_message"),
    [
        (
            "en",
            "The form was sent without its security token. Reload the page and submit it again.",
            "The form expired, please submit it again.",
        ),
        (
            "vi",
            "Biểu mẫu được gửi đi mà không có mã bảo mật. Vui lòng tải lại trang và gửi lại.",
            "Biểu mẫu đã hết hạn, vui lòng gửi lại.",
        ),
    ],
)
def test_the_script_gets_json_for_a_missing_or_forged_csrf_token(
    app, client, stars, article, locale, missing_message, expired_message
):
    with app.app_context():
        set_setting("locale", locale)
        db.session.commit()
    article_page(client, article)
    missing = client.post(f"/rating/{article.id}", data={"stars": "5"}, headers=JSON)
    assert (missing.status_code, missing.mimetype) == (400, "application/json")
    assert missing.get_json() == {"error": {"code": "csrf_missing", "message": missing_message}}
    forged = vote(client, article, "5", headers=JSON, token="IjAwMCI.forged.token")
    assert (forged.status_code, forged.mimetype) == (400, "application/json")
    assert forged.get_json() == {"error": {"code": "csrf_failed", "message": expired_message}}
    assert totals_in_db(app, article.id) == (0, 0, 0)


def test_a_form_without_its_csrf_token_or_with_a_forged_one_counts_nothing(
    app, client, stars, article
):
    article_page(client, article)  # the visitor's CSRF cookie is set
    missing = client.post(f"/rating/{article.id}", data={"stars": "5"}, headers=BROWSER)
    assert missing.status_code == 400
    assert (
        "The form was sent without its security token. Reload the page and submit it again."
        in missing.text
    )
    forged = vote(client, article, "5", token="IjAwMCI.forged.token")
    assert forged.status_code == 400
    stranger = app.test_client()  # another browser replaying this reader's token
    token = token_of(article_page(client, article).text)
    article_page(stranger, article)
    assert vote(stranger, article, "5", token=token).status_code == 400
    assert totals_in_db(app, article.id) == (0, 0, 0)
    assert stranger.get_cookie("rating_voter") is None


@pytest.mark.parametrize("value", ["0", "6", "-1", "3.5", "abc", "", " 3", "٣", "10"])
def test_stars_outside_one_to_five_are_refused_with_a_message(app, client, stars, article, value):
    answer = vote(client, article, value)
    assert answer.status_code == 422
    assert "Choose from 1 to 5 stars." in answer.text
    as_json = vote(client, article, value, headers=JSON)
    assert as_json.status_code == 422
    assert as_json.get_json()["error"]["code"] == "invalid"
    assert totals_in_db(app, article.id) == (0, 0, 0)


def test_a_form_without_stars_is_refused(app, client, stars, article):
    token = token_of(article_page(client, article).text)
    answer = client.post(f"/rating/{article.id}", data={"csrf_token": token}, headers=BROWSER)
    assert answer.status_code == 422
    assert "Choose from 1 to 5 stars." in answer.text
    assert totals_in_db(app, article.id) == (0, 0, 0)


def test_unknown_draft_and_future_articles_are_404(app, client, stars, article, make_article):
    from datetime import timedelta

    from cms.models import utcnow

    token = token_of(article_page(client, article).text)
    draft = make_article("Bản nháp", status="draft")
    future = make_article("Sắp đăng", status="scheduled", published_at=utcnow() + timedelta(days=1))
    for article_id in (999_999, draft.id, future.id):
        form = {"stars": "5", "csrf_token": token}
        assert client.post(f"/rating/{article_id}", data=form, headers=BROWSER).status_code == 404
        as_json = client.post(f"/rating/{article_id}", data=form, headers=JSON)
        assert as_json.status_code == 404
        assert as_json.get_json()["error"]["code"] == "not_found"
    assert client.post("/rating/99999999999", data=form, headers=BROWSER).status_code == 404
    with app.app_context():
        assert db.session.execute(select(RatingVote)).first() is None


def test_a_robots_vote_is_refused_with_a_message(app, client, stars, article):
    token = token_of(article_page(client, article).text)
    answer = vote(client, article, "5", headers=ROBOT, token=token)
    assert answer.status_code == 403
    assert "Ratings from automated programs are not accepted." in answer.text
    empty = vote(client, article, "5", headers={"User-Agent": ""}, token=token)
    assert empty.status_code == 403
    assert totals_in_db(app, article.id) == (0, 0, 0)


def test_in_vietnamese_a_refusal_is_vietnamese(app, client, stars, article):
    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()
    token = token_of(article_page(client, article).text)
    assert vote(client, article, "9", token=token).status_code == 422
    assert "Hãy chọn từ 1 đến 5 sao." in vote(client, article, "9", token=token).text
    assert vote(client, article, "3", token=token).status_code == 303
    again = vote(client, article, "3", token=token)
    assert "Bạn đã đánh giá bài viết này." in again.text
    assert "Quay lại bài viết" in again.text
    assert "Cảm ơn bạn đã đánh giá bài viết!" in article_page(client, article).text
    robot = vote(client, article, "3", headers=ROBOT, token=token)
    assert "Không nhận đánh giá từ chương trình tự động." in robot.text


# -- the page cache ---------------------------------------------------------------------------


def test_on_a_cached_page_the_numbers_are_live_and_the_state_is_per_visitor(app, stars, article):
    settings(app, rule="cookie")  # the test clients share one address
    first, second, voter = app.test_client(), app.test_client(), app.test_client()
    assert article_page(first, article).headers.get("X-Page-Cache") == "miss"
    assert article_page(second, article).headers.get("X-Page-Cache") == "hit"
    assert vote(voter, article, "5").status_code == 303
    voter_page = article_page(voter, article)
    other_page = article_page(second, article)
    assert other_page.headers.get("X-Page-Cache") == "hit"
    assert "votes: 1, average: 5" in text_of(widget_html(other_page.text))
    assert 'name="stars"' in other_page.text  # the other reader may still vote
    assert "You have already rated" not in other_page.text
    assert "Thank you for rating" not in other_page.text
    assert 'name="stars"' not in widget_html(voter_page.text)
    assert "Thank you for rating this article!" in voter_page.text
    assert "Set-Cookie" not in other_page.headers or all(
        not c.startswith("session=") for c in other_page.headers.getlist("Set-Cookie")
    )


def test_each_reader_of_a_cached_page_gets_a_token_of_their_own(app, stars, article):
    settings(app, rule="cookie")  # the test clients share one address
    readers = [app.test_client() for _ in range(3)]
    for reader in readers:
        article_page(reader, article)  # each gets its CSRF cookie
    tokens = [token_of(article_page(reader, article).text) for reader in readers]
    assert len(set(tokens)) == 3
    for reader, token in zip(readers, tokens, strict=True):
        assert reader.get_cookie(CSRF_COOKIE) is not None
        assert vote(reader, article, "3", token=token).status_code == 303
    assert totals_in_db(app, article.id) == (3, 3, 9)


def test_the_message_cookie_of_another_article_is_left_alone(
    app, client, stars, article, make_article
):
    other = make_article("Bài khác")
    client.set_cookie("rating_msg", f"{other.id}.thanks")
    page = widget_html(article_page(client, article).text)
    assert "Thank you" not in page
    assert client.get_cookie("rating_msg") is not None
    assert "Thank you for rating this article!" in article_page(client, other).text
    assert client.get_cookie("rating_msg") is None


def test_a_disabled_plugin_loses_its_widget_form_and_api(app, client, stars, article):
    token = token_of(article_page(client, article).text)
    with app.app_context():
        from cms.plugins import registry

        registry().set_enabled("rating", False)
        db.session.commit()
    assert widget_html(article_page(client, article).text) == ""
    assert vote(client, article, "5", token=token).status_code == 404
    assert client.get(f"/api/v1/articles/{article.id}/rating").status_code == 404
    assert client.get("/plugins/rating/static/rating.js").status_code == 404
    assert totals_in_db(app, article.id) == (0, 0, 0)
