"""One vote per visitor and article: the four rules, the address window, hashing, rate limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from cms.extensions import db
from cms.models import utcnow
from plugins.rating.models import RatingAddress, RatingVote
from plugins.rating.tests.helpers import (
    BROWSER,
    JSON,
    settings,
    token_of,
    totals_in_db,
    visitor_token,
)
from plugins.rating.voters import (
    address_key,
    checked_settings,
    cookie_voter_key,
    derived_key,
    keyed_hash,
)


def reader(app, address="198.51.100.1"):
    """A browser of its own (cookies) at ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def form_vote(client, article, stars="4", headers=None):
    """Read the article page, then post its form; returns the answer.

    A reader who may not vote sees no form: a token of their browser is sent
    then, as from a page read before or another live form of the site.
    """
    page = client.get(f"/news/{article.slug}", headers=headers or BROWSER).text
    token = (
        token_of(page)
        if 'class="rating__form"' in page
        else visitor_token(client.application, client)
    )
    data = {"stars": stars, "csrf_token": token}
    return client.post(f"/rating/{article.id}", data=data, headers=headers or BROWSER)


def api_vote(client, article, stars=4, headers=None):
    return client.post(
        f"/api/v1/articles/{article.id}/rating", json={"stars": stars}, headers=headers or BROWSER
    )


def age_address_claims(app, article, hours):
    """Make every address claim of ``article`` ``hours`` old."""
    with app.app_context():
        db.session.execute(
            update(RatingAddress)
            .where(RatingAddress.article_id == article.id)
            .values(voted_at=utcnow() - timedelta(hours=hours))
        )
        db.session.commit()


# -- the default: cookie+ip -------------------------------------------------------------------


def test_by_default_a_browser_or_an_address_votes_once(app, stars, article):
    first = reader(app, "198.51.100.1")
    assert form_vote(first, article, "5").status_code == 303
    again = form_vote(first, article, "1")
    assert again.status_code == 409
    assert "You have already rated this article." in again.text
    neighbour = reader(app, "198.51.100.1")  # another browser at the same address
    refused = form_vote(neighbour, article, "1")
    assert refused.status_code == 409
    assert "rated from your network a short while ago" in refused.text
    elsewhere = reader(app, "198.51.100.2")
    assert form_vote(elsewhere, article, "3").status_code == 303
    moved = reader(app, "198.51.100.3")  # the first browser's cookie at a new address
    moved.set_cookie("rating_voter", first.get_cookie("rating_voter").value)
    assert form_vote(moved, article, "1").status_code == 409
    assert totals_in_db(app, article.id) == (2, 2, 8)


def test_the_address_part_expires_after_its_window(app, stars, article):
    assert form_vote(reader(app), article, "5").status_code == 303
    age_address_claims(app, article, 23.9)
    assert form_vote(reader(app), article, "4").status_code == 409
    age_address_claims(app, article, 24.1)
    neighbour = reader(app)
    assert form_vote(neighbour, article, "4").status_code == 303  # a day later: the office again
    assert form_vote(neighbour, article, "4").status_code == 409  # but that browser only once
    assert totals_in_db(app, article.id) == (2, 2, 9)


def test_the_window_is_a_setting(app, stars, article):
    settings(app, address_hours=1)
    assert form_vote(reader(app), article, "5").status_code == 303
    age_address_claims(app, article, 0.9)
    assert form_vote(reader(app), article, "4").status_code == 409
    age_address_claims(app, article, 1.1)
    assert form_vote(reader(app), article, "4").status_code == 303


def test_the_widget_tells_a_neighbour_the_address_voted(app, stars, article):
    assert form_vote(reader(app), article, "5").status_code == 303
    page = reader(app).get(f"/news/{article.slug}", headers=BROWSER).text
    assert "rated from your network a short while ago" in page
    assert 'name="stars"' not in page
    age_address_claims(app, article, 25)
    assert 'name="stars"' in reader(app).get(f"/news/{article.slug}", headers=BROWSER).text


# -- cookie, ip, user -------------------------------------------------------------------------


def test_rule_cookie_counts_each_browser_once_whatever_the_address(app, stars, article):
    settings(app, rule="cookie")
    browsers = [reader(app, "198.51.100.9") for _ in range(3)]
    for browser in browsers:
        assert form_vote(browser, article, "4").status_code == 303
    assert form_vote(browsers[0], article, "4").status_code == 409
    browsers[1].environ_base["REMOTE_ADDR"] = "203.0.113.50"
    assert form_vote(browsers[1], article, "4").status_code == 409
    assert totals_in_db(app, article.id) == (3, 3, 12)


