"""Lists follow every change in every worker: publish, edit, unpublish, delete, schedule.

``editor`` (the ``app`` fixture) changes articles through the content
services, as the back office, the API or the scheduler do; ``reader`` is
another application on the same database with a page cache of its own (as
another host; with Redis, the shared one), which serves the article page
from its page cache between changes. Its very next answer shows each change.
Then the same through ``gunicorn -w 2`` and the JSON API, concurrent
publications included.
"""

import json
import random
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from cms.content import delete_article, delete_category, delete_tag, save_article
from cms.content.articles import promote_due_articles
from cms.extensions import db
from cms.models import Article, Category, Tag
from cms.testing import BROWSER
from plugins.related import hooks, index
from plugins.related.tests.conftest import hours_ago
from plugins.related.tests.helpers import (
    api_titles,
    page_titles,
    stored_lists,
    widget_titles,
    wrong_lists,
)


@pytest.fixture
def site(app, related, make_app, make_category, make_article, tmp_path):
    """A category of three articles, the page of the first cached by a second worker."""
    section = make_category("Giao thông")
    main = make_article(
        "Khánh thành cầu Suối Ngọc", category_id=section.id, published_at=hours_ago(10)
    )
    older = make_article(
        "Đường tỉnh 12 thông xe", category_id=section.id, published_at=hours_ago(9)
    )
    newer = make_article("Mở rộng quốc lộ 4", category_id=section.id, published_at=hours_ago(8))
    reader = make_app(PAGE_CACHE_FILE=str(tmp_path / "reader-cache.sqlite3"), PAGE_CACHE_POLL=0)
    client = reader.test_client()
    assert page_titles(client, main.slug) == [newer.title, older.title]
    assert page_titles(client, main.slug) == [newer.title, older.title]  # from its cache now
    return {"editor": app, "client": client, "main": main, "older": older, "newer": newer,
            "section": section}  # fmt: skip


def change(app, article_id, fields):
    with app.app_context():
        save_article(db.session.get(Article, article_id), fields)
        db.session.commit()


def test_a_publication_enters_the_lists_of_every_worker(site, make_article):
    fresh = make_article(
        "Lắp đèn tín hiệu ngã tư", category_id=site["section"].id, published_at=hours_ago(1)
    )
    assert page_titles(site["client"], site["main"].slug) == [
        fresh.title, site["newer"].title, site["older"].title
    ]  # fmt: skip
    assert api_titles(site["client"], fresh.id) == [
        site["newer"].title, site["older"].title, site["main"].title
    ]  # fmt: skip


def test_a_publication_drops_only_the_stored_pages_whose_list_changed(
    site, make_category, make_article
):
    lone = make_article("Lễ hội hoa ban", category_id=make_category("Văn hóa").id)
    reader = site["client"]
    url = f"/news/{lone.slug}"
    reader.get(url, headers=BROWSER)
    assert reader.get(url, headers=BROWSER).headers["X-Page-Cache"] == "hit"
    fresh = make_article(
        "Lắp đèn tín hiệu ngã tư", category_id=site["section"].id, published_at=hours_ago(1)
    )
    main = reader.get(f"/news/{site['main'].slug}", headers=BROWSER)
    assert main.headers["X-Page-Cache"] == "miss"
    assert fresh.title in main.get_data(as_text=True)
    assert reader.get(url, headers=BROWSER).headers["X-Page-Cache"] == "hit"  # list unchanged


def test_a_draft_published_later_enters_then(site, make_article):
    draft = make_article("Bến xe phía bắc", category_id=site["section"].id, status="draft")
    assert draft.title not in page_titles(site["client"], site["main"].slug)
    change(site["editor"], draft.id, {"status": "published"})
    assert page_titles(site["client"], site["main"].slug)[0] == draft.title


def test_an_edit_shows_at_once_and_can_move_an_article(site):
    change(site["editor"], site["older"].id, {"title": "Đường tỉnh 12 đã thông xe toàn tuyến"})
    assert page_titles(site["client"], site["main"].slug) == [
        site["newer"].title, "Đường tỉnh 12 đã thông xe toàn tuyến"
    ]  # fmt: skip
    change(site["editor"], site["older"].id, {"published_at": hours_ago(2)})  # now the newest
    assert page_titles(site["client"], site["main"].slug) == [
        "Đường tỉnh 12 đã thông xe toàn tuyến", site["newer"].title
    ]  # fmt: skip
    change(site["editor"], site["older"].id, {"slug": "duong-tinh-12-moi"})
    page = site["client"].get(f"/news/{site['main'].slug}", headers=BROWSER).text
    assert 'href="/news/duong-tinh-12-moi"' in page


