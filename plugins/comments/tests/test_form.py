"""The comment form without JavaScript: spam defences, limits, refusals that keep what was typed."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import time_machine

from cms.extensions import db
from cms.plugins import registry
from plugins.comments.models import CommentsComment
from plugins.comments.moderation import set_status
from plugins.comments.tests.helpers import (
    BROWSER,
    answer_of,
    form_of,
    image_url_of,
    rows,
    send,
    settings,
    widget_html,
)


def test_a_sent_comment_waits_for_moderation_and_the_reader_is_told(
    app, client, thread, article, quick
):
    response = send(client, app, article)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/news/{article.slug}#comments")
    page = client.get(response.headers["Location"], headers=BROWSER).text
    assert "Thank you! Your comment is awaiting moderation." in page
    assert "Tôi đồng ý với dự thảo." not in widget_html(page)  # pending: not shown
    again = client.get(f"/news/{article.slug}", headers=BROWSER).text
    assert "awaiting moderation" not in again  # said once
    [row] = rows(app)
    assert (row.status, row.name, row.email, row.article_id) == (
        "pending",
        "Nguyễn Văn Bình",
        None,
        article.id,
    )
    assert len(row.address_hash) == 64
    assert "127.0.0.1" not in row.address_hash


def test_comments_can_be_published_at_once_and_for_returning_commenters(
    app, client, thread, article, quick
):
    settings(app, moderation="approved", address_interval=0)
    send(client, app, article, body="Ngay lập tức")
    assert "Ngay lập tức" in widget_html(client.get(f"/news/{article.slug}").text)
    settings(app, moderation="returning")
    send(client, app, article, email="Lan@Example.org", body="Lần đầu")
    assert rows(app)[-1].status == "pending"
    with app.app_context():
        set_status([db.session.get(CommentsComment, rows(app)[-1].id)], "approved")
    send(client, app, article, email="lan@example.org", body="Lần sau")
    assert rows(app)[-1].status == "approved"
    send(client, app, article, email="other@example.org", body="Người mới")
    assert rows(app)[-1].status == "pending"


def test_the_honeypot_refuses_and_keeps_what_was_typed(app, client, thread, article, quick):
    page = client.get(f"/news/{article.slug}").text
    assert "data-honeypot" in page
    html = widget_html(page)
    assert 'aria-hidden="true"' in html
    assert 'tabindex="-1"' in html
    assert 'autocomplete="off"' in html
    response = send(client, app, article, page=page, website="http://spam.example", body="Mua ngay")
    assert response.status_code == 422
    assert "Your comment could not be accepted." in response.text
    assert form_of(response.text)["body"] == "Mua ngay"
    assert rows(app) == []
    assert client.get(image_url_of(page)).status_code == 404  # the attempt burnt the challenge


def test_a_form_sent_too_fast_is_refused_then_accepted(app, client, thread, article):
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        page = client.get(f"/news/{article.slug}").text
        traveller.shift(timedelta(seconds=2))
        response = send(client, app, article, page=page, body="Nhanh quá")
        assert response.status_code == 422
        assert "Please take a moment" in response.text
        assert form_of(response.text)["body"] == "Nhanh quá"
        traveller.shift(timedelta(seconds=3))  # the new challenge's own fill time
        assert send(client, app, article, page=response.text).status_code == 303
    assert len(rows(app)) == 1


def test_an_old_form_cannot_lend_its_fill_time_to_a_new_challenge(app, client, thread, article):
    """The fill time is the challenge's age: no stamp of an old form can be replayed."""
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        old = form_of(client.get(f"/news/{article.slug}").text)
        traveller.shift(timedelta(minutes=5))
        page = client.get(f"/news/{article.slug}").text
        fresh = form_of(page)
        replayed = {**fresh, **{k: v for k, v in old.items() if k not in fresh}}
        if "started" in old:  # the old design's stamp, five minutes old
            replayed["started"] = old["started"]
        data = {
            **replayed,
            "name": "Máy",
            "body": "Gửi ngay",
            "captcha_answer": answer_of(app, fresh["captcha_id"]),
        }
        response = client.post(f"/comments/{article.id}", data=data)
        assert response.status_code == 422
        assert "Please take a moment" in response.text
        # An old challenge cannot be replayed either: it answers once.
        traveller.shift(timedelta(seconds=5))
        data = {**data, "captcha_id": old["captcha_id"]}
        data["captcha_answer"] = answer_of(app, old["captcha_id"])
        assert client.post(f"/comments/{article.id}", data=data).status_code == 303
        assert client.post(f"/comments/{article.id}", data=data).status_code == 422
    assert len(rows(app)) == 1