def test_rule_ip_counts_each_address_once_per_window(app, stars, article):
    settings(app, rule="ip")
    first = reader(app, "198.51.100.20")
    assert form_vote(first, article, "2").status_code == 303
    first.delete_cookie("rating_voter")
    assert form_vote(first, article, "2").status_code == 409  # a cleared cookie changes nothing
    assert form_vote(reader(app, "198.51.100.21"), article, "3").status_code == 303
    assert first.get_cookie("rating_voter") is None  # this rule sets no voter cookie
    age_address_claims(app, article, 25)
    assert form_vote(first, article, "5").status_code == 303
    assert totals_in_db(app, article.id) == (3, 3, 10)


def test_rule_user_refuses_anonymous_readers_with_a_sign_in_message(app, stars, article):
    settings(app, rule="user")
    browser = reader(app)
    page = browser.get(f"/news/{article.slug}", headers=BROWSER).text
    assert "Sign in to rate articles." in page
    assert f"/admin/login?next=/news/{article.slug}" in page
    assert 'name="stars"' not in page
    settings(app, rule="cookie")  # a token from the form, as a reader who kept the old page has
    token = token_of(browser.get(f"/news/{article.slug}", headers=BROWSER).text)
    settings(app, rule="user")
    data = {"stars": "4", "csrf_token": token}
    refused = browser.post(f"/rating/{article.id}", data=data, headers=BROWSER)
    assert refused.status_code == 403
    assert "Sign in to rate articles." in refused.text
    assert f"/admin/login?next=/news/{article.slug}" in refused.text
    api = api_vote(browser, article)
    assert api.status_code == 401
    assert api.get_json()["error"]["message"] == "Sign in to rate articles."
    assert totals_in_db(app, article.id) == (0, 0, 0)


def test_rule_user_counts_each_token_user_once(app, stars, article, api_token):
    settings(app, rule="user")
    editor = {**BROWSER, "Authorization": f"Bearer {api_token('editor', 'ed@example.org')}"}
    author = {**BROWSER, "Authorization": f"Bearer {api_token('author', 'au@example.org')}"}
    client = app.test_client()
    assert api_vote(client, article, 5, editor).get_json() == {"count": 1, "average": 5.0}
    repeated = api_vote(client, article, 1, editor)
    assert repeated.status_code == 409
    assert repeated.get_json()["error"]["code"] == "already_voted"
    assert api_vote(client, article, 4, author).get_json() == {"count": 2, "average": 4.5}
    assert totals_in_db(app, article.id) == (2, 2, 9)


def test_rule_user_shows_a_signed_in_reader_the_form(app, client, stars, article, signed_in):
    settings(app, rule="user")
    signed_in("author")  # the session is bound to the browser's agent: the client's own here
    page = client.get(f"/news/{article.slug}").text
    assert 'class="rating__form"' in page
    assert "Sign in to rate articles." not in page


def test_rule_user_lets_a_signed_in_reader_vote_with_the_form(
    app, client, stars, article, signed_in
):
    settings(app, rule="user")
    signed_in("author")
    page = client.get(f"/news/{article.slug}").text
    data = {"stars": "4", "csrf_token": token_of(page)}
    assert client.post(f"/rating/{article.id}", data=data).status_code == 303
    assert totals_in_db(app, article.id) == (1, 1, 4)


def test_a_token_holder_with_a_robots_agent_is_no_robot(app, stars, article, api_token):
    settings(app, rule="user")
    headers = {"User-Agent": "curl/8.5.0", "Authorization": f"Bearer {api_token('author')}"}
    assert api_vote(app.test_client(), article, 3, headers).status_code == 200
    anonymous = api_vote(app.test_client(), article, 3, {"User-Agent": "curl/8.5.0"})
    assert anonymous.status_code == 403


# -- addresses: kept as keyed hashes, taken from the engine -----------------------------------


def test_addresses_and_cookies_are_stored_only_as_keyed_hashes(app, stars, article, runner):
    first = reader(app, "203.0.113.77")
    assert form_vote(first, article, "5").status_code == 303
    cookie = first.get_cookie("rating_voter").value
    with app.app_context():
        votes = db.session.execute(select(RatingVote)).scalars().all()
        claims = db.session.execute(select(RatingAddress)).scalars().all()
        assert [v.voter_key for v in votes] == [cookie_voter_key(cookie)]
        assert [c.address_key for c in claims] == [address_key("203.0.113.77")]
        assert address_key("203.0.113.77") == keyed_hash("address", "203.0.113.77")
        assert len(derived_key()) == 32
        dump = repr([(v.voter_key, v.stars) for v in votes] + [c.address_key for c in claims])
    assert "203.0.113.77" not in dump
    assert cookie not in dump


