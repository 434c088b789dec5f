"""The ``cms`` command group."""

import functools
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from flask_migrate import downgrade
from sqlalchemy import select, text

from cms.content import get_setting, set_setting
from cms.extensions import db
from cms.models import ApiToken, User


def test_init_is_idempotent(runner):
    for _ in range(2):
        result = runner.invoke(args=["cms", "init"])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output


def test_init_says_whether_it_created_or_upgraded_the_database_in_the_site_language(
    make_app, tmp_path
):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'new.sqlite3'}", LOCALE="vi")
    runner = app.test_cli_runner()
    created = runner.invoke(args=["cms", "init"])
    assert created.exit_code == 0, created.output
    with app.app_context():
        found = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
        core = next(v for v in found.all() if v[:4].isdigit())
    assert created.stdout.splitlines()[0] == (
        f"Đã tạo cơ sở dữ liệu (phần lõi ở phiên bản {core})."
    )
    again = runner.invoke(args=["cms", "init"])
    assert again.exit_code == 0, again.output
    assert again.stdout == "Không có việc gì phải làm: cơ sở dữ liệu đã ở phiên bản mới nhất.\n"

    # The stored site language wins over CMS_LOCALE, as on the site itself.
    with app.app_context():
        set_setting("locale", "en")
        db.session.commit()
        downgrade(revision="0010_listing_indexes")
        db.engine.dispose()
    upgraded = runner.invoke(args=["cms", "init"])
    assert upgraded.exit_code == 0, upgraded.output
    assert upgraded.stdout.splitlines()[0] == (
        f"Upgraded the core from 0010_listing_indexes to {core}."
    )
    assert runner.invoke(args=["cms", "init"]).stdout == (
        "Nothing to do: the database is up to date.\n"
    )


def test_create_user_reads_the_password_from_stdin(runner, app):
    result = runner.invoke(
        args=["cms", "create-user", "Admin@Example.org", "--role", "admin", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        assert user.email == "admin@example.org"
        assert user.role == "admin"
        assert user.check_password("a long enough password")
        assert not user.check_password("wrong")
        assert "a long enough password" not in user.password_hash


def test_create_user_refuses_bad_input_and_stores_nothing(runner, app):
    bad_email = runner.invoke(
        args=["cms", "create-user", "not-an-email", "--password-stdin"],
        input="a long enough password\n",
    )
    assert bad_email.exit_code == 2
    assert "not an email address" in bad_email.output
    short = runner.invoke(
        args=["cms", "create-user", "a@b.org", "--password-stdin"], input="short\n"
    )
    assert short.exit_code == 2
    bad_role = runner.invoke(
        args=["cms", "create-user", "a@b.org", "--role", "king", "--password-stdin"],
        input="a long enough password\n",
    )
    assert bad_role.exit_code == 2
    with app.app_context():
        assert db.session.execute(select(User)).first() is None


def test_create_user_without_a_terminal_says_how_to_pass_the_password(runner, app):
    result = runner.invoke(args=["cms", "create-user", "ed@example.org", "--role", "editor"])
    assert result.exit_code == 1
    assert "no terminal to ask for the password" in result.stderr
    assert "| cms create-user ed@example.org --role editor --password-stdin" in result.stderr
    assert "Password:" not in result.output
    with app.app_context():
        assert db.session.execute(select(User)).first() is None


def test_create_user_with_stdin_from_dev_null_stops_at_once(tmp_path):
    env = {**os.environ, "CMS_INSTANCE_DIR": str(tmp_path), "CMS_DATABASE_URL": ""}
    env.pop("CMS_REDIS_URL", None)
    cms = Path(sys.executable).with_name("cms")
    result = subprocess.run(  # noqa: S603 (the project's own console script)
        [str(cms), "create-user", "ed@example.org", "--role", "admin"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "--password-stdin" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_create_user_refuses_a_duplicate(runner, make_user):
    make_user(email="dup@example.org")
    result = runner.invoke(
        args=["cms", "create-user", "dup@example.org", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_token_create_prints_the_token_alone_on_the_last_line(runner, make_user, app):
    make_user(email="ed@example.org", role="editor")
    result = runner.invoke(args=["cms", "token", "create", "ed@example.org"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("cms_")
    assert " " not in token
    with app.app_context():
        row = db.session.execute(select(ApiToken)).scalar_one()
        assert row.token_hash == ApiToken.digest(token)
        assert token not in row.token_hash


def test_token_create_for_an_unknown_user_fails(runner):
    result = runner.invoke(args=["cms", "token", "create", "nobody@example.org"])
    assert result.exit_code == 2
    assert "no user" in result.output


def test_themes_list_and_use(runner, app):
    listed = runner.invoke(args=["cms", "themes", "list"])
    assert listed.exit_code == 0
    assert "* default" in listed.output
    used = runner.invoke(args=["cms", "themes", "use", "default"])
    assert used.exit_code == 0
    with app.app_context():
        assert get_setting("theme") == "default"


def test_themes_use_refuses_unknown_and_path_like_names(runner, app):
    for name in ["nope", "../default", "DEFAULT", ""]:
        result = runner.invoke(args=["cms", "themes", "use", name])
        assert result.exit_code == 2, name
        assert "no theme named" in result.output
    with app.app_context():
        from cms.models import Setting

        assert db.session.get(Setting, "theme") is None


def test_a_bad_setting_is_one_line_on_stderr_not_a_traceback(tmp_path):
    env = {**os.environ, "CMS_INSTANCE_DIR": str(tmp_path), "CMS_SITE_URL": "ftp://tin.example.vn"}
    cms = Path(sys.executable).with_name("cms")
    result = subprocess.run(  # noqa: S603 (the project's own console script)
        [str(cms), "init"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode != 0
    assert "CMS_SITE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_locked_database_is_one_line_on_stderr_and_changes_nothing(tmp_path):
    env = {**os.environ, "CMS_INSTANCE_DIR": str(tmp_path), "CMS_DATABASE_URL": ""}
    env.pop("CMS_REDIS_URL", None)
    cms = str(Path(sys.executable).with_name("cms"))
    run = functools.partial(subprocess.run, env=env, capture_output=True, text=True, timeout=120)
    assert run([cms, "init"], check=True).returncode == 0
    lock = sqlite3.connect(tmp_path / "cms.sqlite3", isolation_level=None, timeout=0)
    try:
        lock.execute("BEGIN IMMEDIATE")
        result = run([cms, "themes", "use", "portal"], check=False)
    finally:
        lock.rollback()
        lock.close()
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: the database is busy (another process holds its lock); nothing was changed, "
        "try again."
    ]
    listed = run([cms, "themes", "list"], check=True)
    assert "* portal" not in listed.stdout
