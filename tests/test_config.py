"""Configuration: defaults, then COORDINATION_* variables, then the caller's overrides."""

from __future__ import annotations

import pytest

from coordination import create_app
from coordination.config import ConfigurationError


def test_environment_variable_overrides_default(make_app, monkeypatch):
    monkeypatch.setenv("COORDINATION_BASE_URL", "https://meetings.example.gov/")
    monkeypatch.setenv("COORDINATION_PER_PAGE", "40")

    app = make_app()

    assert app.config["PER_PAGE"] == 40


def test_explicit_setting_overrides_environment_variable(make_app, monkeypatch):
    monkeypatch.setenv("COORDINATION_SENSITIVITY_LABELS", "Public,Restricted")

    from_env = make_app()
    overridden = make_app(SENSITIVITY_LABELS=["Open"])

    assert from_env.config["SENSITIVITY_LABELS"] == ["Public", "Restricted"]
    assert overridden.config["SENSITIVITY_LABELS"] == ["Open"]


def test_base_url_from_environment_loses_trailing_slash(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("COORDINATION_BASE_URL", "https://meetings.example.gov/")

    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)})

    assert app.config["BASE_URL"] == "https://meetings.example.gov"


def test_non_numeric_number_setting_is_refused(make_app, monkeypatch):
    monkeypatch.setenv("COORDINATION_PER_PAGE", "many")

    with pytest.raises(ConfigurationError, match="COORDINATION_PER_PAGE"):
        make_app()


def test_development_secret_key_is_generated_once_into_instance_folder(tmp_path, database_url):
    settings = {"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "instance")}

    first = create_app(dict(settings))
    second = create_app(dict(settings))

    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text() == first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 64
    assert key_file.stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_secret_key(tmp_path, database_url):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(
            {
                "ENV": "production",
                "DATABASE_URL": database_url,
                "INSTANCE_PATH": str(tmp_path),
                "BASE_URL": "https://meetings.example.gov",
            }
        )
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_plain_http_base_url(tmp_path, database_url):
    with pytest.raises(ConfigurationError, match="https"):
        create_app(
            {
                "ENV": "production",
                "SECRET_KEY": "x" * 64,
                "DATABASE_URL": database_url,
                "INSTANCE_PATH": str(tmp_path),
                "BASE_URL": "http://meetings.example.gov",
            }
        )


def test_production_cookies_are_secure(tmp_path, database_url):
    app = create_app(
        {
            "ENV": "production",
            "SECRET_KEY": "x" * 64,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "BASE_URL": "https://meetings.example.gov",
        }
    )

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/account/sign-in", base_url="https://meetings.example.gov")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_untrusted_host_header_is_refused(make_app):
    app = make_app(TRUSTED_HOSTS=["meetings.example.gov"])
    client = app.test_client()

    trusted = client.get("/account/sign-in", headers={"Host": "meetings.example.gov"})
    untrusted = client.get("/account/sign-in", headers={"Host": "evil.example"})

    assert trusted.status_code == 200
    assert untrusted.status_code == 400


def test_default_database_is_sqlite_file_in_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("COORDINATION_DATABASE_URL", raising=False)

    app = create_app({"INSTANCE_PATH": str(tmp_path)})

    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'coordination.sqlite3'}"


def test_boolean_setting_is_read_from_environment(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("COORDINATION_MAIL_BACKEND", "smtp")
    monkeypatch.setenv("COORDINATION_MAIL_DELIVER_AFTER_REQUEST", "true")

    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)})

    assert app.config["MAIL_DELIVER_AFTER_REQUEST"] is True


def test_unclear_boolean_setting_is_refused(make_app, monkeypatch):
    monkeypatch.setenv("COORDINATION_MAIL_DELIVER_AFTER_REQUEST", "perhaps")

    with pytest.raises(ConfigurationError, match="true or false"):
        make_app()
