"""Administration: accounts (administrators and organisers), the outbox and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from ..audit_view import describe
from ..db import get_session
from ..directory.access import administered_organisation_ids
from ..models import User
from ..pagination import page_number
from ..permissions import Action, guard, load
from ..principal import current_principal
from ..view_helpers import Outcome, run_service
from . import queries, services
from .forms import AccountFilterForm, AccountForm, AuditFilterForm, OutboxFilterForm

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


def _per_page() -> int:
    return int(current_app.config["PER_PAGE"])


def _administered() -> set[int] | None:
    """The organisations whose accounts the viewer looks after; None for all."""
    principal = current_principal()
    return None if principal.is_admin else administered_organisation_ids(principal)


def _account_input(form: AccountForm) -> services.AccountInput:
    return services.AccountInput(
        name=form.name.data or "",
        email=form.email.data or "",
        contact_id=form.contact.data,
        organisation_id=form.organisation.data,
        title=form.title.data,
        is_admin=bool(form.is_admin.data),
    )


def _refused(outcome: Outcome) -> str | None:
    """What to show of a refusal: the rights refused answer 403, as any page refused does."""
    if outcome.status == 403:
        abort(403)
    return outcome.problem


@blueprint.route("/")
@guard(Action.CREATE_ACCOUNT)
def index():
    """Administration starts at the list of accounts."""
    return redirect(url_for("admin.list_users"))


@blueprint.route("/users")
@guard(Action.CREATE_ACCOUNT)
def list_users():
    """Accounts, searched by name or email and filtered by status."""
    form = AccountFilterForm(formdata=request.args)
    page = queries.search_accounts(
        get_session(),
        (form.q.data or "")[:200],
        form.selected(),
        page_number(request.args.get("page")),
        _per_page(),
        _administered(),
    )
    return render_template("admin/users.html", form=form, page=page)


@blueprint.route("/users/new", methods=["GET", "POST"])
@guard(Action.CREATE_ACCOUNT)
def create_user():
    """Create an account; its holder is emailed a link to choose a password."""
    db = get_session()
    form = AccountForm()
    administered = _administered()
    form.set_choices(
        queries.contact_choices(db, administered=administered),
        queries.organisation_choices(db, administered),
    )
    problem = None
    if form.validate_on_submit():
        outcome = run_service(
            lambda session: services.create_account(
                session, current_principal(), _account_input(form)
            ),
            form,
        )
        if outcome.ok:
            user = outcome.result
            flash(
                f"Account created. {user.email} has been emailed a link to choose a password.",
                "success",
            )
            return redirect(url_for("admin.show_user", user_id=user.id))
        problem = _refused(outcome)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, account=None, problem=problem), status


@blueprint.route("/users/<id:user_id>")
@guard(Action.MANAGE_ACCOUNT, load(User, "user_id", "account"))
def show_user(account: User):
    """An account: organisation, teams, last sign-in and status."""
    db = get_session()
    account = queries.load_account(db, account.id)
    principal = current_principal()
    return render_template(
        "admin/user_detail.html",
        account=account,
        memberships=queries.team_memberships(
            db, account, None if principal.is_admin else set(principal.team_roles)
        ),
        history=queries.account_history(db, account) if principal.is_admin else None,
        describe=describe,
    )


@blueprint.route("/users/<id:user_id>/edit", methods=["GET", "POST"])
@guard(Action.MANAGE_ACCOUNT, load(User, "user_id", "account"))
def edit_user(account: User):
    """Change an account's name, email, contact and administrator flag."""
    db = get_session()
    account = queries.load_account(db, account.id)
    form = AccountForm(
        data={
            "name": account.name,
            "email": account.email,
            "contact": account.contact_id,
            "is_admin": account.is_admin,
        }
    )
    administered = _administered()
    form.set_choices(
        queries.contact_choices(db, account, administered),
        queries.organisation_choices(db, administered),
    )
    problem = None
    if form.validate_on_submit():
        account_id = account.id
        outcome = run_service(
            lambda session: services.update_account(
                session, current_principal(), account, _account_input(form)
            ),
            form,
        )
        if outcome.ok:
            if outcome.result:
                flash(
                    f"The account is saved. {outcome.result} has been sent a link to confirm it; "
                    f"until then the account keeps {account.email}, which has been told.",
                    "success",
                )
            else:
                flash("The account is saved.", "success")
            return redirect(url_for("admin.show_user", user_id=account_id))
        problem = _refused(outcome)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/user_form.html", form=form, account=account, problem=problem
    ), status


def _account_action(account: User, service, done: str):
    """Run a one-button service on an account and go back to it."""
    account_id = account.id
    outcome = run_service(lambda session: service(session, current_principal(), account))
    if outcome.ok:
        flash(done, "success")
    else:
        flash(_refused(outcome), "error")
    return redirect(url_for("admin.show_user", user_id=account_id))


@blueprint.route("/users/<id:user_id>/deactivate", methods=["POST"])
@guard(Action.MANAGE_ACCOUNT, load(User, "user_id", "account"))
def deactivate_user(account: User):
    """Deactivate an account and end its sessions at once."""
    return _account_action(
        account,
        services.deactivate_account,
        f"{account.name}'s account is deactivated and signed out everywhere.",
    )


@blueprint.route("/users/<id:user_id>/reactivate", methods=["POST"])
@guard(Action.MANAGE_ACCOUNT, load(User, "user_id", "account"))
def reactivate_user(account: User):
    """Let a deactivated account sign in again."""
    return _account_action(
        account, services.reactivate_account, f"{account.name}'s account is active again."
    )


@blueprint.route("/users/<id:user_id>/sign-out", methods=["POST"])
@guard(Action.MANAGE_ACCOUNT, load(User, "user_id", "account"))
def sign_out_user(account: User):
    """Sign the account out on every device."""
    return _account_action(
        account, services.end_sessions, f"{account.name} is signed out on every device."
    )


@blueprint.route("/users/<id:user_id>/setup-link", methods=["POST"])
@guard(Action.MANAGE_ACCOUNT, load(User, "user_id", "account"))
def resend_setup_link(account: User):
    """Email a fresh set-up link to someone who has not chosen a password yet."""
    return _account_action(
        account,
        services.resend_setup_link,
        f"A new set-up link is on its way to {account.email}; earlier links no longer work.",
    )


@blueprint.route("/users/<id:user_id>/cancel-email-change", methods=["POST"])
@guard(Action.MANAGE_ACCOUNT, load(User, "user_id", "account"))
def cancel_email_change(account: User):
    """Withdraw a new address asked for the account before it is confirmed."""
    return _account_action(
        account,
        services.cancel_email_change,
        f"The change of address is cancelled; {account.name} keeps {account.email}.",
    )


@blueprint.route("/outbox")
@guard(Action.ADMINISTER)
def outbox():
    """Email waiting, sent and failed, with the last error of each."""
    form = OutboxFilterForm(formdata=request.args)
    page = queries.outbox_page(
        get_session(), form.selected(), page_number(request.args.get("page")), _per_page()
    )
    return render_template(
        "admin/outbox.html",
        form=form,
        page=page,
        status_of=queries.outbox_status,
        gave_up=queries.gave_up,
    )


@blueprint.route("/audit")
@guard(Action.ADMINISTER)
def audit_log():
    """Every audit event on the site, newest first."""
    form = AuditFilterForm(formdata=request.args)
    page = queries.audit_page(
        get_session(),
        (form.action.data or "")[:80],
        (form.actor.data or "")[:200],
        page_number(request.args.get("page")),
        _per_page(),
    )
    return render_template("admin/audit_log.html", form=form, page=page, describe=describe)
