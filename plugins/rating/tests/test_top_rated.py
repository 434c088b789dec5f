"""``rating.top_rated``: the best rated articles by Bayesian average, cached."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from cms.content import set_setting
from cms.extensions import db
from cms.models import utcnow
from plugins.rating.tests.helpers import BROWSER, widget_html
from plugins.rating.tests.test_admin import add_votes
from plugins.rating.voting import PRIOR_MEAN, PRIOR_VOTES, Totals, score_of
from plugins.rating.widgets import TopRated, TopRatedForm


def listed(client, widget_type="rating.top_rated"):
    """The titles the list shows on the home page, in order."""
    html = widget_html(client.get("/", headers=BROWSER).text, widget_type)
    return re.findall(r'class="rating-top__link" href="[^"]+">([^<]+)</a>', html)


def test_the_bayesian_average_is_imdbs_weighted_rating():
    found = Totals(count=12, total=52)
    mean = found.total / found.count
    weighted = (found.count / (found.count + PRIOR_VOTES)) * mean + (
        PRIOR_VOTES / (found.count + PRIOR_VOTES)
    ) * PRIOR_MEAN
    assert score_of(found) == pytest.approx(weighted)
    assert score_of(Totals(1, 5)) < score_of(Totals(200, 800))  # one 5 < two hundred 4s
    assert score_of(Totals(0, 0)) == PRIOR_MEAN


def test_one_five_star_vote_does_not_beat_two_hundred_four_star_votes(
    app, client, place_widget, make_article
):
    place_widget("rating.top_rated", title="Được đánh giá cao")
    single = make_article("Một phiếu năm sao")
    many = make_article("Hai trăm phiếu bốn sao")
    few = make_article("Ba phiếu năm sao")
    unrated = make_article("Chưa ai chấm")
    add_votes(app, single.id, [5])
    add_votes(app, many.id, [4] * 200)
    add_votes(app, few.id, [5, 5, 5])
    assert listed(client) == [many.title, few.title, single.title]
    assert unrated.title not in listed(client)
    html = widget_html(client.get("/", headers=BROWSER).text, "rating.top_rated")
    assert "votes: 200, average: 4" in html
    assert 'aria-label="Average 4 out of 5 stars"' in html


def test_count_category_and_time_window_settings(
    app, client, place_widget, make_article, make_category
):
    parent = make_category("Cải cách hành chính")
    child = make_category("Kiểm tra công vụ", parent_id=parent.id)
    other = make_category("Văn hóa")
    in_child = make_article("Trong chuyên mục con", category_id=child.id)
    in_parent = make_article("Trong chuyên mục cha", category_id=parent.id)
    elsewhere = make_article("Chuyên mục khác", category_id=other.id)
    old = make_article("Bài cũ", category_id=parent.id, published_at=utcnow() - timedelta(days=40))
    for item, stars in ((in_child, 5), (in_parent, 4), (elsewhere, 5), (old, 5)):
        add_votes(app, item.id, [stars] * 5)
    place_widget("rating.top_rated", title="Cha", category=parent.id, count=5)
    html = widget_html(client.get("/", headers=BROWSER).text)
    assert html == ""  # the stars are not placed; the list is
    titles = listed(client)
    assert set(titles) == {in_child.title, in_parent.title, old.title}
    with app.app_context():
        from cms.models import WidgetInstance
        from cms.plugins.placement import update_instance

        instance = db.session.execute(db.select(WidgetInstance)).scalar_one()
        update_instance(instance, settings={"category": parent.id, "count": 1, "days": 30})
        db.session.commit()
    assert listed(client) == [in_child.title]
    with app.app_context():
        instance = db.session.execute(db.select(WidgetInstance)).scalar_one()
        update_instance(instance, settings={"category": 0, "count": 10, "days": 0})
        db.session.commit()
    assert set(listed(client)) == {in_child.title, in_parent.title, elsewhere.title, old.title}


def test_only_public_articles_are_listed_and_unpublishing_drops_the_cached_list(
    app, client, place_widget, make_article, api_client
):
    place_widget("rating.top_rated", title="Top")
    shown = make_article("Đang đăng")
    draft = make_article("Bản nháp", status="draft")
    add_votes(app, shown.id, [5, 5])
    add_votes(app, draft.id, [5, 5, 5])
    assert listed(client) == [shown.title]
    editor = api_client("editor")
    answer = editor.patch(f"/api/v1/articles/{shown.id}", json={"status": "draft"})
    assert answer.status_code == 200
    assert listed(client) == []  # at once, not when the cache expires


def test_the_list_is_cached_between_votes(app, client, place_widget, make_article):
    place_widget("rating.top_rated", title="Top")
    first = make_article("Bài thứ nhất")
    second = make_article("Bài thứ hai")
    add_votes(app, first.id, [4, 4])
    assert listed(client) == [first.title]
    add_votes(app, second.id, [5, 5, 5])  # counted, but the list is kept for ten minutes
    assert listed(client) == [first.title]
    assert TopRated.cache == 600


def test_an_empty_list_says_so_in_the_sites_language(app, client, place_widget):
    place_widget("rating.top_rated", title="Top")
    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()
    html = widget_html(client.get("/", headers=BROWSER).text, "rating.top_rated")
    assert "Chưa có bài viết nào được đánh giá." in html


def test_the_settings_form_offers_every_category(app, make_category):
    make_category("Giáo dục")
    with app.test_request_context("/"):
        form = TopRatedForm(meta={"csrf": False}, data={"count": 5, "category": 0, "days": 0})
        labels = [str(choice.label) for choice in form.category.choices]
        assert labels[0] == "All categories"
        assert "Giáo dục" in labels
        bad = TopRatedForm(meta={"csrf": False}, data={"count": 50, "category": 0, "days": -1})
        assert not bad.validate()
        assert set(bad.errors) == {"count", "days"}


def test_odd_stored_settings_fall_back(app, client, place_widget, make_article):
    place_widget("rating.top_rated", title="Top", count="many", category="x", days=None)
    rated = make_article("Có đánh giá")
    add_votes(app, rated.id, [3])
    assert listed(client) == [rated.title]