def test_one_comment_per_15_seconds_and_10_per_hour_per_address(
    app, client, thread, article, quick, vietnamese
):
    start = datetime.now(UTC).replace(minute=0, second=1, microsecond=0) + timedelta(hours=1)
    with time_machine.travel(start, tick=False) as traveller:
        assert send(client, app, article, body="Một").status_code == 303
        refused = send(client, app, article, body="Hai")
        assert refused.status_code == 429
        assert "Bạn gửi bình luận quá nhanh" in refused.text
        assert int(refused.headers["Retry-After"]) <= 15
        assert form_of(refused.text)["body"] == "Hai"
        other = send(client, app, article, body="Ba", address="10.0.0.7")
        assert other.status_code == 303  # another address
        for n in range(9):
            traveller.shift(timedelta(seconds=15))
            assert send(client, app, article, body=f"Số {n}").status_code == 303
        traveller.shift(timedelta(seconds=15))
        assert send(client, app, article, body="Quá nhiều").status_code == 429
    assert len(rows(app)) == 11


def test_one_article_takes_a_limited_number_of_comments_per_hour(
    app, client, thread, article, quick
):
    settings(app, article_per_hour=2)
    start = datetime.now(UTC).replace(minute=0, second=1, microsecond=0) + timedelta(hours=1)
    with time_machine.travel(start, tick=False):
        for n in range(2):
            response = send(client, app, article, address=f"10.1.0.{n}", body=f"Ý kiến {n}")
            assert response.status_code == 303
        assert send(client, app, article, address="10.1.0.9", body="X").status_code == 429


def test_lengths_and_required_fields_are_checked(app, client, thread, article, quick):
    response = send(client, app, article, name="", body="", email="not an email")
    assert response.status_code == 422
    for text in ("Please give your name.", "Please write your comment.", "valid email"):
        assert text in response.text
    long = send(client, app, article, name="N" * 81, body="B" * 5001)
    assert long.status_code == 422
    assert long.text.count('class="comments__error"') == 2  # next to each field
    assert long.text.count("Use at most") == 4  # ... and in the summary above them
    assert form_of(long.text)["body"] == "B" * 5001  # kept as typed
    assert rows(app) == []


def test_an_oversized_body_is_413_and_stores_nothing(app, client, thread, article, quick):
    page = client.get(f"/news/{article.slug}").text
    data = {**form_of(page), "name": "A", "body": "x" * 70_000}
    assert client.post(f"/comments/{article.id}", data=data).status_code == 413
    assert rows(app) == []


def test_a_repeated_comment_is_refused(app, client, thread, article, quick):
    settings(app, address_interval=0)
    assert send(client, app, article, body="Giống nhau").status_code == 303
    again = send(client, app, article, body="Giống nhau", address="10.0.0.3")  # same name
    assert again.status_code == 409
    assert "You have already sent this comment." in again.text
    assert len(rows(app)) == 1


def test_many_links_send_a_comment_to_moderation(app, client, thread, article, quick):
    settings(app, moderation="approved", max_links=1, address_interval=0)
    send(client, app, article, body="Xem https://a.example")
    send(client, app, article, body="Xem https://a.example và http://b.example/x")
    assert [r.status for r in rows(app)] == ["approved", "pending"]


def test_new_image_without_javascript_keeps_what_was_typed(app, client, thread, article, quick):
    page = client.get(f"/news/{article.slug}").text
    fields = form_of(page)
    data = {**fields, "name": "Lan", "body": "Đang viết dở", "action": "new_image"}
    response = client.post(f"/comments/{article.id}", data=data)
    assert response.status_code == 200
    again = form_of(response.text)
    assert (again["name"], again["body"]) == ("Lan", "Đang viết dở")
    assert again["captcha_id"] != fields["captcha_id"]
    assert client.get(image_url_of(response.text)).status_code == 200
    assert client.get(image_url_of(page)).status_code == 404  # the replaced one is burnt
    assert send(client, app, article, page=response.text).status_code == 303


def test_replies_are_one_level_deep_by_default(app, client, thread, article, quick):
    settings(app, moderation="approved", address_interval=0)
    send(client, app, article, body="Câu hỏi")
    [question] = rows(app)
    form_page = client.get(f"/comments/{article.id}/form?reply_to={question.id}")
    assert form_page.status_code == 200
    assert "Reply to Nguyễn Văn Bình" in form_page.text
    assert send(client, app, article, page=form_page.text, body="Câu trả lời").status_code == 303
    reply = rows(app)[-1]
    assert (reply.parent_id, reply.root_id, reply.depth) == (question.id, question.id, 1)
    html = widget_html(client.get(f"/news/{article.slug}").text)
    assert (
        html.index("Câu hỏi") < html.index('class="comments__replies"') < html.index("Câu trả lời")
    )
    assert client.get(f"/comments/{article.id}/form?reply_to={reply.id}").status_code == 404
    forged = {"parent_id": str(reply.id), "body": "Cấp hai"}
    assert send(client, app, article, **forged).status_code == 422
    settings(app, max_depth=2)
    assert client.get(f"/comments/{article.id}/form?reply_to={reply.id}").status_code == 200


