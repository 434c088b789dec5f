"""Article revisions: listing, comparing and restoring through save_article."""

import pytest
from sqlalchemy import select

from cms.content import ContentError, save_article
from cms.content.revisions import (
    RESTORED_FIELDS,
    article_revisions,
    article_state,
    compare,
    diff_lines,
    find_revision,
    latest_revision,
    missing_references,
    restore_revision,
    revision_data,
    text_lines,
)
from cms.extensions import db
from cms.models import Article, ArticleRevision, Category, User


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


def user(email, role="editor"):
    row = User(email=email, role=role)
    db.session.add(row)
    db.session.flush()
    return row


def new_article(**fields):
    data = {"title": "Bản đầu", "body_html": "<p>Một.</p><p>Hai.</p>", "status": "draft"}
    data.update(fields)
    article = save_article(None, data, author=fields.pop("author", None))
    db.session.commit()
    return article


def saved(article, by=None, **fields):
    save_article(article, fields, saved_by=by)
    db.session.commit()
    return article


def revisions(article):
    return list(
        db.session.execute(
            select(ArticleRevision)
            .where(ArticleRevision.article_id == article.id)
            .order_by(ArticleRevision.id)
        ).scalars()
    )


def test_history_lists_versions_newest_first_with_who_saved_them(ctx):
    anna, binh = user("anna@example.org", "author"), user("binh@example.org")
    article = save_article(None, {"title": "Bản 1"}, author=anna)
    db.session.commit()
    saved(article, anna, title="Bản 2")
    saved(article, binh, title="Bản 3")

    entries, total = article_revisions(article)
    assert total == 2
    assert [e.revision.title for e in entries] == ["Bản 2", "Bản 1"]
    newest, oldest = entries
    assert (newest.saved_by, newest.replaced_by) == (anna, binh)  # Bản 2: anna, then binh
    assert (oldest.saved_by, oldest.replaced_by) == (anna, anna)  # Bản 1: created by anna
    assert oldest.saved_at == article.created_at
    assert latest_revision(article).title == "Bản 2"

    page_one, _ = article_revisions(article, page=1, per_page=1)
    page_two, _ = article_revisions(article, page=2, per_page=1)
    assert [e.revision.title for e in page_one + page_two] == ["Bản 2", "Bản 1"]
    assert page_one[0].saved_by == anna  # known from the row just past the page


def test_find_revision_only_within_its_article(ctx):
    first, second = new_article(title="Một"), new_article(title="Hai")
    saved(first, title="Một (sửa)")
    [revision] = revisions(first)
    assert find_revision(first, revision.id) is revision
    assert find_revision(second, revision.id) is None
    assert find_revision(first, 424242) is None
    with pytest.raises(ValueError, match="another article"):
        restore_revision(second, revision)


def test_compare_marks_changed_fields_and_words(ctx):
    article = new_article(summary="Tóm tắt", tags=["cũ"])
    saved(
        article,
        title="Bản hai",
        body_html="<p>Một.</p><p>Hai mới.</p><p>Ba.</p>",
        tags=["mới"],
        status="published",
    )
    [revision] = revisions(article)
    changes = {c.name: c for c in compare(revision, article)}
    assert list(changes)[:3] == ["title", "summary", "body_html"]
    assert changes["title"].changed
    assert (changes["title"].before, changes["title"].after) == ("Bản đầu", "Bản hai")
    assert not changes["summary"].changed
    assert changes["status"].changed
    assert (changes["status"].before, changes["status"].after) == ("Draft", "Published")
    assert (changes["tags"].before, changes["tags"].after) == ("cũ", "mới")
    assert not changes["category_id"].changed

    body = changes["body_html"]
    assert body.multiline
    assert body.changed
    kinds = [line.kind for line in body.lines]
    assert kinds == ["context", "del", "add", "add"]
    deleted = body.lines[1].segments
    assert [(s.kind, s.text) for s in deleted if s.kind != "same"] == [("del", "Hai.")]
    added = body.lines[2].segments
    assert [(s.kind, s.text) for s in added if s.kind != "same"] == [("add", "Hai mới.")]


def test_text_lines_split_html_at_blocks():
    html = "<h2>Tiêu đề</h2><p>Một<br>hai</p>\n\n<ul><li>a</li><li>b</li></ul>"
    assert text_lines(html) == [
        "<h2>Tiêu đề</h2>",
        "<p>Một<br>",
        "hai</p>",
        "<ul><li>a</li>",
        "<li>b</li>",
        "</ul>",
    ]
    assert text_lines("") == []


def test_diff_lines_show_gaps_around_distant_changes():
    old = [f"dòng {n}" for n in range(20)]
    new = list(old)
    new[10] = "dòng mười"
    lines = diff_lines(old, new, context=1)
    assert [line.kind for line in lines] == ["gap", "context", "del", "add", "context", "gap"]
    assert diff_lines(["a"], ["a", "b"])[-1].kind == "add"
    assert [line.kind for line in diff_lines(["a", "b"], ["c"])] == ["del", "del", "add"]


def test_restore_goes_through_save_article_and_can_be_undone(ctx):
    editor = user("ed@example.org")
    category = Category(name="Kinh tế", slug="kinh-te")
    db.session.add(category)
    db.session.commit()
    article = new_article(category_id=category.id, tags=["a", "b"], summary="Cũ")
    saved(
        article,
        editor,
        title="Bản mới",
        summary="Mới",
        category_id=None,
        tags=["c"],
        status="published",
    )
    [old] = revisions(article)

    restore_revision(article, old, saved_by=editor)
    db.session.commit()
    assert article.title == "Bản đầu"
    assert article.summary == "Cũ"
    assert article.category_id == category.id
    assert [t.name for t in article.tags] == ["a", "b"]
    assert article.status == "published"  # the status is not part of a restore
    assert set(revision_data(old)) == set(RESTORED_FIELDS)

    undo = revisions(article)[-1]  # the version the restore replaced
    assert undo.title == "Bản mới"
    assert undo.saved_by_id == editor.id
    restore_revision(article, undo, saved_by=editor)
    db.session.commit()
    assert article.title == "Bản mới"
    assert [t.name for t in article.tags] == ["c"]
    assert len(revisions(article)) == 3


def test_restore_leaves_deleted_references_empty(ctx):
    category = Category(name="Tạm", slug="tam")
    db.session.add(category)
    db.session.commit()
    article = new_article(category_id=category.id)
    saved(article, title="Bản hai")
    [old] = revisions(article)
    article.category = None
    db.session.delete(category)
    db.session.commit()
    assert missing_references(old) == ["Category"]
    assert revision_data(old)["category_id"] is None
    restore_revision(article, old)
    db.session.commit()
    assert article.title == "Bản đầu"
    assert article.category_id is None
    changes = {c.name: c for c in compare(old, article)}
    assert changes["category_id"].before == "(deleted category)"


def test_a_refused_restore_changes_nothing(ctx):
    article = new_article()
    saved(article, title="Bản hai")
    [old] = revisions(article)
    old.title = ""  # a revision that no longer passes validation
    with pytest.raises(ContentError):
        restore_revision(article, old)
    db.session.rollback()
    reloaded = db.session.get(Article, article.id)
    assert reloaded.title == "Bản hai"
    assert len(revisions(reloaded)) == 1


def test_article_state_tells_whether_a_save_changed_anything(ctx):
    article = new_article(tags=["x"])
    before = article_state(article)
    save_article(article, {"title": "Bản đầu", "tags": ["x"]})
    assert article_state(article) == before
    save_article(article, {"tags": ["y"]})
    assert article_state(article) != before
    db.session.rollback()
