"""Vietnamese and English: translated strings, numbers, dates in the site time zone."""

from datetime import UTC, datetime

import pytest

from cms.content import set_setting
from cms.extensions import db
from cms.i18n import date, datetime_, number


@pytest.fixture
def vi_app(app):
    app.config["LOCALE"] = "vi"
    return app


def test_numbers_follow_the_locale(vi_app):
    with vi_app.test_request_context("/"):
        assert number(2194387) == "2.194.387"
        assert number(4.3, 1) == "4,3"
    vi_app.config["LOCALE"] = "en"
    with vi_app.test_request_context("/"):
        assert number(2194387) == "2,194,387"


def test_dates_are_shown_in_the_site_time_zone(vi_app):
    moment = datetime(2020, 5, 14, 3, 13, 21, tzinfo=UTC)  # 10:13:21 in Hà Nội
    with vi_app.test_request_context("/"):
        assert datetime_(moment) == "14/05/2020 10:13"
        assert date(moment) == "14/05/2020"
        assert date(moment, "EEEE") == "Thứ Năm"
        assert date(None) == ""


def test_the_site_setting_overrides_the_configured_locale(app, client):
    assert "Page not found" in client.get("/missing").text
    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()
    html = client.get("/missing").text
    assert "Không tìm thấy trang" in html
    assert '<html lang="vi">' in html


def test_an_unsupported_locale_setting_falls_back(app, client):
    with app.app_context():
        set_setting("locale", "xx")
        db.session.commit()
    assert '<html lang="en">' in client.get("/").text


def test_vietnamese_404_and_search_page(vi_app, client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Trang bạn tìm không tồn tại hoặc đã được chuyển đi." in response.text
    assert "Tìm kiếm" in client.get("/search?q=abc").text


def test_every_source_string_is_translated_into_vietnamese(tmp_path):
    """Fails when a string has no translation in the core's catalogue or its plugin's own."""
    import subprocess
    import sys
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).parent.parent
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(  # noqa: S603 (our own tool, fixed arguments)
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_ngettext:1,2",
            "-o",
            str(pot),
            ".",
        ],
        cwd=root,
        check=True,
    )
    with pot.open("rb") as fh:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    translated = set()
    catalogues = [root / "cms/translations/vi/LC_MESSAGES/messages.po"]
    catalogues += sorted(root.glob("plugins/*/translations/vi/LC_MESSAGES/messages.po"))
    for path in catalogues:  # the core's and each bundled plugin's own
        with path.open("rb") as fh:
            catalog = read_po(fh, locale="vi")
        translated |= {
            (m.id if isinstance(m.id, str) else m.id[0])
            for m in catalog
            if m.id and (m.string[0] if isinstance(m.string, tuple) else m.string) and not m.fuzzy
        }
    assert sorted(wanted - translated) == []


def test_wtforms_own_messages_follow_the_site_language(app):
    """WTForms has no Vietnamese catalogue: its messages come from the site's."""
    from flask import g
    from flask_wtf import FlaskForm
    from wtforms import IntegerField, SelectField, StringField
    from wtforms.fields.choices import SelectChoice
    from wtforms.validators import InputRequired, Length

    class Probe(FlaskForm):
        class Meta:
            csrf = False

        number = IntegerField(validators=[InputRequired()])
        choice = SelectField(choices=[SelectChoice("a", "A")])
        name = StringField(validators=[Length(min=3)])

    data = {"number": "abc", "choice": "z", "name": "x"}
    for locale, expected in [
        ("vi", ["Giá trị phải là một số nguyên.", "Lựa chọn không hợp lệ.", "ít nhất 3 ký tự"]),
        ("en", ["Not a valid integer value.", "Not a valid choice.", "at least 3 characters"]),
    ]:
        with app.test_request_context("/", method="POST", data=data):
            app.preprocess_request()
            g.cms_locale = locale
            form = Probe()
            assert not form.validate()
            assert form.number.errors == [expected[0]]
            assert form.choice.errors == [expected[1]]
            assert expected[2] in form.name.errors[0]
