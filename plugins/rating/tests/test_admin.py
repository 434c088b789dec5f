"""The back office: the article list's column, the vote log, resetting votes, the settings."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from cms.content import set_setting
from cms.extensions import db
from cms.models import AuditEntry
from cms.testing import csrf_token_from
from plugins.rating.models import RatingAddress, RatingVote
from plugins.rating.tests.helpers import BROWSER, settings, totals_in_db
from plugins.rating.voters import current_settings
from plugins.rating.voting import recount


def add_votes(app, article_id, stars_list, prefix="c:"):
    """Store votes as accepted votes are stored (rows, then totals)."""
    with app.app_context():
        for index, stars in enumerate(stars_list):
            key = f"{prefix}{article_id:04d}{index:060d}"
            db.session.add(RatingVote(article_id=article_id, voter_key=key, stars=stars))
        db.session.flush()
        recount(article_id)
        db.session.commit()


def vote_over_api(app, article, stars, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    answer = client.post(
        f"/api/v1/articles/{article.id}/rating", json={"stars": stars}, headers=BROWSER
    )
    assert answer.status_code == 200
    return client


def test_the_article_list_shows_count_and_average(app, client, signed_in, article, make_article):
    unrated = make_article("Chưa có đánh giá")
    add_votes(app, article.id, [5] * 6 + [4] * 4 + [3] * 2)
    signed_in("editor")
    page = client.get("/admin/articles").text
    assert '<th scope="col" data-column="rating.rating">Rating</th>' in page
    cells = dict(
        re.findall(
            r'<tr[^>]*>.*?href="/admin/articles/(\d+)/edit".*?data-column="rating.rating">(.*?)</td>',
            page,
            re.S,
        )
    )
    assert "4.3 (12 votes)" in cells[str(article.id)]
    assert f'href="/admin/plugins/rating/?article={article.id}"' in cells[str(article.id)]
    assert cells[str(unrated.id)] == "—"
    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()
    assert "4,3 (12 lượt)" in client.get("/admin/articles").text


def test_the_vote_log_shows_hashed_voters_and_times_only(app, client, signed_in, article):
    voter = vote_over_api(app, article, 4, "203.0.113.45")
    cookie = voter.get_cookie("rating_voter").value
    signed_in("editor")
    page = client.get("/admin/plugins/rating/").text
    assert "Article ratings" in page
    assert 'href="/admin/plugins/rating/"' in page  # in the navigation
    assert "1 vote" in page
    assert "203.0.113.45" not in page
    assert cookie not in page
    with app.app_context():
        key = db.session.execute(select(RatingVote.voter_key)).scalar_one()
    assert f'Browser <code title="{key}">{key[2:14]}…</code>' in page
    assert "<time datetime=" in page
    assert article.title in page


def test_the_vote_log_is_paged_and_filtered_by_article(
    app, client, signed_in, article, make_article
):
    other = make_article("Bài khác")
    add_votes(app, article.id, [4] * 60)
    add_votes(app, other.id, [2] * 3)
    signed_in("editor")
    first = client.get(f"/admin/plugins/rating/?article={article.id}").text
    assert "60 votes · page 1 of 2" in first
    assert first.count("<tr data-vote=") == 50
    assert "votes: 60, average: 4" in first
    second = client.get(f"/admin/plugins/rating/?article={article.id}&page=2").text
    assert second.count("<tr data-vote=") == 10
    assert client.get(f"/admin/plugins/rating/?article={article.id}&page=3").status_code == 404
    everything = client.get("/admin/plugins/rating/").text
    assert "63 votes" in everything
    for bad in ("abc", "0", "-1", "99999"):
        assert client.get(f"/admin/plugins/rating/?article={bad}").status_code == 404
    assert client.get("/admin/plugins/rating/?page=x").status_code == 404


def test_authors_and_strangers_cannot_open_the_log(app, client, signed_in):
    assert client.get("/admin/plugins/rating/").status_code in (302, 401)
    signed_in("author")
    assert client.get("/admin/plugins/rating/").status_code == 403


def test_an_editor_resets_an_articles_votes_after_confirming(app, client, signed_in, article):
    vote_over_api(app, article, 5, "203.0.113.1")
    vote_over_api(app, article, 3, "203.0.113.2")
    signed_in("editor")
    log = client.get(f"/admin/plugins/rating/?article={article.id}").text
    assert f'href="/admin/plugins/rating/articles/{article.id}/reset"' in log
    confirm = client.get(f"/admin/plugins/rating/articles/{article.id}/reset")
    assert confirm.status_code == 200
    assert "This cannot be undone." in confirm.text
    assert "data-confirm=" in confirm.text
    token = csrf_token_from(confirm.text)
    done = client.post(
        f"/admin/plugins/rating/articles/{article.id}/reset",
        data={"csrf_token": token, "confirm": "yes"},
    )
    assert done.status_code == 302
    assert totals_in_db(app, article.id) == (0, 0, 0)
    with app.app_context():
        assert db.session.execute(select(RatingAddress)).first() is None
        entry = db.session.execute(
            select(AuditEntry).where(AuditEntry.action == "rating.reset")
        ).scalar_one()
        assert (entry.object_type, entry.object_id) == ("article", article.id)
        assert entry.details == {"count": 2, "total": 8}
        assert entry.user_email == "editor@example.org"
        assert "votes: 2, average: 4" in entry.summary
    assert "were reset." in client.get(done.headers["Location"]).text
    vote_over_api(app, article, 4, "203.0.113.1")  # that reader may vote again
    assert totals_in_db(app, article.id) == (1, 1, 4)


def test_a_reset_needs_its_csrf_token_and_its_confirmation(app, client, signed_in, article):
    vote_over_api(app, article, 5, "203.0.113.1")
    signed_in("editor")
    path = f"/admin/plugins/rating/articles/{article.id}/reset"
    assert client.post(path, data={"confirm": "yes"}).status_code == 400
    assert client.post(path, data={"confirm": "yes", "csrf_token": "forged"}).status_code == 400
    token = csrf_token_from(client.get(path).text)
    unconfirmed = client.post(path, data={"csrf_token": token})
    assert unconfirmed.status_code == 302
    assert "Confirm the reset with its button." in client.get(unconfirmed.headers["Location"]).text
    assert totals_in_db(app, article.id) == (1, 1, 5)
    assert client.get("/admin/plugins/rating/articles/999999/reset").status_code == 404


def test_authors_cannot_reset(app, client, signed_in, auth, article):
    vote_over_api(app, article, 5, "203.0.113.1")
    signed_in("author")
    path = f"/admin/plugins/rating/articles/{article.id}/reset"
    assert client.get(path).status_code == 403
    token = csrf_token_from(client.get("/admin/").text)
    assert client.post(path, data={"csrf_token": token, "confirm": "yes"}).status_code == 403
    assert totals_in_db(app, article.id) == (1, 1, 5)


def test_admins_change_the_settings_and_they_apply_at_once(
    app, client, signed_in, auth, stars, article
):
    signed_in("admin")
    page = client.get("/admin/plugins/rating/settings")
    assert page.status_code == 200
    assert '<option selected value="cookie+ip">' in page.text
    # A field's description is its help, tied to it for screen readers.
    assert 'aria-describedby="address_hours-help"' in page.text
    assert (
        '<p class="field__help" id="address_hours-help">So that an office or a mobile network'
        in page.text
    )
    answer = auth.post(
        "/admin/plugins/rating/settings",
        {"rule": "ip", "address_hours": "2", "rate_limit": "5", "rate_minutes": "1"},
    )
    assert answer.status_code == 302
    with app.app_context():
        found = current_settings()
    assert (found.rule, found.address_window, found.rate_limit, found.rate_window) == (
        "ip",
        7200,
        5,
        60,
    )


@pytest.mark.parametrize(
    "values",
    [
        {"rule": "everyone", "address_hours": "24", "rate_limit": "30", "rate_minutes": "10"},
        {"rule": "cookie", "address_hours": "0", "rate_limit": "30", "rate_minutes": "10"},
        {"rule": "cookie", "address_hours": "24", "rate_limit": "", "rate_minutes": "10"},
        {"rule": "cookie", "address_hours": "24", "rate_limit": "30", "rate_minutes": "abc"},
    ],
)
def test_bad_settings_are_refused_with_a_message_and_nothing_saved(
    app, client, signed_in, auth, values
):
    settings(app, rule="cookie")
    signed_in("admin")
    answer = auth.post("/admin/plugins/rating/settings", values)
    assert answer.status_code == 422  # the form again, with its errors
    assert 'class="field__error"' in answer.text
    with app.app_context():
        found = current_settings()
    assert (found.rule, found.address_window, found.rate_limit) == ("cookie", 24 * 3600, 30)


@pytest.mark.parametrize("value", ["١", "٣", "²", "①", "１"])
@pytest.mark.parametrize("field", ["address_hours", "rate_limit", "rate_minutes"])
def test_numbers_in_unicode_digits_are_refused(app, client, signed_in, auth, field, value):
    settings(app, rule="cookie")
    signed_in("admin")
    values = {"rule": "cookie", "address_hours": "24", "rate_limit": "30", "rate_minutes": "10"}
    answer = auth.post("/admin/plugins/rating/settings", {**values, field: value})
    assert answer.status_code == 422
    assert "Enter a whole number, e.g. 10." in answer.text
    with app.app_context():
        found = current_settings()
    assert (found.address_window, found.rate_limit, found.rate_window) == (24 * 3600, 30, 600)
