"""Views of the agenda builder: items added, edited, duplicated, deleted, reordered; publishing."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm.exc import StaleDataError

from ..auth import current_actor as actor
from ..db import get_session
from ..form_fields import parse_version
from ..models import AgendaItem, Convening
from ..permissions import Action, guard, load
from ..view_helpers import attach_errors
from . import queries, services, versions
from .forms import AnchorForm, ItemForm, ItemVersionForm, PublishForm
from .presenters import clocks, live_audience_label, presenters_text
from .services import STALE_MESSAGE, AgendaError, StaleItemError
from .timing import compute, minutes_text
from .validation import resolve

blueprint = Blueprint("agenda", __name__)


def item_convening(item: AgendaItem) -> Convening:
    return item.convening


def builder_url(convening_id: int, item_id: int | None = None) -> str:
    anchor = f"item-{item_id}" if item_id else None
    return url_for("agenda.builder", convening_id=convening_id, _anchor=anchor)


def _prepare(form: ItemForm, convening: Convening, item: AgendaItem | None = None) -> None:
    """Offer the invited organisations and confirmed delegates (and what the item has)."""
    session = get_session()
    organisations = {o.id: o.name for o in queries.invited_organisations(session, convening)}
    delegates = {
        d.id: f"{d.name} ({d.invitation.organisation.name})"
        for d in queries.confirmed_delegates(session, convening)
    }
    if item is not None:
        for presenter in item.presenters:
            if presenter.organisation is not None:
                organisations.setdefault(presenter.organisation_id, presenter.organisation.name)
            if presenter.delegate is not None:
                delegates.setdefault(presenter.delegate_id, presenter.delegate.name)
        for link in item.audience.organisation_links:
            organisations.setdefault(link.organisation_id, link.organisation.name)
    organisation_choices = sorted(
        ((str(key), name) for key, name in organisations.items()), key=lambda pair: pair[1]
    )
    presenter_choices = organisation_choices
    host = convening.host_organisation
    if host is not None and host.id not in organisations:
        # The host presents at its own convening without inviting itself.
        presenter_choices = sorted(
            [*organisation_choices, (str(host.id), host.name)], key=lambda pair: pair[1]
        )
    form.presenter_organisations.choices = presenter_choices
    form.audience_organisations.choices = organisation_choices
    form.presenter_delegates.choices = [(str(key), name) for key, name in delegates.items()]


def _check_the_rest(form: ItemForm, convening: Convening, item: AgendaItem | None) -> None:
    """With some fields refused already, show every other problem too, all at once."""
    try:
        resolve(get_session(), convening, form.to_input(), item)
    except AgendaError as error:
        others = {
            name: message
            for name, message in error.errors.items()
            if name not in form._fields or not form[name].errors
        }
        attach_errors(form, others)


def _render_form(form, convening, item, problem, before=None, after=None, refused=False):
    code = 400 if request.method == "POST" or refused else 200
    return render_template(
        "agenda/item_form.html",
        form=form,
        convening=convening,
        item=item,
        problem=problem,
        before=before,
        after=after,
    ), code


@blueprint.route("/convenings/<id:convening_id>/agenda/builder")
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def builder(convening: Convening):
    """The draft agenda with its running clock, warnings and every way to change it."""
    return render_builder(convening)


def render_builder(convening: Convening, code: int = 200):
    """The builder page; also shown again (400) when a change sent from it is refused."""
    session = get_session()
    items = queries.draft_items(session, convening)
    schedule = compute(items, convening.starts_at, convening.ends_at, convening.timezone)
    times = clocks(((e.starts_at, e.ends_at) for e in schedule.items), convening.timezone)
    rows = [
        {
            "entry": entry,
            "item": entry.item,
            "clock": clock,
            "presenters": presenters_text(entry.item),
            "audience": live_audience_label(entry.item.audience),
            "warnings": schedule.warnings_for(entry.item.id),
            "gap": minutes_text(entry.gap_before) if entry.gap_before else None,
        }
        for entry, clock in zip(schedule.items, times, strict=True)
    ]
    latest = queries.latest_version(session, convening)
    unpublished = bool(items or latest) and (
        latest is None or latest.items != versions.snapshot_items(items, convening)
    )
    return render_template(
        "agenda/builder.html",
        convening=convening,
        rows=rows,
        schedule=schedule,
        latest=latest,
        unpublished=unpublished,
        publish_form=PublishForm(),
        order=",".join(str(item.id) for item in items),
    ), code


@blueprint.route("/convenings/<id:convening_id>/agenda/items/new", methods=["GET", "POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def create_item(convening: Convening):
    """Add an item at the end, or before or after another."""
    form = ItemForm()
    _prepare(form, convening)
    anchors = AnchorForm(formdata=request.values)
    anchors.validate()
    before, after = anchors.before.data, anchors.after.data
    # An unreadable place refuses the item, rather than adding it somewhere else.
    problem = anchors.problem()
    if form.validate_on_submit() and problem is None:
        session = get_session()
        convening_id = convening.id
        try:
            item = services.create_item(
                session, actor(), convening, form.to_input(), before_id=before, after_id=after
            )
            session.commit()
        except AgendaError as error:
            session.rollback()
            problem = attach_errors(form, error.errors)
        else:
            flash(f"“{item.title}” is added to the draft agenda.", "success")
            return redirect(builder_url(convening_id, item.id))
    elif form.is_submitted():
        _check_the_rest(form, convening, None)
    return _render_form(form, convening, None, problem, before, after, refused=bool(anchors.errors))


@blueprint.route("/agenda/items/<id:item_id>/edit", methods=["GET", "POST"])
@guard(Action.EDIT_CONVENING, load(AgendaItem, "item_id", "item", judged_by=item_convening))
def edit_item(item: AgendaItem):
    """Edit an item of the draft; a fixed start is entered in the convening's zone."""
    convening = item.convening
    form = ItemForm()
    _prepare(form, convening, item)
    if request.method == "GET":
        form.fill_from(services.input_from(item))
        form.version.data = str(item.version)
    problem = None
    if form.validate_on_submit():
        session = get_session()
        convening_id, item_id = convening.id, item.id
        try:
            changes = services.update_item(
                session, actor(), item, form.to_input(), parse_version(form.version.data)
            )
            session.commit()
        except (StaleItemError, StaleDataError):
            session.rollback()
            problem = STALE_MESSAGE
        except AgendaError as error:
            session.rollback()
            problem = attach_errors(form, error.errors)
        else:
            flash("Changes saved." if changes else "Nothing was changed.", "success")
            return redirect(builder_url(convening_id, item_id))
    elif form.is_submitted():
        _check_the_rest(form, convening, item)
    return _render_form(form, convening, item, problem)


