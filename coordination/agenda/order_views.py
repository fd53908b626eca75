"""Reordering the draft agenda: the Move buttons, and the whole order sent by agenda.js."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, request
from sqlalchemy.orm.exc import StaleDataError

from ..db import get_session
from ..models import AgendaItem, Convening
from ..permissions import Action, guard, load
from . import services
from .forms import ORDER_MESSAGE, MoveForm, OrderForm
from .services import STALE_MESSAGE, AgendaError
from .views import actor, blueprint, builder_url, item_convening, render_builder


@blueprint.route("/agenda/items/<id:item_id>/move", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(AgendaItem, "item_id", "item", judged_by=item_convening))
def move_item(item: AgendaItem):
    """Move an item one place up or down (the buttons that work without JavaScript)."""
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    session = get_session()
    convening_id, item_id = item.convening_id, item.id
    try:
        moved = services.move_item(session, actor(), item, form.direction.data)
        session.commit()
    except StaleDataError:
        session.rollback()
        flash(STALE_MESSAGE, "error")
    else:
        if not moved:
            where = "first" if form.direction.data == "up" else "last"
            flash(f"“{item.title}” is already {where}.", "info")
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
    session = get_session()
    convening_id = convening.id
    try:
        changed = services.reorder(session, actor(), convening, item_ids)
        session.commit()
    except (AgendaError, StaleDataError) as error:
        session.rollback()
        message = str(error) if isinstance(error, AgendaError) else STALE_MESSAGE
        if _wants_json():
            return jsonify(error=message), 409
        flash(message, "error")
        return redirect(builder_url(convening_id))
    if _wants_json():
        return jsonify(saved=changed, order=item_ids)
    flash("The new order is saved." if changed else "The order is unchanged.", "success")
    return redirect(builder_url(convening_id))
