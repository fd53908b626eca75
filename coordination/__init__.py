"""coordination: convenings of many stakeholders around one table."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import db, errors, mail, security, templating, uploading
from .config import DEFAULTS, ConfigurationError, development_secret_key, from_environment
from .extensions import csrf
from .ids import IdConverter

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    # The request class: security's checks, and files streamed to disk where a route takes them.
    uploading.init_app(app)
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
    from .actions import api as action_api
    from .actions import tracker_views as action_tracker_views
    from .actions import views as action_views
    from .admin import views as admin_views
    from .agenda import api as agenda_api
    from .agenda import order_views as agenda_order_views
    from .agenda import page_views as agenda_page_views
    from .agenda import views as agenda_views
    from .api import spec_views as api_spec_views
    from .api import token_views as api_token_views
    from .auth import views as auth_views
    from .briefings import api as briefing_api
    from .briefings import download_views as briefing_download_views
    from .briefings import edit_views as briefing_edit_views
    from .briefings import upload_views as briefing_upload_views
    from .briefings import views as briefing_views
    from .calendar import views as calendar_views
    from .convenings import api as convening_api
    from .convenings import series_views as convening_series_views
    from .convenings import team_views as convening_team_views
    from .convenings import views as convening_views
    from .core import views as core_views
    from .directory import api as directory_api
    from .directory import csv_views as directory_csv_views
    from .directory import views as directory_views
    from .followup import api as followup_api
    from .followup import views as followup_views
    from .invitations import api as invitation_api
    from .invitations.answering import delegate_views as invitation_delegate_views
    from .invitations.answering import seat_views as invitation_seat_views
    from .invitations.answering import views as invitation_answer_views
    from .invitations.board import checkin_views as invitation_checkin_views
    from .invitations.board import views as invitation_board_views
    from .invitations.manage import notify_views as invitation_notify_views
    from .invitations.manage import sending_views as invitation_sending_views
    from .invitations.manage import views as invitation_manage_views
    from .minutes import api as minutes_api
    from .minutes import views as minutes_views
    from .polls import views as poll_views
    from .replies import views as reply_views
    from .webhooks import views as webhook_views

    # Every view module, in the order their blueprints are registered. A module registers
    # its own routes on its package's blueprint; importing it here is what brings them in.
    view_modules = (
        core_views,
        auth_views,
        directory_views,
        directory_csv_views,
        convening_views,
        convening_series_views,
        convening_team_views,
        invitation_board_views,
        invitation_checkin_views,
        invitation_manage_views,
        invitation_sending_views,
        invitation_notify_views,
        invitation_answer_views,
        invitation_delegate_views,
        invitation_seat_views,
        poll_views,
        minutes_views,
        calendar_views,
        admin_views,
        reply_views,
        agenda_views,
        agenda_order_views,
        agenda_page_views,
        briefing_views,
        briefing_upload_views,
        briefing_edit_views,
        briefing_download_views,
        action_views,
        action_tracker_views,
        followup_views,
        api_token_views,
        webhook_views,
        # The JSON API: one blueprint, each domain's operations on it.
        api_spec_views,
        convening_api,
        directory_api,
        invitation_api,
        agenda_api,
        minutes_api,
        briefing_api,
        action_api,
        followup_api,
    )
    for blueprint in dict.fromkeys(module.blueprint for module in view_modules):
        app.register_blueprint(blueprint)
