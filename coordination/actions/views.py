"""Action items of a convening: creating, editing, updating status and notes, carrying over."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from ..db import get_session
from ..form_fields import options, parse_version
from ..ids import parse_id
from ..models import ActionItem, Convening
from ..pagination import page_number
from ..permissions import Action, can, guard, load
from ..principal import current_principal
from ..service import StaleError
from ..view_helpers import attach_errors, run_service
from . import carrying, queries, rules, services, status
from .forms import (
    ActionFilterForm,
    ActionForm,
    BulkForm,
    CarryOverForm,
    StatusForm,
)
from .queries import ListFilters
from .rules import BulkActionError

blueprint = Blueprint("actions", __name__)
# The service names the owner person by its column; the form by its choice field.
OWNER_FIELD = {"owner_user_id": "owner_person"}


def _id_argument(name: str) -> int | None:
    """A preselection from the query string; one that names no row preselects nothing."""
    return parse_id(request.args.get(name))


@blueprint.route("/convenings/<id:convening_id>/actions")
@guard(Action.VIEW_CONVENING, load(Convening, "convening_id", "convening"))
def list_actions(convening: Convening):
    """The convening's actions: all of them for the team, the viewer's own for participants."""
    session = get_session()
    principal = current_principal()
    team = can(principal, Action.MANAGE_ACTIONS, convening)
    form = ActionFilterForm(request.args)
    owner_options = queries.owner_filter_options(session, convening) if team else []
    form.owner.choices = options(
        [("", "Any organisation")] + [(str(i), name) for i, name in owner_options]
    )
    owner = (form.owner.data or "").strip()
    filters = ListFilters(
        status=(form.status.data or "").strip() if team else "",
        owner_organisation_id=parse_id(owner) if team else None,
    )
    page = queries.convening_actions(
        session,
        principal,
        convening,
        team,
        filters,
        page_number(request.args.get("page")),
        current_app.config["PER_PAGE"],
    )
    return render_template(
        "actions/list.html", convening=convening, page=page, team=team, filters=form
    )


def _render_form(
    convening: Convening, form: ActionForm, problem: str | None, action=None, status=None
):
    code = status or (400 if request.method == "POST" else 200)
    return render_template(
        "actions/form.html", convening=convening, form=form, problem=problem, action=action
    ), code


@blueprint.route("/convenings/<id:convening_id>/actions/new", methods=["GET", "POST"])
@guard(Action.MANAGE_ACTIONS, load(Convening, "convening_id", "convening"))
def create(convening: Convening):
    """Record one action; ``?agenda_item=`` and ``?decision=`` preselect what it follows from."""
    session = get_session()
    form = ActionForm()
    form.offer(rules.choices(session, convening))
    if request.method == "GET":
        form.agenda_item_id.data = _id_argument("agenda_item")
        form.decision_id.data = _id_argument("decision")
    if not form.validate_on_submit():
        return _render_form(convening, form, None)
    convening_id = convening.id
    outcome = run_service(
        lambda session: services.create_action(
            session, current_principal(), convening, form.to_input()
        ),
        form,
        aliases=OWNER_FIELD,
    )
    if not outcome.ok:
        return _render_form(convening, form, outcome.problem, status=outcome.status)
    action = outcome.result
    flash(f"Action “{action.title}” recorded.", "success")
    if request.form.get("then") == "another":
        return redirect(
            url_for(
                ".create",
                convening_id=convening_id,
                agenda_item=form.agenda_item_id.data or None,
            )
        )
    return redirect(url_for(".show", action_id=action.id))


@blueprint.route("/convenings/<id:convening_id>/actions/bulk", methods=["GET", "POST"])
@guard(Action.MANAGE_ACTIONS, load(Convening, "convening_id", "convening"))
def create_bulk(convening: Convening):
    """Record several actions at once; blank rows are skipped, a faulty row saves none."""
    session = get_session()
    form = BulkForm()
    form.offer(rules.choices(session, convening))
    if request.method == "GET":
        form.agenda_item_id.data = _id_argument("agenda_item")
        form.decision_id.data = _id_argument("decision")
    problem, code = None, 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        convening_id = convening.id
        outcome = run_service(
            lambda session: services.create_actions(
                session,
                current_principal(),
                convening,
                form.to_rows(),
                agenda_item_id=form.agenda_item_id.data,
                decision_id=form.decision_id.data,
            ),
            form,
            aliases=OWNER_FIELD,
        )
        if outcome.ok:
            count = len(outcome.result)
            flash(f"{count} action{'s' if count != 1 else ''} recorded.", "success")
            return redirect(url_for(".list_actions", convening_id=convening_id))
        if isinstance(outcome.error, BulkActionError):
            for index, messages in outcome.error.rows.items():
                attach_errors(form.rows[index].form, messages, OWNER_FIELD)
        problem, code = outcome.problem, outcome.status
    elif request.method == "POST":
        problem = "Check the rows marked below; no action was created."
    return render_template(
        "actions/bulk.html", convening=convening, form=form, problem=problem
    ), code


@blueprint.route("/actions/<id:action_id>/edit", methods=["GET", "POST"])
@guard(
    Action.MANAGE_ACTIONS, load(ActionItem, "action_id", "action", judged_by=lambda a: a.convening)
)
def edit(action: ActionItem):
    """Change or reassign an action (the team only); the history names what changed."""
    session = get_session()
    convening = action.convening
    form = ActionForm()
    form.offer(rules.choices(session, convening))
    if request.method == "GET":
        form.title.data = action.title
        form.description.data = action.description
        form.agenda_item_id.data = action.agenda_item_id
        form.decision_id.data = action.decision_id
        form.owner_organisation_id.data = action.owner_organisation_id
        if action.owner_user_id:
            form.owner_person.data = f"user-{action.owner_user_id}"
        elif action.owner_delegate_id:
            form.owner_person.data = f"delegate-{action.owner_delegate_id}"
        form.due_on.data = action.due_on
        form.priority.data = action.priority.value
        form.version.data = str(action.version)
    if not form.validate_on_submit():
        return _render_form(convening, form, None, action)
    action_id = action.id
    outcome = run_service(
        lambda session: services.edit_action(
            session, current_principal(), action, form.to_input(), parse_version(form.version.data)
        ),
        form,
        aliases=OWNER_FIELD,
    )
    if outcome.ok:
        flash("Changes saved." if outcome.result else "Nothing was changed.", "success")
        return redirect(url_for(".show", action_id=action_id))
    return _render_form(convening, form, outcome.problem, action, outcome.status)


def _refuse_draft(action: ActionItem) -> None:
    """A draft convening is the team's alone, even where one of its actions names an owner."""
    convening = action.convening
    if convening.is_draft and not can(current_principal(), Action.MANAGE_ACTIONS, convening):
        abort(404)


