"""The example plugin of docs/plugins.md, ``examples/cms-helpful``, installed with pip.

Everything docs/plugins.md promises of it: found by its entry point, its table
made by ``cms init``, its endpoint in the OpenAPI document, its screen in the
back-office navigation, its strings in Vietnamese, its form and API counting
exactly (two gunicorn workers included), clear errors for bad input, and its
size.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, inspect, select

from cms import store
from cms.config import PROJECT_ROOT
from cms.content import set_setting
from cms.extensions import db
from cms.plugins import registry
from cms.public.urls import article_url
from cms.testing import csrf_token_from
from tests.plugins.examples import EXAMPLES, on_path

PROJECT = EXAMPLES / "cms-helpful"
PACKAGE = PROJECT / "cms_helpful"
#: The most lines of Python and templates the example may have (issue 8).
LINE_BUDGET = 150


@pytest.fixture(scope="module")
def installed(database_template, tmp_path_factory):
    """``pip install examples/cms-helpful`` into a folder of its own, visible to this module.

    After the template database is built, so that only ``cms init`` or an
    enable ever creates the plugin's table.
    """
    with on_path("cms-helpful", "cms_helpful", tmp_path_factory.mktemp("examples")) as target:
        yield target


@pytest.fixture
def app_config(app_config, installed):
    # A held plugin is checked again on every request, so `cms init` frees it at once.
    return {**app_config, "PLUGIN_PENDING_RECHECK": 0}


@pytest.fixture
def helpful(app, enable_plugin):
    return enable_plugin("helpful")


@pytest.fixture
def article(make_article):
    return make_article("Bão số 3 đổ bộ")


@pytest.fixture
def box(helpful, place_widget):
    return place_widget("helpful.box", region="article_footer", title="")


def api_url(article_id):
    return f"/api/v1/articles/{article_id}/helpful"


def article_path(app, article):
    with app.test_request_context("/"):
        return article_url(article)


def stored_votes(app, article_id):
    from cms_helpful import HelpfulVote

    with app.app_context():
        rows = db.session.execute(
            select(HelpfulVote.answer, func.count())
            .where(HelpfulVote.article_id == article_id)
            .group_by(HelpfulVote.answer)
        )
        found = {("yes" if answer else "no"): n for answer, n in rows}
    return {"yes": found.get("yes", 0), "no": found.get("no", 0)}


def vote_with_form(client, app, article, answer):
    page = client.get(article_path(app, article))
    assert page.status_code == 200
    token = csrf_token_from(page.text)
    return client.post(f"/helpful/{article.id}", data={"answer": answer, "csrf_token": token})


def vietnamese(app):
    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()


# -- installed with pip, tables by `cms init` ----------------------------------------------


def test_pip_installs_the_package_with_its_templates_migration_and_catalogue(installed, app):
    package = installed / "cms_helpful"
    for part in (
        "templates/helpful/box.html",
        "templates/helpful/admin/board.html",
        "migrations/helpful_0001.py",
        "translations/vi/LC_MESSAGES/messages.mo",
    ):
        assert (package / part).is_file(), part
    plugins = app.extensions["cms_plugins"]
    assert "helpful" in plugins.plugins, plugins.broken
    assert plugins.plugins["helpful"].path == package.resolve()


def test_cms_init_creates_its_table_and_frees_the_held_plugin(app, runner, client, article):
    with app.app_context():
        assert "helpful_vote" not in inspect(db.engine).get_table_names()
        assert "cms init" in registry().states()["helpful"].held
    assert client.get(api_url(article.id)).status_code == 404  # held: not active
    result = runner.invoke(args=["cms", "init"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
        inspector = inspect(db.engine)
        assert "helpful_vote" in inspector.get_table_names()
        columns = {c["name"] for c in inspector.get_columns("helpful_vote")}
        assert columns == {"id", "article_id", "answer", "created_at"}
        indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes("helpful_vote")}
        assert indexes == {"ix_helpful_vote_article_id": ["article_id"]}
        assert inspector.get_pk_constraint("helpful_vote")["name"] == "pk_helpful_vote"
        assert registry().is_enabled("helpful")
    assert client.get(api_url(article.id)).get_json() == {"yes": 0, "no": 0}


# -- the API and its OpenAPI entry ----------------------------------------------------------


def test_the_openapi_document_has_the_endpoint_with_its_request_schema(helpful, client):
    document = client.get("/api/v1/openapi.json").get_json()
    item = document["paths"]["/api/v1/articles/{article_id}/helpful"]
    assert set(item) >= {"get", "post", "parameters"}
    body = item["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["helpful"]["type"] == "boolean"
    assert body["required"] == ["helpful"]
    answer = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(answer["properties"]) == {"yes", "no"}


def test_anonymous_json_votes_are_counted(helpful, api_client, app, article):
    reader = api_client(None)
    assert reader.get(api_url(article.id)).get_json() == {"yes": 0, "no": 0}
    assert reader.post(api_url(article.id), json={"helpful": True}).get_json() == {
        "yes": 1,
        "no": 0,
    }
    response = reader.post(api_url(article.id), json={"helpful": False})
    assert response.status_code == 200
    assert response.get_json() == {"yes": 1, "no": 1}
    assert reader.get(api_url(article.id)).get_json() == {"yes": 1, "no": 1}
    assert stored_votes(app, article.id) == {"yes": 1, "no": 1}
    editor = api_client("editor")  # a token changes nothing for a public endpoint
    assert editor.post(api_url(article.id), json={"helpful": True}).get_json()["yes"] == 2


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ({"helpful": "yes"}, "application/json", 422),
        ({"helpful": 1}, "application/json", 422),
        ({}, "application/json", 422),
        ("helpful=true", "application/x-www-form-urlencoded", 415),
        ("{not json", "application/json", 400),
        ("[true]", "application/json", 400),
    ],
)
def test_bad_api_input_is_a_json_error_and_counts_nothing(
    helpful, client, app, article, body, content_type, status
):
    data = json.dumps(body) if isinstance(body, dict) else body
    response = client.post(api_url(article.id), data=data, content_type=content_type)
    assert response.status_code == status, response.text
    error = response.get_json()["error"]
    assert error["message"]
    if status == 422:
        assert "helpful" in error["fields"]
    assert client.get(api_url(article.id)).get_json() == {"yes": 0, "no": 0}
    assert stored_votes(app, article.id) == {"yes": 0, "no": 0}


def test_unknown_unpublished_and_out_of_range_articles_are_json_404(
    helpful, api_client, make_article
):
    reader = api_client(None)
    draft = make_article("Bản nháp", status="draft")
    for article_id in (draft.id, 999_999, 2**31, 10**30):
        for response in (
            reader.get(api_url(article_id)),
            reader.post(api_url(article_id), json={"helpful": True}),
        ):
            assert response.status_code == 404
            assert response.get_json()["error"]["code"] == "not_found"
    response = reader.request("PUT", api_url(draft.id), json={"helpful": True})
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_deleting_an_article_deletes_its_answers_and_counters(
    helpful, api_client, app, make_article
):
    article = make_article("Sẽ bị xoá")
    reader = api_client(None)
    reader.post(api_url(article.id), json={"helpful": True})
    reader.post(api_url(article.id), json={"helpful": False})
    response = api_client("editor").delete(f"/api/v1/articles/{article.id}")
    assert response.status_code == 204  # the API calls the service; the hook hears the event
    assert stored_votes(app, article.id) == {"yes": 0, "no": 0}
    with app.app_context():
        assert store.get_many([f"helpful:yes:{article.id}", f"helpful:no:{article.id}"]) == {
            f"helpful:yes:{article.id}": 0,
            f"helpful:no:{article.id}": 0,
        }
    again = make_article("Bài mới")  # SQLite may give it the deleted article's id
    assert reader.get(api_url(again.id)).get_json() == {"yes": 0, "no": 0}


def test_the_counts_survive_an_export_and_an_import_into_an_empty_site(
    helpful, app, runner, api_client, article, tmp_path
):
    reader = api_client(None)
    for answer in (True, True, False):
        reader.post(api_url(article.id), json={"helpful": answer})
    archive = tmp_path / "site.zip"
    result = runner.invoke(args=["cms", "export", str(archive)])
    assert result.exit_code == 0, result.output
    with app.app_context():  # an empty site: no rows, no counters (the store is not exported)
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        store.get_store().delete_prefix("helpful:")
    assert reader.get(api_url(article.id)).status_code == 404
    result = runner.invoke(args=["cms", "import", str(archive)])
    assert result.exit_code == 0, result.output
    assert stored_votes(app, article.id) == {"yes": 2, "no": 1}
    assert reader.get(api_url(article.id)).get_json() == {"yes": 2, "no": 1}  # article_created


# -- the live widget and its form -------------------------------------------------------------


def test_the_widget_asks_then_thanks_the_visitor_who_answered(box, app, client, article):
    html = client.get(article_path(app, article)).text
    assert f'data-widget="helpful.box" data-widget-id="{box.id}"' in html
    assert "Was this article helpful?" in html
    assert "Yes: 0 · No: 0" in html
    response = vote_with_form(client, app, article, "yes")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(article_path(app, article) + "#helpful")
    assert client.get_cookie("helpful").value == str(article.id)
    html = client.get(article_path(app, article)).text
    assert "Thanks for your answer!" in html
    assert "Was this article helpful?" not in html
    assert "Yes: 1 · No: 0" in html
    assert stored_votes(app, article.id) == {"yes": 1, "no": 0}
    other = app.test_client()  # another visitor, without the cookie, is asked
    assert "Was this article helpful?" in other.get(article_path(app, article)).text


def test_the_cookie_remembers_the_last_fifty_articles(box, app, client, make_article):
    article = make_article("Bài thứ 51")
    client.set_cookie("helpful", ".".join(str(i) for i in range(1000, 1050)))
    assert vote_with_form(client, app, article, "no").status_code == 303
    ids = client.get_cookie("helpful").value.split(".")
    assert len(ids) == 50
    assert ids[-1] == str(article.id)
    assert "1000" not in ids


def test_the_widget_shows_on_articles_only(box, app, client, article):
    assert "Was this article helpful?" in client.get(article_path(app, article)).text
    assert 'data-widget="helpful.box"' not in client.get("/").text


def test_a_form_without_its_csrf_token_is_refused_and_counts_nothing(box, app, client, article):
    response = client.post(f"/helpful/{article.id}", data={"answer": "yes"})
    assert response.status_code == 400
    assert (
        "The form was sent without its security token. Reload the page and submit it again."
        in response.text
    )
    assert stored_votes(app, article.id) == {"yes": 0, "no": 0}
    assert client.get_cookie("helpful") is None


@pytest.mark.parametrize("answer", ["maybe", "", "YES"])
def test_a_bad_answer_is_400_with_a_message_and_counts_nothing(box, app, client, article, answer):
    response = vote_with_form(client, app, article, answer)
    assert response.status_code == 400
    assert "Choose Yes or No." in response.text
    assert stored_votes(app, article.id) == {"yes": 0, "no": 0}
    assert client.get(api_url(article.id)).get_json() == {"yes": 0, "no": 0}


def test_the_form_for_an_unknown_or_unpublished_article_is_404(
    box, app, client, article, make_article
):
    token = csrf_token_from(client.get(article_path(app, article)).text)
    draft = make_article("Bản nháp", status="draft")
    for article_id in (draft.id, 999_999, 2**31, 10**30):
        data = {"answer": "yes", "csrf_token": token}
        assert client.post(f"/helpful/{article_id}", data=data).status_code == 404
    assert stored_votes(app, draft.id) == {"yes": 0, "no": 0}


def test_a_disabled_plugin_loses_its_widget_form_api_and_screen(box, app, client, article):
    token = csrf_token_from(client.get(article_path(app, article)).text)
    with app.app_context():
        registry().set_enabled("helpful", False)
        db.session.commit()
    assert "helpful.box" not in client.get(article_path(app, article)).text
    response = client.post(f"/helpful/{article.id}", data={"answer": "yes", "csrf_token": token})
    assert response.status_code == 404
    assert client.get(api_url(article.id)).status_code == 404
    assert "/api/v1/articles/{article_id}/helpful" not in client.get("/api/v1/openapi.json").text


# -- the back office -------------------------------------------------------------------------


def test_the_admin_screen_is_in_the_navigation_and_lists_the_counts(
    helpful, app, client, signed_in, api_client, article
):
    reader = api_client(None)
    for answer in (True, True, False):
        reader.post(api_url(article.id), json={"helpful": answer})
    signed_in("editor")
    dashboard = client.get("/admin/").text
    assert '<a href="/admin/plugins/helpful/">Helpful answers</a>' in dashboard
    response = client.get("/admin/plugins/helpful/")
    assert response.status_code == 200
    html = response.text
    assert 'class="admin-nav"' in html  # inside the back-office layout
    assert '<a href="/admin/plugins/helpful/" aria-current="page">Helpful answers</a>' in html
    row = re.search(r"<tr><th scope=\"row\">.*?</tr>", html, re.S).group(0)
    assert "Bão số 3 đổ bộ" in row
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["2", "1"]


def test_the_admin_screen_needs_an_editor(helpful, client, signed_in):
    assert "/admin/login" in client.get("/admin/plugins/helpful/").headers["Location"]
    signed_in("author")
    response = client.get("/admin/plugins/helpful/")
    assert response.status_code == 403
    assert 'class="admin-nav"' in response.text
    assert "Helpful answers" not in client.get("/admin/").text


# -- Vietnamese -------------------------------------------------------------------------------


def test_with_locale_vi_every_string_is_vietnamese(box, app, client, signed_in, article):
    vietnamese(app)
    html = client.get(article_path(app, article)).text
    assert "Bài viết này có hữu ích không?" in html
    assert ">Có</button>" in html
    assert ">Không</button>" in html
    assert "Có: 0 · Không: 0" in html
    response = vote_with_form(client, app, article, "maybe")
    assert "Hãy chọn Có hoặc Không." in response.text
    assert vote_with_form(client, app, article, "yes").status_code == 303
    assert "Cảm ơn bạn đã trả lời!" in client.get(article_path(app, article)).text
    signed_in("editor")
    html = client.get("/admin/plugins/helpful/").text
    assert "Đánh giá hữu ích" in html
    assert '<th scope="col">Bài viết</th>' in html


# -- two workers --------------------------------------------------------------------------


@pytest.fixture
def two_workers(installed, app, gunicorn_site):
    """``gunicorn -w 2`` serving the test database (and Redis), with the plugin installed."""
    # 150 votes from one address: over the default limit of anonymous writes.
    env = {"PYTHONPATH": str(installed), "CMS_API_ANONYMOUS_WRITE_LIMIT": "1000 per minute"}
    return gunicorn_site(2, app.config.get("REDIS_URL"), env=env)


def post_json(url, body):
    request = urllib.request.Request(  # noqa: S310 (our own local server)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_two_workers_count_concurrent_votes_exactly(helpful, app, article, two_workers):
    url = two_workers.base + api_url(article.id)
    votes = [{"helpful": i % 3 != 0} for i in range(150)]  # 100 yes, 50 no
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda body: post_json(url, body), votes))
    assert [status for status, _ in answers] == [200] * len(votes), answers
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310
        assert json.loads(answer.read()) == {"yes": 100, "no": 50}
    assert stored_votes(app, article.id) == {"yes": 100, "no": 50}
    workers = set(re.findall(r"Booting worker with pid: (\d+)", two_workers.log.read_text()))
    assert len(workers) == 2


# -- its size ---------------------------------------------------------------------------------


def counted_lines():
    """Non-blank lines of the package's Python and templates (not its tests or translations)."""
    files = [
        path
        for path in sorted(PACKAGE.rglob("*"))
        if path.suffix in (".py", ".html")
        and "tests" not in path.relative_to(PACKAGE).parts
        and "translations" not in path.relative_to(PACKAGE).parts
    ]
    assert files, "no Python or template found"
    return sum(
        1
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )


def test_the_example_stays_within_its_line_budget_and_the_docs_say_its_size():
    lines = counted_lines()
    assert lines <= LINE_BUDGET
    docs = (PROJECT_ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    stated = re.findall(r"\*\*(\d+) lines of Python and templates\*\*", docs)
    assert stated, "docs/plugins.md must state the example's size"
    assert set(stated) == {str(lines)}


def test_the_code_docs_plugins_md_shows_is_the_examples_code():
    """Each block marked ``<!-- example: <file> -->`` is a verbatim excerpt of that file."""
    docs = (PROJECT_ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- example: (\S+) -->\n```\w*\n(.*?)\n```", docs, re.S)
    assert len(blocks) == 15  # every part of the example, its imports, and two of cms-latest
    for path, block in blocks:
        source = (EXAMPLES / path).read_text(encoding="utf-8")
        assert block in source, f"docs/plugins.md shows code that {path} does not have:\n{block}"