@blueprint.route("/agenda/items/<id:item_id>/duplicate", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(AgendaItem, "item_id", "item", judged_by=item_convening))
def duplicate_item(item: AgendaItem):
    """Copy an item just after itself."""
    session = get_session()
    convening_id = item.convening_id
    copy = services.duplicate_item(session, actor(), item)
    session.commit()
    flash(f"“{copy.title}” is duplicated; the copy follows the original.", "success")
    return redirect(builder_url(convening_id, copy.id))


@blueprint.route("/agenda/items/<id:item_id>/delete", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(AgendaItem, "item_id", "item", judged_by=item_convening))
def delete_item(item: AgendaItem):
    """Remove an item from the draft (published versions keep theirs)."""
    form = ItemVersionForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    convening_id, title = item.convening_id, item.title
    try:
        services.delete_item(session, actor(), item, parse_version(form.version.data))
        session.commit()
    except (StaleItemError, StaleDataError):
        session.rollback()
        flash(STALE_MESSAGE, "error")
    else:
        flash(f"“{title}” is deleted from the draft agenda.", "success")
    return redirect(builder_url(convening_id))


@blueprint.route("/convenings/<id:convening_id>/agenda/publish", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def publish(convening: Convening):
    """Freeze the draft as the next version; optionally email a summary to everyone invited."""
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    convening_id = convening.id
    try:
        version = versions.publish(session, actor(), convening, notify=form.notify.data)
        session.commit()
    except (AgendaError, StaleDataError) as error:
        session.rollback()
        flash(str(error) if isinstance(error, AgendaError) else STALE_MESSAGE, "error")
        return redirect(builder_url(convening_id))
    told = " Everyone invited is being told what changed." if version.notified_at else ""
    flash(f"Version {version.number} of the agenda is published.{told}", "success")
    return redirect(url_for("agenda.history", convening_id=convening_id))


# Reordering, and the pages for everyone who may see the convening, on the same blueprint.
from . import order_views, page_views  # noqa: E402, F401