def test_an_edit_that_moves_an_article_out_of_the_category_drops_it(site, make_category):
    other = make_category("Văn hóa")
    change(site["editor"], site["older"].id, {"category_id": other.id})
    assert page_titles(site["client"], site["main"].slug) == [site["newer"].title]


def test_a_deleted_category_no_longer_relates_its_articles(site):
    with site["editor"].app_context():
        delete_category(db.session.get(Category, site["section"].id))
        db.session.commit()
    assert page_titles(site["client"], site["main"].slug) == []  # no category, tag or word shared
    assert wrong_lists(site["editor"]) == {}


def test_a_deleted_tag_no_longer_relates_its_articles(app, related, make_category, make_article):
    first = make_article("Lễ hội hoa ban", category_id=make_category("Văn hóa").id, tags=["lễ"])
    second = make_article("Giải bóng đá", category_id=make_category("Thể thao").id, tags=["lễ"])
    client = app.test_client()
    assert page_titles(client, first.slug) == [second.title]
    with app.app_context():
        delete_tag(db.session.execute(db.select(Tag).where(Tag.name == "lễ")).scalar_one())
        db.session.commit()
    assert page_titles(client, first.slug) == []
    assert wrong_lists(app) == {}


def test_a_category_on_too_many_articles_asks_for_a_rebuild(site, monkeypatch, caplog):
    monkeypatch.setattr(hooks, "TERM_REFRESH_MAX", 2)
    with site["editor"].app_context():
        delete_category(db.session.get(Category, site["section"].id))
        db.session.commit()
    assert "cms related rebuild" in caplog.text
    assert page_titles(site["client"], site["main"].slug) != []  # kept until the rebuild


def test_an_unpublished_article_leaves_every_list(site):
    change(site["editor"], site["newer"].id, {"status": "draft"})
    assert page_titles(site["client"], site["main"].slug) == [site["older"].title]
    assert api_titles(site["client"], site["main"].id) == [site["older"].title]
    assert site["client"].get(f"/api/v1/articles/{site['newer'].id}/related").status_code == 404


def test_an_article_rescheduled_for_later_leaves_every_list(site):
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    change(site["editor"], site["newer"].id, {"status": "scheduled", "published_at": later})
    assert page_titles(site["client"], site["main"].slug) == [site["older"].title]


def test_a_deleted_article_leaves_every_list(site):
    with site["editor"].app_context():
        delete_article(db.session.get(Article, site["newer"].id))
        db.session.commit()
    assert page_titles(site["client"], site["main"].slug) == [site["older"].title]
    assert wrong_lists(site["editor"]) == {}


def test_a_scheduled_article_enters_lists_when_the_scheduler_promotes_it(site, make_article):
    soon = datetime.now(UTC) + timedelta(seconds=1.5)
    scheduled = make_article(
        "Khởi công hầm chui Bạch Lĩnh",
        category_id=site["section"].id,
        status="scheduled",
        published_at=soon.isoformat(),
    )
    assert scheduled.title not in page_titles(site["client"], site["main"].slug)
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.2)
    with site["editor"].app_context():
        assert promote_due_articles() == 1
    assert page_titles(site["client"], site["main"].slug)[0] == scheduled.title
    assert api_titles(site["client"], scheduled.id) == [
        site["newer"].title, site["older"].title, site["main"].title
    ]  # fmt: skip


#: Syllables the random titles are made of.
SYLLABLES = (
    "cầu đường tỉnh quốc lộ thông xe bệnh viện tiêm chủng trường học khai giảng "
    "học sinh nông thôn mới cải cách hành chính"
)


