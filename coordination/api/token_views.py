"""Pages for personal access tokens: one's own on the account page, everyone's for admins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..db import get_session
from ..models import ApiToken, utcnow
from ..pagination import page_number, paginate
from ..permissions import Action, guard, load
from ..principal import current_principal
from ..view_helpers import run_service
from . import tokens
from .token_forms import TokenForm

blueprint = Blueprint("api_tokens", __name__)


def _render(form: TokenForm, issued=None, status: int = 200):
    principal = current_principal()
    response = render_template(
        "api/tokens.html",
        form=form,
        tokens=tokens.tokens_of(get_session(), principal.user),
        issued=issued,
        now=utcnow(),
    )
    return response, status, {"Cache-Control": "no-store"}


@blueprint.route("/account/tokens", methods=["GET", "POST"])
@guard(Action.SIGNED_IN)
def own_tokens():
    """One's personal access tokens for the API; a new one is shown once, here."""
    form = TokenForm()
    if request.method == "POST":
        if form.validate_on_submit():
            principal = current_principal()
            outcome = run_service(
                lambda session: tokens.issue(
                    session,
                    principal,
                    name=form.name.data,
                    scope=form.scope.data,
                    days=form.days.data,
                ),
                form,
            )
            if outcome.ok:
                return _render(TokenForm(formdata=None), issued=outcome.result, status=201)
        return _render(form, status=400)
    return _render(form)


@blueprint.route("/account/tokens/<id:token_id>/revoke", methods=["POST"])
@guard(Action.MANAGE_API_TOKEN, load(ApiToken, "token_id", "token"))
def revoke(token: ApiToken):
    """Stop a token at once (its owner, or an administrator)."""
    principal = current_principal()
    outcome = run_service(
        lambda session: tokens.revoke(session, principal, token), flash_refusal=True
    )
    if outcome.ok:
        flash(f"The token '{token.name}' is revoked: it no longer works.", "success")
    if request.form.get("from") == "admin" and principal.is_admin:
        return redirect(url_for("api_tokens.all_tokens"))
    return redirect(url_for("api_tokens.own_tokens"))


@blueprint.route("/admin/tokens")
@guard(Action.ADMINISTER)
def all_tokens():
    """Every personal access token, newest first, with its owner and last use."""
    statement = select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id.desc())
    page = paginate(get_session(), statement, page_number(request.args.get("page")), 50)
    return render_template("api/all_tokens.html", page=page, now=utcnow())
