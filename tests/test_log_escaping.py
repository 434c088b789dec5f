"""Log lines and the audit log show control characters instead of obeying them."""

import io
import logging

import pytest
from sqlalchemy import select

from cms import create_app
from cms.audit import record
from cms.extensions import db
from cms.logs import EscapeControlCharacters, escape_controls
from cms.models import AuditEntry

HOSTILE = [
    ("evil@example.org\nINFO cms.admin.auth: admin signed in", "\\n"),
    ("evil@example.org\rINFO forged", "\\r"),
    ("evil@example.org\x1b[2Jcleared", "\\x1b"),
    ("evil@example.org\u202egpj.exe", "\\u202e"),
    ("evil@example.org\x85next line", "\\x85"),
    ("evil@example.org\u2028separator", "\\u2028"),
]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("tab\there", "tab\\there"),
        ("\x00\x07\x1b\x7f", "\\x00\\x07\\x1b\\x7f"),
        ("\x9b31m", "\\x9b31m"),
        ("abc\u202edef\u2066x\u2069", "abc\\u202edef\\u2066x\\u2069"),
        ("\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"),
        ("Cải cách hành chính – “2024” ✓", "Cải cách hành chính – “2024” ✓"),
    ],
)
def test_escape_controls(raw, shown):
    assert escape_controls(raw) == shown


@pytest.mark.parametrize(("email", "shown"), HOSTILE)
def test_a_failed_sign_in_with_a_hostile_email_logs_one_visible_line(
    client, auth, caplog, email, shown
):
    with caplog.at_level(logging.INFO, logger="cms"):
        response = auth.login(email, "wrong password")
    assert response.status_code in (200, 400, 422)
    lines = [line for line in caplog.text.splitlines() if "sign-in" in line or "forged" in line]
    failed = [r for r in caplog.records if "failed sign-in" in r.getMessage()]
    if response.status_code == 200:  # the form accepted the value: the attempt is logged
        assert len(failed) == 1
        message = failed[0].getMessage()
        assert shown in message
        assert not any(ch in message for ch in "\n\r\x1b\u202e\x85\u2028")
        assert len(lines) == 1
    assert "\x1b" not in caplog.text
    assert "\u202e" not in caplog.text
    assert not any(line.startswith("INFO forged") for line in caplog.text.splitlines())


def test_arguments_and_messages_are_escaped_but_tracebacks_keep_their_lines(app, caplog):
    log = logging.getLogger("cms.test")
    with caplog.at_level(logging.INFO, logger="cms"):
        log.info("user %s said %r", "a\nb", "c\rd")
        log.warning("literal\nin the format string")
        log.info("mapping %(name)s", {"name": "x\x1by"})
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed for %s", "p\nq")
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "user a\\nb said 'c\\rd'"
    assert messages[1] == "literal\\nin the format string"
    assert messages[2] == "mapping x\\x1by"
    assert messages[3] == "failed for p\\nq"
    traceback = caplog.text.split("failed for p\\nq", 1)[1]
    assert "Traceback (most recent call last):" in traceback
    assert "ValueError: boom" in traceback.splitlines()[-1]


def test_the_filter_is_on_the_handlers_that_write_the_logs(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("CMS_INSTANCE_DIR", str(tmp_path / "instance"))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    gunicorn = logging.StreamHandler(io.StringIO())
    logging.getLogger().addHandler(handler)
    logging.getLogger("gunicorn.error").addHandler(gunicorn)
    try:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "DATABASE_URL": database_url,
                "MEDIA_DIR": str(tmp_path / "media"),
            }
        )
        for target in (handler, gunicorn, *app.logger.handlers):
            assert any(isinstance(f, EscapeControlCharacters) for f in target.filters)
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "DATABASE_URL": database_url,
                "MEDIA_DIR": str(tmp_path / "media"),
            }
        )
        assert sum(isinstance(f, EscapeControlCharacters) for f in handler.filters) == 1
        logging.getLogger("cms.elsewhere").error("one\ntwo")
        assert stream.getvalue().splitlines() == ["one\\ntwo"]
        with app.app_context():
            db.engine.dispose()
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger("gunicorn.error").removeHandler(gunicorn)
        logging.getLogger("cms").removeHandler(gunicorn)  # it took gunicorn's handlers


def test_under_gunicorn_logs_made_outside_requests_reach_its_error_log(
    database_url, tmp_path, monkeypatch
):
    """The page cache's poll thread logs outside any request: under gunicorn its warnings
    go to gunicorn's error log, not to a stderr that ``--error-logfile`` never sees."""
    monkeypatch.setenv("CMS_INSTANCE_DIR", str(tmp_path / "instance"))
    error_log = io.StringIO()
    gunicorn = logging.StreamHandler(error_log)
    server = logging.getLogger("gunicorn.error")
    server.addHandler(gunicorn)
    level = server.level
    server.setLevel(logging.INFO)
    try:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "DATABASE_URL": database_url,
                "MEDIA_DIR": str(tmp_path / "media"),
            }
        )
        logging.getLogger("cms.page_cache.purge_log").warning("the database has not answered")
        assert "the database has not answered" in error_log.getvalue()
        with app.app_context():
            db.engine.dispose()
    finally:
        server.removeHandler(gunicorn)
        server.setLevel(level)
        logging.getLogger("cms").removeHandler(gunicorn)  # it took gunicorn's handlers
        logging.getLogger("cms").setLevel(logging.NOTSET)


def test_the_audit_log_stores_and_shows_control_characters_visibly(app, client, signed_in):
    admin = signed_in("admin")
    with app.test_request_context():
        record("tag.update", None, "Renamed tag a\nb to c\u202egpj.exe", user=admin)
        # An entry written before summaries were escaped is shown escaped as well.
        db.session.add(AuditEntry(action="tag.update", summary="older\r\nentry\u2066x"))
        db.session.commit()
        stored = db.session.execute(
            select(AuditEntry.summary).where(AuditEntry.summary.startswith("Renamed"))
        ).scalar_one()
    assert stored == "Renamed tag a\\nb to c\\u202egpj.exe"
    page = client.get("/admin/audit-log")
    assert page.status_code == 200
    assert "Renamed tag a\\nb to c\\u202egpj.exe" in page.text
    assert "older" in page.text
    with app.app_context():
        shown = app.jinja_env.filters["show_controls"]
        assert shown("older\r\nentry\u2066x") == "older\\r\\nentry\\u2066x"
    assert "\u202e" not in page.text
    assert "\u2066" not in page.text
