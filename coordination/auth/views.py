"""Sign in, sign out, change and reset passwords."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from ..db import get_session
from ..permissions import Action, guard, public
from ..principal import current_principal
from ..view_helpers import run_service
from . import services
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    SignInForm,
)

blueprint = Blueprint("auth", __name__, url_prefix="/account")
# Where a refusal of the password change that names no field of its form is shown.
CURRENT_PASSWORD = {"": "current_password"}


def safe_next(target: str | None) -> str | None:
    """A local path to return to after sign-in; anything else is ignored.

    The checks also run on the percent-decoded forms, in case something between here
    and the browser decodes them (``/%2F/evil.example`` must not become ``//evil.example``).
    """
    if not target or len(target) > 2000:
        return None
    candidate = target
    for _ in range(3):
        if not _is_local_path(candidate):
            return None
        decoded = unquote(candidate)
        if decoded == candidate:
            return target
        candidate = decoded
    return None


def _is_local_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if "\\" in target or any(ord(character) < 32 or ord(character) == 127 for character in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _start_session(user, remember: bool) -> None:
    # A fresh session on sign-in: nothing carried over from before (session fixation).
    session.clear()
    login_user(user, remember=remember)


def _end_session() -> None:
    # Clear first: logout_user then marks the remember-me cookie for deletion in the session.
    session.clear()
    logout_user()


def _has_remember_cookie() -> bool:
    return current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies


@blueprint.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    """Show the sign-in form and check credentials."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("core.dashboard"))
    form = SignInForm(next=request.args.get("next", ""), email=request.args.get("email", ""))
    error = None
    status = 200
    if form.validate_on_submit():
        # A refused attempt is the service's answer, committed so that its failure counts.
        result = run_service(
            lambda session: services.authenticate(
                session,
                current_principal(),
                form.email.data,
                form.password.data,
                request.remote_addr,
            )
        ).result
        if result.user is not None:
            _start_session(result.user, form.remember.data)
            return redirect(safe_next(form.next.data) or url_for("core.dashboard"))
        error = result.error
        status = 429 if result.throttled else 400
    elif request.method == "POST":
        status = 400
    return render_template("auth/sign_in.html", form=form, error=error), status


@blueprint.route("/sign-out", methods=["POST"])
@guard(Action.SIGNED_IN)
def sign_out():
    """Sign out here and everywhere else."""
    run_service(lambda session: services.end_own_sessions(session, current_principal()))
    _end_session()
    flash("You are signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@blueprint.route("/password", methods=["GET", "POST"])
@guard(Action.SIGNED_IN)
def change_password():
    """Change one's own password, giving the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        principal = current_principal()
        outcome = run_service(
            lambda session: services.change_password(
                session, principal, form.current_password.data, form.new_password.data
            ),
            form,
            aliases=CURRENT_PASSWORD,
        )
        if outcome.ok and outcome.result.refused:
            form.current_password.errors.append(outcome.result.refused)
        elif outcome.ok:
            # Other sessions end; this one continues under the new identifier, and a
            # remember-me cookie on this device is renewed rather than silently broken.
            _start_session(principal.user, remember=_has_remember_cookie())
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("core.dashboard"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/change_password.html", form=form), status


@blueprint.route("/email", methods=["GET", "POST"])
@guard(Action.SIGNED_IN)
def change_email():
    """Ask for a new email address for one's account, giving the current password."""
    form = ChangeEmailForm()
    principal = current_principal()
    if form.validate_on_submit():
        outcome = run_service(
            lambda session: services.change_email(
                session, principal, form.current_password.data, form.email.data
            ),
            form,
            aliases={"": "email"},
        )
        if outcome.ok and outcome.result.refused:
            form.current_password.errors.append(outcome.result.refused)
        elif outcome.ok:
            flash(
                f"We have sent a link to {outcome.result.value}. Your address changes when you "
                "open it; until then, keep signing in with the current one.",
                "success",
            )
            return redirect(url_for("auth.change_email"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/change_email.html", form=form, user=principal.user), status


@blueprint.route("/email/cancel", methods=["POST"])
@guard(Action.SIGNED_IN)
def cancel_email_change():
    """Withdraw one's own request for a new address."""
    principal = current_principal()
    run_service(
        lambda session: services.cancel_email_change(session, principal, principal.user),
        flash_refusal=True,
    )
    flash(
        "The change of email address is cancelled; the link sent for it no longer works.", "success"
    )
    return redirect(url_for("auth.change_email"))


@blueprint.route("/email/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_email(token: str):
    """Confirm a new email address from the link sent to it (the change happens on POST)."""
    db = get_session()
    pending = services.find_email_change(db, token)
    if pending is None:
        return render_template("auth/confirm_email_invalid.html"), (
            410 if request.method == "GET" else 400
        )
    if request.method == "GET":
        return render_template("auth/confirm_email.html", user=pending.user)
    signed_in_here = current_user.is_authenticated and current_user.id == pending.user_id
    outcome = run_service(
        lambda session: services.confirm_email_change(session, current_principal(), token),
        flash_refusal=True,
    )
    if not outcome.ok:
        return render_template("auth/confirm_email_invalid.html"), 400
    user = outcome.result
    if signed_in_here:
        # Every other session has ended; this one goes on under the account's new identifier.
        _start_session(user, remember=_has_remember_cookie())
        flash(f"Your email address is now {user.email}. Other devices are signed out.", "success")
        return redirect(url_for("auth.change_email"))
    flash(f"Your email address is now {user.email}. Sign in with it.", "success")
    return redirect(url_for("auth.sign_in", email=user.email))


@blueprint.route("/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    """Ask for a reset link; the answer is the same whether the account exists or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        run_service(
            lambda session: services.request_password_reset(
                session, current_principal(), form.email.data
            )
        )
        return render_template("auth/reset_sent.html", email=form.email.data)
    status = 400 if request.method == "POST" else 200
    return render_template("auth/forgot_password.html", form=form), status


@blueprint.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Choose a new password from an emailed link, once."""
    db = get_session()
    valid = services.find_valid_token(db, token)
    if valid is None:
        response = render_template("auth/reset_invalid.html")
        return response, 410 if request.method == "GET" else 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        outcome = run_service(
            lambda session: services.reset_password_with_token(
                session, current_principal(), token, form.new_password.data
            ),
            form,
            aliases={"": "new_password"},
        )
        if outcome.ok:
            _end_session()
            flash("Your password is set. Sign in with it now.", "success")
            return redirect(url_for("auth.sign_in", email=outcome.result.email))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/reset_password.html", form=form, purpose=valid.purpose), status
