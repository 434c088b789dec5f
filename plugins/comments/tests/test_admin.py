"""The back office: the moderation queue, its permissions, edits, erasing, the pending count."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cms.extensions import db
from cms.models import AuditEntry
from plugins.comments.settings import DEFAULT_SETTINGS, current_settings
from plugins.comments.tests.helpers import BROWSER, rows, send, settings, widget_html

QUEUE = "/admin/plugins/comments/"


def sent(app, article, *bodies, first=0, **typed):
    """Comments from readers at addresses of their own (``10.5.0.<first + n>``)."""
    reader = app.test_client()
    for n, body in enumerate(bodies, start=first):
        response = send(reader, app, article, body=body, address=f"10.5.0.{n}", **typed)
        assert response.status_code == 303
    return reader


def test_only_editors_and_admins_moderate(app, client, signed_in, auth, thread, article, quick):
    sent(app, article, "Chờ duyệt")
    assert client.get(QUEUE).status_code == 302  # to the sign-in form
    signed_in("author")
    assert client.get(QUEUE).status_code == 403
    assert client.post(f"{QUEUE}moderate").status_code in (400, 403)
    auth.logout()
    signed_in("editor")
    page = client.get(QUEUE)
    assert page.status_code == 200
    assert "Chờ duyệt" in page.text


def test_approving_shows_the_comment_on_the_cached_page_at_once(
    app, client, signed_in, auth, thread, article, quick
):
    reader = sent(app, article, "Đợi được duyệt")
    url = f"/news/{article.slug}"
    reader.get(url, headers=BROWSER)
    assert "Đợi được duyệt" not in widget_html(reader.get(url, headers=BROWSER).text)  # cached
    signed_in("editor")
    [row] = rows(app)
    response = auth.post(f"{QUEUE}moderate", {"one": f"approve:{row.id}"}, form_url=QUEUE)
    assert response.status_code == 302
    page = reader.get(url, headers=BROWSER).text
    assert "Đợi được duyệt" in widget_html(page)
    assert 'data-comment-count="1"' in page  # the meta line too: the page was purged
    auth.post(f"{QUEUE}moderate", {"one": f"delete:{row.id}"}, form_url=QUEUE)
    page = reader.get(url, headers=BROWSER).text
    assert "Đợi được duyệt" not in page
    assert "data-comment-count" not in page
    assert rows(app) == []


def test_bulk_actions(app, client, signed_in, auth, thread, article, quick):
    sent(app, article, "Một", "Hai", "Ba")
    ids = [r.id for r in rows(app)]
    signed_in("editor")
    auth.post(f"{QUEUE}moderate", {"action": "approve", "ids": ids[:2]}, form_url=QUEUE)
    auth.post(f"{QUEUE}moderate", {"action": "spam", "ids": [ids[2]]}, form_url=QUEUE)
    assert [r.status for r in rows(app)] == ["approved", "approved", "spam"]
    assert "Ba" in client.get(f"{QUEUE}?status=spam").text
    auth.post(f"{QUEUE}moderate", {"action": "delete", "ids": ids}, form_url=QUEUE)
    assert rows(app) == []


def test_an_editor_edits_a_comment(app, client, signed_in, auth, thread, article, quick):
    sent(app, article, "Có lỗi chính tả")
    [row] = rows(app)
    signed_in("editor")
    edit = f"{QUEUE}{row.id}/edit"
    refused = auth.post(edit, {"name": "Tên", "body": "   ", "status": "approved"})
    assert refused.status_code == 422
    assert rows(app)[0].body == "Có lỗi chính tả"
    for name, body in (("T" * 81, "Không còn lỗi"), ("Tên", "x" * 5001)):
        refused = auth.post(edit, {"name": name, "body": body, "status": "approved"})
        assert refused.status_code == 422
        assert "Use at most" in refused.text
        assert (rows(app)[0].name, rows(app)[0].body) != (name, body)
    assert rows(app)[0].body == "Có lỗi chính tả"
    auth.post(edit, {"name": "Tên", "body": "Không còn lỗi", "status": "approved"})
    [row] = rows(app)
    assert (row.body, row.status) == ("Không còn lỗi", "approved")
    assert "Không còn lỗi" in widget_html(app.test_client().get(f"/news/{article.slug}").text)


def test_hostile_comments_are_escaped_in_the_back_office(
    app, client, signed_in, thread, article, quick
):
    sent(app, article, '<img src=x onerror="alert(1)">', name="<script>x()</script>")
    signed_in("editor")
    html = client.get(QUEUE).text
    assert "<script>x()" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


def test_the_pending_count_shows_in_the_menu_and_on_the_dashboard(
    app, client, signed_in, thread, article, quick
):
    signed_in("editor")
    assert "Comments awaiting moderation" not in client.get("/admin/").text
    sent(app, article, "Một", "Hai")
    html = client.get("/admin/").text
    assert 'Comments <span class="menu-badge" data-menu-badge>2</span>' in html
    assert "Comments awaiting moderation" in html


def test_erasing_a_commenter_deletes_everything_they_sent_and_is_audited(
    app, client, signed_in, auth, thread, article, quick
):
    settings(app, moderation="approved")
    sent(app, article, "Của Hà 1", "Của Hà 2", email="Ha@Example.org")
    sent(app, article, "Của người khác", first=9, email="other@example.org", name="Khác")
    signed_in("editor")
    url = f"{QUEUE}erase"
    found = auth.post(url, {"email": "ha@example.org"})
    assert "2 comments were sent with this address." in found.text
    assert len(rows(app)) == 3  # nothing erased before the confirmation
    done = auth.post(url, {"email": "ha@example.org", "confirm": "yes"})
    assert done.status_code == 302
    assert [r.body for r in rows(app)] == ["Của người khác"]
    with app.app_context():
        entry = db.session.execute(
            select(AuditEntry).where(AuditEntry.action == "comments.erase")
        ).scalar_one()
        assert entry.details["count"] == 2
        assert "ha@example.org" not in entry.summary.lower()
    assert "Của Hà" not in app.test_client().get(f"/news/{article.slug}").text


def test_admins_change_the_settings_and_they_apply_at_once(
    app, client, signed_in, auth, thread, article
):
    signed_in("admin")
    page = client.get("/admin/plugins/comments/settings")
    assert page.status_code == 200
    assert '<option selected value="pending">' in page.text
    values = {**DEFAULT_SETTINGS, "moderation": "approved", "max_depth": "2", "notify_author": ""}
    values = {k: str(v) for k, v in values.items() if v not in (False, "")}
    values["smtp_host"] = ""
    answer = auth.post("/admin/plugins/comments/settings", values)
    assert answer.status_code == 302
    with app.app_context():
        found = current_settings()
    assert (found.moderation, found.max_depth, found.notify_author) == ("approved", 2, False)
    refused = auth.post("/admin/plugins/comments/settings", {**values, "captcha_length": "9"})
    assert refused.status_code == 422
    assert 'class="field__error"' in refused.text


def test_a_deleted_comments_id_is_never_given_again(app, client, thread, article, quick):
    """A moderation button left open on a deleted comment must not act on the next one."""
    from plugins.comments.moderation import delete_comments

    sent(app, article, "Một", "Hai")
    deleted = max(row.id for row in rows(app))
    with app.app_context():
        delete_comments([deleted])
    sent(app, article, "Ba", first=2)
    assert max(row.id for row in rows(app)) > deleted


@pytest.mark.parametrize("value", ["١", "٣", "²", "①", "１"])
def test_settings_in_unicode_digits_are_refused(app, client, signed_in, auth, value):
    signed_in("admin")
    values = {k: str(v) for k, v in DEFAULT_SETTINGS.items() if v not in (False, "")}
    answer = auth.post("/admin/plugins/comments/settings", {**values, "per_page": value})
    assert answer.status_code == 422
    assert "Enter a whole number, e.g. 10." in answer.text
    with app.app_context():
        assert current_settings().per_page == DEFAULT_SETTINGS["per_page"]
