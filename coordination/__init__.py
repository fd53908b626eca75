"""coordination: convenings of many stakeholders around one table."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import db, errors, mail, security, templating
from .config import DEFAULTS, ConfigurationError, development_secret_key, from_environment
from .ids import IdConverter

PROJECT_ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()


def _settings(config: dict[str, Any] | None) -> dict[str, Any]:
    settings = dict(DEFAULTS)
    settings.update(from_environment())
    settings.update(config or {})
    return settings


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: defaults, then COORDINATION_* variables, then ``config``."""
    settings = _settings(config)
    instance_path = settings.get("INSTANCE_PATH") or os.environ.get(
        "COORDINATION_INSTANCE_PATH", str(PROJECT_ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(settings)
    _finish_configuration(app)

    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        # Behind this many reverse proxies, take the client address and scheme they report.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    db.init_app(app, app.config["DATABASE_URL"])
    csrf.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    app.teardown_request(lambda _error: mail.deliver_after_request())

    from .auth import login_manager

    login_manager.init_app(app)
    # Every id in a URL goes through one converter, registered before any route uses it.
    app.url_map.converters["id"] = IdConverter
    _register_blueprints(app)

    from .cli import register_commands

    register_commands(app)

    from . import rules  # noqa: F401  (registers every domain's rules)
    from .permissions import unguarded_endpoints, unruled_actions

    missing = unguarded_endpoints(app)
    if missing:
        raise ConfigurationError(f"routes without a permission rule: {', '.join(missing)}")
    unruled = unruled_actions()
    if unruled:
        raise ConfigurationError(f"actions without a rule: {', '.join(unruled)}")
    return app


def _finish_configuration(app: Flask) -> None:
    production = app.config["ENV"] == "production"
    if not app.config.get("SECRET_KEY"):
        if production:
            raise ConfigurationError(
                "COORDINATION_SECRET_KEY must be set when COORDINATION_ENV=production"
            )
        app.config["SECRET_KEY"] = development_secret_key(Path(app.instance_path))
    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'coordination.sqlite3'}"
    app.config["BASE_URL"] = app.config["BASE_URL"].rstrip("/")
    if not app.config.get("DOCUMENTS_DIR"):
        app.config["DOCUMENTS_DIR"] = str(Path(app.instance_path) / "documents")
    app.config.setdefault("MAIL_DELIVER_AFTER_REQUEST", app.config["MAIL_BACKEND"] == "log")
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        SESSION_COOKIE_NAME="coordination_session",
        REMEMBER_COOKIE_NAME="coordination_remember",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=production,
        REMEMBER_COOKIE_DURATION=timedelta(days=int(app.config["REMEMBER_COOKIE_DAYS"])),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=production,
    )
    if production and not app.config["BASE_URL"].startswith("https://"):
        raise ConfigurationError("COORDINATION_BASE_URL must be an https:// address in production")


def _register_blueprints(app: Flask) -> None:
    from .actions.tracker_views import blueprint as tracker
    from .actions.views import blueprint as actions
    from .admin.views import blueprint as admin
    from .agenda.views import blueprint as agenda
    from .auth.views import blueprint as auth
    from .briefings.download_views import blueprint as downloads
    from .briefings.views import blueprint as briefings
    from .calendar.views import blueprint as calendar
    from .convenings.views import blueprint as convenings
    from .core.views import blueprint as core
    from .directory.views import blueprint as directory
    from .followup.views import blueprint as followup
    from .invitations.views import blueprint as invitations
    from .minutes.views import blueprint as minutes

    for blueprint in (core, auth, directory, convenings, invitations, minutes, calendar, admin):
        app.register_blueprint(blueprint)
    app.register_blueprint(agenda)
    for blueprint in (briefings, downloads, actions, tracker, followup):
        app.register_blueprint(blueprint)
