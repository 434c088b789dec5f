"""Each rule of the captcha, over HTTP: wrong, expired, reused, missing, another visitor's, right.

The answer is known to the server only (:func:`plugins.comments.captcha.solution`);
the tests read it there, never from a response, and check that no response
carries it.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import time_machine
from PIL import Image

from plugins.comments.captcha import question_solution
from plugins.comments.tests.helpers import (
    BROWSER,
    answer_of,
    form_of,
    image_url_of,
    rows,
    send,
    settings,
)

WRONG_EN = "The verification code is incorrect."
WRONG_VI = "Mã xác thực không đúng."


def page_of(client, article, address="127.0.0.1"):
    return client.get(
        f"/news/{article.slug}", environ_base={"REMOTE_ADDR": address}, headers=BROWSER
    ).text


def test_the_right_answer_in_any_case_is_accepted(app, client, thread, article, quick):
    response = send(client, app, article)  # the helper sends it in lower case
    assert response.status_code == 303
    assert len(rows(app)) == 1


def test_a_wrong_answer_is_refused_in_vietnamese_next_to_the_field_keeping_what_was_typed(
    app, client, thread, article, quick, vietnamese
):
    typed = {"name": "Trần Thị Mai", "email": "mai@example.org", "body": "Dòng một\nDòng hai"}
    response = send(client, app, article, right=False, **typed)
    assert response.status_code == 422
    page = response.text
    assert f'data-error-for="captcha_answer">{WRONG_VI}</p>' in page
    again = form_of(page)
    assert (again["name"], again["email"], again["body"]) == (
        "Trần Thị Mai",
        "mai@example.org",
        "Dòng một\nDòng hai",
    )
    assert 'aria-invalid="true"' in page
    assert rows(app) == []
    assert send(client, app, article, page=page, **typed).status_code == 303  # a new challenge


def test_a_missing_or_forged_challenge_is_refused(app, client, thread, article, quick):
    page = page_of(client, article)
    for captcha_id in ("", "nonsense", form_of(page)["captcha_id"] + "x"):
        fields = {**form_of(page), "captcha_id": captcha_id, "captcha_answer": "ABCDE"}
        data = {**fields, "name": "A", "body": "Xin chào"}
        response = client.post(f"/comments/{article.id}", data=data, headers=BROWSER)
        assert response.status_code == 422
        assert WRONG_EN in response.text
    response = client.post(
        f"/comments/{article.id}",
        data={k: v for k, v in form_of(page).items() if k != "captcha_id"}
        | {"name": "A", "body": "B"},
        headers=BROWSER,
    )
    assert response.status_code == 422
    assert WRONG_EN in response.text
    assert rows(app) == []


def test_a_challenge_answers_once_even_after_a_wrong_attempt(app, client, thread, article, quick):
    page = page_of(client, article)
    first = send(client, app, article, page=page, right=False)
    assert first.status_code == 422
    second = send(client, app, article, page=page)  # the right answer, same challenge: burnt
    assert second.status_code == 422
    assert WRONG_EN in second.text
    third = send(client, app, article, page=page, body="Một bình luận khác")
    assert third.status_code == 422
    assert rows(app) == []


def test_a_used_challenge_cannot_be_used_again_after_it_was_right(
    app, client, thread, article, quick
):
    page = page_of(client, article)
    assert send(client, app, article, page=page).status_code == 303
    again = send(client, app, article, page=page, body="Lần thứ hai", address="127.0.0.1")
    assert again.status_code == 422
    assert len(rows(app)) == 1


def test_a_challenge_expires_after_ten_minutes(app, client, thread, article, quick):
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=1), tick=False) as traveller:
        page = page_of(client, article)
        right = answer_of(app, form_of(page)["captcha_id"])
        traveller.shift(timedelta(minutes=10, seconds=1))
        response = send(client, app, article, page=page, captcha_answer=right)
        assert response.status_code == 422
        assert WRONG_EN in response.text
        assert rows(app) == []
        page = page_of(client, article)
        traveller.shift(timedelta(minutes=9, seconds=50))
        assert send(client, app, article, page=page).status_code == 303


def test_another_visitors_challenge_is_refused(app, client, thread, article, quick):
    theirs = page_of(client, article, address="10.0.0.1")
    response = send(client, app, article, page=theirs, address="10.0.0.2")
    assert response.status_code == 422
    assert WRONG_EN in response.text
    assert rows(app) == []


def test_each_view_of_the_cached_page_gets_its_own_challenge(app, client, thread, article):
    ids = {form_of(page_of(client, article))["captcha_id"] for _ in range(3)}
    assert len(ids) == 3


def test_the_image_is_a_real_png_of_the_configured_size_and_never_cached(
    app, client, thread, article
):
    settings(app, captcha_width=240, captcha_height=90)
    page = page_of(client, article)
    response = client.get(image_url_of(page), headers=BROWSER)
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert "no-store" in response.headers["Cache-Control"]
    image = Image.open(io.BytesIO(response.data))
    image.verify()
    assert image.format == "PNG"
    assert image.size == (240, 90)


def test_the_answer_is_in_no_response(app, client, thread, article, quick):
    page = client.get(f"/news/{article.slug}", headers=BROWSER)
    fields = form_of(page.text)
    answer = answer_of(app, fields["captcha_id"])
    image = client.get(image_url_of(page.text), headers=BROWSER)
    refused = send(client, app, article, page=page.text, right=False)
    new = client.post("/api/v1/captcha", json={}, headers=BROWSER)
    for response in (page, image, refused, new):
        for where in (response.get_data(as_text=False), str(response.headers).encode()):
            for form in (answer, answer.lower()):
                assert form.encode() not in where
    assert answer not in image_url_of(page.text)
    assert answer.lower() not in image_url_of(page.text).lower()


def test_a_challenge_is_always_drawn_the_same_so_drawings_cannot_be_averaged(
    app, client, thread, article
):
    url = image_url_of(page_of(client, article))
    drawings = {client.get(url, headers=BROWSER).data for _ in range(4)}
    assert len(drawings) == 1  # one challenge, one drawing, byte for byte
    [png] = drawings
    assert Image.open(io.BytesIO(png)).format == "PNG"
    other = client.get(image_url_of(page_of(client, article)), headers=BROWSER).data
    assert other != png  # another challenge: another drawing


def test_an_answered_challenge_has_no_image_any_more(app, client, thread, article, quick):
    page = page_of(client, article)
    send(client, app, article, page=page, right=False)
    assert client.get(image_url_of(page), headers=BROWSER).status_code == 404
    assert client.get("/comments/captcha/forged.png", headers=BROWSER).status_code == 404


def test_images_are_rate_limited_per_address(app, client, thread, article):
    url = image_url_of(page_of(client, article))
    statuses = [client.get(url, headers=BROWSER).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    other = client.get(url, headers=BROWSER, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 200


def test_the_text_question_answers_too_and_can_be_turned_off(app, client, thread, article, quick):
    page = page_of(client, article)
    assert "Write these numbers in digits" in page
    with app.app_context():
        answer = question_solution(form_of(page)["captcha_id"])
    assert answer is not None
    assert len(answer) == 5
    assert set(answer) <= set("123456789")
    spaced = " ".join(answer)  # as a screen reader user may type it
    assert send(client, app, article, page=page, captcha_answer=spaced).status_code == 303
    settings(app, captcha_alternative="none")
    page = page_of(client, article)
    assert "Write these numbers in digits" not in page
    with app.app_context():
        answer = question_solution(form_of(page)["captcha_id"])
    refused = send(client, app, article, page=page, captcha_answer=answer, body="Khác")
    assert refused.status_code == 422


def test_testing_mode_fixes_the_answer(make_app, thread, article, quick):
    other = make_app(CAPTCHA_TEST_ANSWER="ZZZZ")
    client = other.test_client()
    page = client.get(f"/news/{article.slug}", headers=BROWSER).text
    fields = form_of(page)
    data = {**fields, "name": "Máy kiểm thử", "body": "Kiểm thử", "captcha_answer": "zzzz"}
    assert client.post(f"/comments/{article.id}", data=data, headers=BROWSER).status_code == 303