def test_unknown_unpublished_and_disabled_give_404(
    app, client, thread, article, make_article, quick
):
    draft = make_article("Bản nháp", status="draft")
    page = client.get(f"/news/{article.slug}").text
    data = {**form_of(page), "name": "A", "body": "B"}
    assert client.post(f"/comments/{draft.id}", data=data).status_code == 404
    assert client.post("/comments/999999", data=data).status_code == 404
    assert client.get(f"/comments/{draft.id}").status_code == 404
    with app.app_context():
        registry().set_enabled("comments", False)
        db.session.commit()
    assert client.post(f"/comments/{article.id}", data=data).status_code == 404
    assert client.get(image_url_of(page)).status_code == 404
    assert 'data-widget="comments.thread"' not in client.get(f"/news/{article.slug}").text
    assert rows(app) == []


def test_hostile_input_is_stored_clean_and_shown_escaped(app, client, thread, article, quick):
    settings(app, moderation="approved")
    nfd = unicodedata.normalize("NFD", "Nguyễn")
    name = f"<script>alert(1)</script>{nfd}\u202e\x07"
    body = 'Xem <b>đây</b> https://x.example/?a=1&b="2" \u2066ẩn\u2069\r\nhết'
    assert send(client, app, article, name=name, body=body).status_code == 303
    [row] = rows(app)
    assert row.name == "<script>alert(1)</script>Nguyễn"
    assert row.body == 'Xem <b>đây</b> https://x.example/?a=1&b="2" ẩn\nhết'
    html = widget_html(client.get(f"/news/{article.slug}").text)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Nguyễn" in html
    assert "&lt;b&gt;đây&lt;/b&gt;" in html
    assert (
        '<a href="https://x.example/?a=1&amp;b=" rel="nofollow ugc noopener">'
        "https://x.example/?a=1&amp;b=</a>"
    ) in html
    assert "ẩn<br>" in html


def test_the_count_shows_in_the_meta_line_and_follows_approvals(
    app, client, thread, article, quick
):

    settings(app, moderation="approved", address_interval=0)
    url = f"/news/{article.slug}"
    assert "data-comment-count" not in client.get(url).text
    send(client, app, article, body="Một")
    assert 'data-comment-count="1">1 comment</a>' in client.get(url).text
    send(client, app, article, body="Hai")
    assert 'data-comment-count="2">2 comments</a>' in client.get(url).text
    with app.app_context():
        set_status([db.session.get(CommentsComment, rows(app)[0].id)], "spam")
    page = client.get(url).text
    assert 'data-comment-count="1">1 comment</a>' in page
    assert "Một" not in widget_html(page)


def test_comments_are_paged_oldest_first(app, client, thread, article, quick):
    settings(app, moderation="approved", address_interval=0, address_per_hour=0, per_page=5)
    for n in range(5):
        send(client, app, article, body=f"Bình luận số {n}")
    html = widget_html(client.get(f"/news/{article.slug}").text)
    assert "số 4" in html
    assert "More comments" not in html  # exactly one page
    for n in range(5, 7):
        send(client, app, article, body=f"Bình luận số {n}")
    html = widget_html(client.get(f"/news/{article.slug}").text)
    assert html.index("số 0") < html.index("số 4")
    assert "số 5" not in html
    assert f"/comments/{article.id}?page=2" in html
    second = client.get(f"/comments/{article.id}?page=2").text
    assert "số 5" in second
    assert "số 6" in second
    assert "số 4" not in second
    assert client.get(f"/comments/{article.id}?page=3").status_code == 404


