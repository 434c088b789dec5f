"""Configuration precedence and environment variables."""

import logging

import pytest

from cms import create_app
from cms.config import from_environment, normalise_database_url


def test_environment_variables_are_typed():
    found = from_environment(
        {"CMS_PROXY_HOPS": "2", "CMS_TESTING": "1", "CMS_LOCALE": "en", "OTHER": "x"}
    )
    assert found == {"PROXY_HOPS": 2, "TESTING": True, "LOCALE": "en"}


def test_a_bad_number_is_reported_clearly():
    with pytest.raises(RuntimeError, match="CMS_PROXY_HOPS"):
        from_environment({"CMS_PROXY_HOPS": "two"})


def test_widget_budgets_are_seconds_from_the_environment():
    found = from_environment({"CMS_WIDGET_TIME_BUDGET": "2.5", "CMS_WIDGET_PAGE_BUDGET": "4"})
    assert found == {"WIDGET_TIME_BUDGET": 2.5, "WIDGET_PAGE_BUDGET": 4.0}


def test_a_budget_that_is_no_number_is_refused():
    with pytest.raises(RuntimeError, match="CMS_WIDGET_TIME_BUDGET='soon' is not a valid number"):
        from_environment({"CMS_WIDGET_TIME_BUDGET": "soon"})


@pytest.mark.parametrize("raw", ["nan", "inf", "1e309", "-1", "0", "1e10", "21"])
@pytest.mark.parametrize("key", ["WIDGET_TIME_BUDGET", "WIDGET_PAGE_BUDGET"])
def test_a_budget_no_render_could_keep_stops_the_site_from_starting(
    raw, key, monkeypatch, tmp_path, database_url
):
    monkeypatch.setenv("CMS_INSTANCE_DIR", str(tmp_path / "site"))
    monkeypatch.setenv(f"CMS_{key}", raw)
    with pytest.raises(RuntimeError, match=f"{key}=.* from 0.01 to 20"):
        create_app({"DATABASE_URL": database_url})


def test_a_budget_from_the_instance_config_is_checked_too(monkeypatch, tmp_path, database_url):
    instance = tmp_path / "site"
    instance.mkdir()
    (instance / "config.py").write_text("WIDGET_PAGE_BUDGET = 3600\n")
    monkeypatch.setenv("CMS_INSTANCE_DIR", str(instance))
    with pytest.raises(RuntimeError, match="WIDGET_PAGE_BUDGET=3600"):
        create_app({"DATABASE_URL": database_url})


def test_postgresql_urls_use_psycopg_3():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_precedence_defaults_instance_environment_then_mapping(tmp_path, monkeypatch, database_url):
    instance = tmp_path / "site"
    instance.mkdir()
    (instance / "config.py").write_text(
        'SITE_NAME = "From instance"\nTIMEZONE = "UTC"\nTHEME = "x"\n'
    )
    monkeypatch.setenv("CMS_INSTANCE_DIR", str(instance))
    monkeypatch.setenv("CMS_TIMEZONE", "Asia/Bangkok")
    monkeypatch.setenv("CMS_THEME", "from-env")
    app = create_app({"DATABASE_URL": database_url, "THEME": "from-mapping"})
    assert app.config["SITE_NAME"] == "From instance"
    assert app.config["TIMEZONE"] == "Asia/Bangkok"
    assert app.config["THEME"] == "from-mapping"
    assert app.config["LOCALE"] == "vi"
    assert (instance / "secret_key").exists()
    key = (instance / "secret_key").read_text()
    assert create_app({"DATABASE_URL": database_url}).config["SECRET_KEY"] == key


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CMS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("CMS_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'cms.sqlite3'}"


def test_captcha_test_answer_is_ignored_outside_testing_mode(
    tmp_path, monkeypatch, caplog, database_url
):
    monkeypatch.setenv("CMS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("CMS_CAPTCHA_TEST_ANSWER", "1234")
    with caplog.at_level(logging.WARNING, logger="cms"):
        app = create_app({"DATABASE_URL": database_url})
    assert app.config["CAPTCHA_TEST_ANSWER"] is None
    assert "ignored outside testing mode" in caplog.text
    monkeypatch.setenv("CMS_TESTING", "1")
    assert create_app({"DATABASE_URL": database_url}).config["CAPTCHA_TEST_ANSWER"] == "1234"
