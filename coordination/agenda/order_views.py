"""Reordering the draft agenda: the Move buttons, and the whole order sent by agenda.js."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, request

from ..models import AgendaItem, Convening
from ..permissions import Action, guard, load
from ..principal import current_principal
from ..view_helpers import run_service
from . import services
from .blueprint import blueprint
from .forms import ORDER_MESSAGE, MoveForm, OrderForm
from .view_helpers import builder_url, item_convening, render_builder


@blueprint.route("/agenda/items/<id:item_id>/move", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(AgendaItem, "item_id", "item", judged_by=item_convening))
def move_item(item: AgendaItem):
    """Move an item one place up or down (the buttons that work without JavaScript)."""
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    convening_id, item_id, title = item.convening_id, item.id, item.title
    outcome = run_service(
        lambda session: services.move_item(session, current_principal(), item, form.direction.data),
        flash_refusal=True,
    )
    if outcome.ok and not outcome.result:
        where = "first" if form.direction.data == "up" else "last"
        flash(f"“{title}” is already {where}.", "info")
    return redirect(builder_url(convening_id, item_id))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@blueprint.route("/convenings/<id:convening_id>/agenda/order", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def reorder(convening: Convening):
    """Save a new order of every item (sent by drag and drop or the keyboard)."""
    form = OrderForm()
    item_ids = form.item_ids() if form.validate_on_submit() else None
    if item_ids is None:
        message = " ".join(form.order.errors) or ORDER_MESSAGE
        if _wants_json():
            return jsonify(error=message), 400
        flash(message, "error")
        return render_builder(convening, 400)
    convening_id = convening.id
    outcome = run_service(
        lambda session: services.reorder(session, current_principal(), convening, item_ids)
    )
    if not outcome.ok:
        # The refusal's own words: an order naming other items than the agenda has says so.
        message = str(outcome.error)
        if _wants_json():
            return jsonify(error=message), outcome.status
        flash(message, "error")
        return redirect(builder_url(convening_id))
    if _wants_json():
        return jsonify(saved=outcome.result, order=item_ids)
    flash("The new order is saved." if outcome.result else "The order is unchanged.", "success")
    return redirect(builder_url(convening_id))