def test_the_key_comes_from_the_sites_secret_key(make_app):
    one, other = make_app(SECRET_KEY="first-secret"), make_app(SECRET_KEY="second-secret")
    with one.app_context():
        first = address_key("203.0.113.77")
    with other.app_context():
        second = address_key("203.0.113.77")
    assert first != second
    assert len(first) == len(second) == 64


def test_x_forwarded_for_is_ignored_without_proxy_hops(app, stars, article):
    assert form_vote(reader(app, "198.51.100.40"), article, "5").status_code == 303
    forged = reader(app, "198.51.100.40")
    headers = {**BROWSER, "X-Forwarded-For": "192.0.2.99"}
    assert form_vote(forged, article, "5", headers=headers).status_code == 409
    assert totals_in_db(app, article.id) == (1, 1, 5)


def test_with_one_proxy_hop_the_forwarded_address_counts(make_app, place_widget, make_article):
    app = make_app(PROXY_HOPS=1)
    place_widget("rating.stars", region="article_footer", title="", visibility="articles")
    article = make_article("Sau một proxy")
    proxy = "10.0.0.1"
    for client_address, status in (("192.0.2.1", 303), ("192.0.2.2", 303), ("192.0.2.1", 409)):
        browser = reader(app, proxy)
        headers = {**BROWSER, "X-Forwarded-For": client_address}
        answer = form_vote(browser, article, "4", headers=headers)
        assert answer.status_code == status
    assert totals_in_db(app, article.id) == (2, 2, 8)


# -- the rate limit ---------------------------------------------------------------------------


def test_the_rate_limit_per_address_is_a_setting_and_counts_nothing_past_it(
    app, stars, article, make_article
):
    settings(app, rule="cookie", rate_limit=3, rate_minutes=10)
    others = [make_article(f"Bài {n}") for n in range(3)]
    for target in (article, *others[:2]):
        assert form_vote(reader(app, "198.51.100.60"), target, "4").status_code == 303
    over = form_vote(reader(app, "198.51.100.60"), others[2], "4")
    assert over.status_code == 429
    assert "Too many ratings were sent from your network" in over.text
    assert 1 <= int(over.headers["Retry-After"]) <= 600
    api = api_vote(reader(app, "198.51.100.60"), others[2], 4, JSON)
    assert api.status_code == 429
    assert api.get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in api.headers
    assert totals_in_db(app, others[2].id) == (0, 0, 0)
    assert form_vote(reader(app, "198.51.100.61"), others[2], "4").status_code == 303


@pytest.mark.parametrize(
    ("rule", "refused"), [("cookie", "already_voted"), ("ip", "address_voted")]
)
def test_votes_refused_as_already_cast_take_nothing_from_the_quota(
    app, stars, article, make_article, rule, refused
):
    settings(app, rule=rule, rate_limit=3, rate_minutes=10)
    browser = reader(app, "198.51.100.70")
    assert api_vote(browser, article, 4, JSON).status_code == 200
    for _ in range(5):  # a reader clicking again and again, or a neighbour behind the address
        again = api_vote(browser if rule == "cookie" else reader(app, "198.51.100.70"), article)
        assert again.status_code == 409
        assert again.get_json()["error"]["code"] == refused
    others = [make_article(f"Bài {n}") for n in range(3)]
    for target in others[:2]:  # two more votes: three in all, the quota
        assert api_vote(browser, target, 5, JSON).status_code == 200
    over = api_vote(browser, others[2], 5, JSON)
    assert over.status_code == 429  # the fourth vote is one too many
    assert totals_in_db(app, article.id) == (1, 1, 4)


def test_the_default_rate_limit_is_thirty_votes_per_ten_minutes(app):
    with app.app_context():
        found = checked_settings({})
    assert (found.rule, found.rate_limit, found.rate_window) == ("cookie+ip", 30, 600)
    assert found.address_window == 24 * 3600


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({"rule": "bogus"}, ("cookie+ip", 24 * 3600, 30, 600)),
        ({"address_hours": 0, "rate_limit": -5}, ("cookie+ip", 3600, 1, 600)),
        ({"rate_minutes": "x", "address_hours": True}, ("cookie+ip", 24 * 3600, 30, 600)),
        ({"rule": "ip", "address_hours": "2"}, ("ip", 7200, 30, 600)),
    ],
)
def test_stored_settings_are_made_valid(stored, expected):
    found = checked_settings(stored)
    assert (found.rule, found.address_window, found.rate_limit, found.rate_window) == expected