def test_new_images_without_javascript_are_rate_limited(app, client, thread, article, quick):
    page = client.get(f"/news/{article.slug}").text
    data = {**form_of(page), "name": "Lan", "body": "Giữ lại", "action": "new_image"}
    statuses = [client.post(f"/comments/{article.id}", data=data).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    refused = client.post(f"/comments/{article.id}", data=data)
    assert form_of(refused.text)["body"] == "Giữ lại"


def test_bytes_that_are_not_utf8_are_replaced_and_the_text_kept_when_refused(
    app, client, thread, article, quick
):
    page = client.get(f"/news/{article.slug}").text
    fields = "&".join(f"{k}={v}" for k, v in form_of(page).items() if k != "body")
    raw = f"{fields}&name=A&body=%C3%28bad".encode()
    response = client.post(
        f"/comments/{article.id}",
        data=raw,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 422  # no captcha answer: the form again, not the site's 400
    assert form_of(response.text)["body"] == "\ufffd(bad"
    assert rows(app) == []


def test_a_hostile_email_is_refused_and_never_shown(app, client, thread, article, quick):
    email = '"><script>x()</script>@example.org'
    response = send(client, app, article, email=email)
    assert response.status_code == 422
    assert "<script>x()" not in response.text
    assert "&#34;&gt;&lt;script&gt;" in response.text  # kept, escaped, for the reader to fix
    settings(app, moderation="approved")
    send(client, app, article, email="an@example.org", body="Hiện công khai")
    assert "an@example.org" not in client.get(f"/news/{article.slug}").text


@pytest.mark.parametrize("bad", [b"%00", b"%FF%FE"], ids=["nul", "not-utf8"])
@pytest.mark.parametrize(
    "field", ["name", "email", "body", "parent_id", "captcha_id", "captcha_answer"]
)
def test_a_nul_or_bytes_that_are_not_utf8_in_any_field_lose_nothing_typed(
    app, client, thread, article, quick, field, bad
):
    """Never the site's generic 400: accepted repaired, or the form again with the rest kept."""
    page = client.get(f"/news/{article.slug}", headers=BROWSER).text
    fields = form_of(page)
    typed = {
        **fields,
        "name": "Trần Thị Hoa",
        "email": "hoa@example.org",
        "body": "Ý kiến về quy hoạch",
        "parent_id": "",
        "captcha_answer": answer_of(app, fields["captcha_id"]),
    }
    encoded = {key: quote(value, safe="").encode() for key, value in typed.items()}
    value, half = typed[field], len(typed[field]) // 2  # between two characters
    encoded[field] = (
        quote(value[:half], safe="").encode() + bad + quote(value[half:], safe="").encode()
    )
    raw = b"&".join(key.encode() + b"=" + value for key, value in encoded.items())
    response = client.post(
        f"/comments/{article.id}",
        data=raw,
        content_type="application/x-www-form-urlencoded",
        headers=BROWSER,
    )
    assert response.status_code in (303, 422), response.text[:300]
    if response.status_code == 303:
        [row] = rows(app)
        for value in (row.name, row.email or "", row.body):
            assert "\x00" not in value
        assert row.body.replace("\ufffd", "") == "Ý kiến về quy hoạch"
    else:
        again = form_of(response.text)
        kept = {"name": "Trần Thị Hoa", "email": "hoa@example.org", "body": "Ý kiến về quy hoạch"}
        for name, value in kept.items():
            if name != field:
                assert again[name] == value
        assert "\x00" not in response.text
        assert rows(app) == []


def test_a_stale_form_token_shows_the_form_again_with_what_was_typed(app, client, thread, article):
    """A reader who wrote for hours (the token expired) keeps their text; nothing is stored."""
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        page = client.get(f"/news/{article.slug}").text
        traveller.shift(timedelta(hours=5))  # past WTF_CSRF_TIME_LIMIT
        response = send(
            client,
            app,
            article,
            page=page,
            name="Lan",
            body="Một bài dài\nhai dòng",
            captcha_answer="X",
        )
        assert response.status_code == 200
        assert "The form expired, please submit it again." in response.text
        again = form_of(response.text)
        assert (again["name"], again["body"]) == ("Lan", "Một bài dài\nhai dòng")
        assert again["captcha_id"] != form_of(page)["captcha_id"]
        with client.session_transaction() as session:
            assert "_flashes" not in session  # said by the form, not kept for a later page
        assert rows(app) == []
        traveller.shift(timedelta(seconds=5))
        assert send(client, app, article, page=response.text).status_code == 303
    assert len(rows(app)) == 1


def test_a_refused_comment_and_the_reply_form_keep_the_reader_off_flasks_session(
    app, client, thread, article, quick
):
    """Their form carries the token bound to the browser, as the live block's does: no
    ``session`` cookie, so the reader's next pages still come from the page cache."""
    refused = send(client, app, article, right=False, body="Sai mã")
    assert refused.status_code == 422
    alone = client.get(f"/comments/{article.id}/form", headers=BROWSER)
    for response in (refused, alone):
        cookies = response.headers.getlist("Set-Cookie")
        assert not any(cookie.startswith("session=") for cookie in cookies), cookies
    assert send(client, app, article, page=refused.text, body="Sai mã").status_code == 303