def _render_show(
    action: ActionItem,
    form: StatusForm | None = None,
    problem: str | None = None,
    status: int | None = None,
):
    session = get_session()
    principal = current_principal()
    info = queries.details(session, action)
    # Carrying over creates an action in the next convening: only its team may do that.
    may_carry = info.next_convening is not None and can(
        principal, Action.MANAGE_ACTIONS, info.next_convening
    )
    if form is None:
        form = StatusForm(formdata=None)
        form.status.data = action.status.value
        form.version.data = str(action.version)
    return render_template(
        "actions/show.html",
        info=info,
        action=action,
        convening=action.convening,
        form=form,
        problem=problem,
        team=can(principal, Action.MANAGE_ACTIONS, action.convening),
        carry_form=CarryOverForm(formdata=None),
        may_carry=may_carry,
    ), status or (400 if request.method == "POST" else 200)


@blueprint.route("/actions/<id:action_id>")
@guard(Action.UPDATE_ACTION, load(ActionItem, "action_id", "action"))
def show(action: ActionItem):
    """An action: its details, its history across convenings, and the status and note form."""
    _refuse_draft(action)
    return _render_show(action)


@blueprint.route("/actions/<id:action_id>/update", methods=["POST"])
@guard(Action.UPDATE_ACTION, load(ActionItem, "action_id", "action"))
def update(action: ActionItem):
    """Change the status or add a progress note; no other field is read from this form."""
    _refuse_draft(action)
    form = StatusForm()
    if not form.validate_on_submit():
        return _render_show(action, form)
    action_id = action.id
    outcome = run_service(
        lambda session: status.update_status(
            session,
            current_principal(),
            action,
            form.status_value(),
            form.note.data or "",
            parse_version(form.version.data),
        ),
        form,
        aliases=OWNER_FIELD,
    )
    if outcome.ok:
        kind = outcome.result.kind
        flash("Status changed." if kind.value == "status" else "Progress note added.", "success")
        return redirect(url_for(".show", action_id=action_id, _anchor="history"))
    if isinstance(outcome.error, StaleError):
        # Show the fresh action; keep what the person wrote so it is not lost.
        form.version.data = str(action.version)
    return _render_show(action, form, outcome.problem, outcome.status)


@blueprint.route("/actions/<id:action_id>/carry-over", methods=["POST"])
@guard(
    Action.MANAGE_ACTIONS, load(ActionItem, "action_id", "action", judged_by=lambda a: a.convening)
)
def carry_over(action: ActionItem):
    """Continue an open action in the series' next convening."""
    form = CarryOverForm()
    action_id = action.id
    if not form.validate_on_submit():
        flash("The form had expired; try again.", "error")
        return redirect(url_for(".show", action_id=action_id))
    outcome = run_service(
        lambda session: carrying.carry_over(
            session, current_principal(), action, parse_version(form.version.data)
        ),
        flash_refusal=True,
    )
    if not outcome.ok:
        return redirect(url_for(".show", action_id=action_id))
    successor = outcome.result
    flash(f"Carried over to {successor.convening.title}; its history comes with it.", "success")
    return redirect(url_for(".show", action_id=successor.id))


@blueprint.route("/my/actions")
@guard(Action.SIGNED_IN)
def mine():
    """Everything the user or their organisations own, across convenings, outstanding first."""
    page = queries.my_actions(
        get_session(),
        current_principal(),
        page_number(request.args.get("page")),
        current_app.config["PER_PAGE"],
    )
    return render_template("actions/mine.html", page=page)