def test_lists_stay_exact_through_random_changes(app, related, make_category, make_article):
    """After every change the stored lists equal those computed from scratch."""
    rng = random.Random(20240514)
    sections = [make_category(name) for name in ("Giao thông", "Y tế")]
    words = SYLLABLES.split()
    tags = ["Hạ tầng", "Y tế", "Giáo dục", "Nông thôn mới", "Đầu tư công"]
    alive: list[int] = []
    for step in range(100):
        action = rng.choice(["publish"] * 4 + ["edit", "unpublish", "delete", "republish"])
        if action == "publish" or len(alive) < 30:  # lists longer than pages show, first
            ref = make_article(
                " ".join(rng.sample(words, 4)).capitalize(),
                category_id=rng.choice(sections).id,
                tags=rng.sample(tags, rng.randint(0, 2)),
                published_at=hours_ago(rng.uniform(1, 500)),
            )
            alive.append(ref.id)
        else:
            target = rng.choice(alive)
            with app.app_context():
                article = db.session.get(Article, target)
                if action == "edit":
                    save_article(
                        article,
                        {
                            "title": " ".join(rng.sample(words, 3)).capitalize(),
                            "category_id": rng.choice(sections).id,
                            "tags": rng.sample(tags, rng.randint(0, 3)),
                        },
                    )
                elif action == "unpublish":
                    save_article(article, {"status": "draft"})
                elif action == "republish":
                    save_article(article, {"status": "published"})
                else:
                    delete_article(article)
                    alive.remove(target)
                db.session.commit()
        assert wrong_lists(app) == {}, f"after step {step}: {action}"
    # Lists grew past what pages show, and lost entries: every rule of moved() ran.
    assert any(len(ids) == index.STORED for ids in stored_lists(app).values())


# -- gunicorn workers --------------------------------------------------------------------------


def call(method, url, body=None, token=None):
    """One JSON request; ``(status, decoded body)``."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            raw = answer.read()
            return answer.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def page(base, slug):
    request = urllib.request.Request(f"{base}/news/{slug}", headers=BROWSER)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return widget_titles(answer.read().decode())  # no list: the widget is left out


def seen_everywhere(base, slug, article_id, expected, tries=8):
    """Every answer of several (spread over the workers) lists ``expected``."""
    for _ in range(tries):
        status, body = call("GET", f"{base}/api/v1/articles/{article_id}/related")
        assert status == 200
        assert [item["title"] for item in body["items"]] == expected
        assert page(base, slug) == expected


def test_two_workers_keep_lists_right_through_the_api(
    app, related, api_token, make_category, gunicorn_site
):
    token = api_token("editor")
    section = make_category("Giao thông")
    site = gunicorn_site(2, app.config.get("REDIS_URL"))
    base = site.base

    def publish(title, hours):
        status, body = call(
            "POST",
            f"{base}/api/v1/articles",
            {"title": title, "status": "published", "category": section.id,
             "published_at": hours_ago(hours)},
            token,
        )  # fmt: skip
        assert status == 201, body
        return body

    main = publish("Khánh thành cầu Suối Ngọc", 10)
    older = publish("Đường tỉnh 12 thông xe", 9)
    newer = publish("Mở rộng quốc lộ 4", 8)
    seen_everywhere(base, main["slug"], main["id"], [newer["title"], older["title"]])
    status, _ = call("PATCH", f"{base}/api/v1/articles/{older['id']}",
                     {"title": "Đường tỉnh 12 đã thông xe"}, token)  # fmt: skip
    assert status == 200
    seen_everywhere(base, main["slug"], main["id"], [newer["title"], "Đường tỉnh 12 đã thông xe"])
    status, _ = call("PATCH", f"{base}/api/v1/articles/{newer['id']}", {"status": "draft"}, token)
    assert status == 200
    seen_everywhere(base, main["slug"], main["id"], ["Đường tỉnh 12 đã thông xe"])
    status, _ = call("DELETE", f"{base}/api/v1/articles/{older['id']}", token=token)
    assert status == 204
    seen_everywhere(base, main["slug"], main["id"], [])
    # Ten publications at once, spread over both workers: every list ends exact.
    with ThreadPoolExecutor(max_workers=8) as pool:
        made = list(
            pool.map(lambda n: publish(f"Bản tin giao thông số {n}", 5 - n / 10), range(10))
        )
    assert len({m["id"] for m in made}) == 10
    assert wrong_lists(app) == {}
    expected = [m["title"] for m in reversed(made)][:5]  # the newest of the category
    seen_everywhere(base, main["slug"], main["id"], expected)
    workers = set(re.findall(r"Booting worker with pid: (\d+)", site.log.read_text()))
    assert len(workers) == 2
