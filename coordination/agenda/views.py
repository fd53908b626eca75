"""Views of the agenda builder: the page, items added, edited, duplicated, deleted; publishing.

Reordering is in ``order_views``, the pages everyone who sees the convening reads in
``page_views``; all register on the blueprint of ``blueprint``.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ..db import get_session
from ..form_fields import parse_version
from ..models import AgendaItem, Convening
from ..permissions import Action, guard, load
from ..principal import current_principal
from ..view_helpers import check_the_rest, run_service
from . import queries, services, versions
from .blueprint import blueprint
from .forms import AnchorForm, ItemForm, ItemVersionForm, PublishForm
from .validation import resolve
from .view_helpers import builder_url, item_convening, render_builder


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
    check_the_rest(form, lambda session: resolve(session, convening, form.to_input(), item))


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
        convening_id = convening.id
        outcome = run_service(
            lambda session: services.create_item(
                session,
                current_principal(),
                convening,
                form.to_input(),
                before_id=before,
                after_id=after,
            ),
            form,
        )
        if outcome.ok:
            item = outcome.result
            flash(f"“{item.title}” is added to the draft agenda.", "success")
            return redirect(builder_url(convening_id, item.id))
        problem = outcome.problem
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
        convening_id, item_id = convening.id, item.id
        outcome = run_service(
            lambda session: services.update_item(
                session,
                current_principal(),
                item,
                form.to_input(),
                parse_version(form.version.data),
            ),
            form,
        )
        if outcome.ok:
            flash("Changes saved." if outcome.result else "Nothing was changed.", "success")
            return redirect(builder_url(convening_id, item_id))
        problem = outcome.problem
    elif form.is_submitted():
        _check_the_rest(form, convening, item)
    return _render_form(form, convening, item, problem)


@blueprint.route("/agenda/items/<id:item_id>/duplicate", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(AgendaItem, "item_id", "item", judged_by=item_convening))
def duplicate_item(item: AgendaItem):
    """Copy an item just after itself."""
    convening_id = item.convening_id
    outcome = run_service(
        lambda session: services.duplicate_item(session, current_principal(), item),
        flash_refusal=True,
    )
    if not outcome.ok:
        return redirect(builder_url(convening_id))
    copy = outcome.result
    flash(f"“{copy.title}” is duplicated; the copy follows the original.", "success")
    return redirect(builder_url(convening_id, copy.id))


@blueprint.route("/agenda/items/<id:item_id>/delete", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(AgendaItem, "item_id", "item", judged_by=item_convening))
def delete_item(item: AgendaItem):
    """Remove an item from the draft (published versions keep theirs)."""
    form = ItemVersionForm()
    if not form.validate_on_submit():
        abort(400)
    convening_id, title = item.convening_id, item.title
    outcome = run_service(
        lambda session: services.delete_item(
            session, current_principal(), item, parse_version(form.version.data)
        ),
        flash_refusal=True,
    )
    if outcome.ok:
        flash(f"“{title}” is deleted from the draft agenda.", "success")
    return redirect(builder_url(convening_id))


@blueprint.route("/convenings/<id:convening_id>/agenda/publish", methods=["POST"])
@guard(Action.EDIT_CONVENING, load(Convening, "convening_id", "convening"))
def publish(convening: Convening):
    """Freeze the draft as the next version; optionally email a summary to everyone invited."""
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    convening_id = convening.id
    outcome = run_service(
        lambda session: versions.publish(
            session, current_principal(), convening, notify=form.notify.data
        ),
        flash_refusal=True,
    )
    if not outcome.ok:
        return redirect(builder_url(convening_id))
    version = outcome.result
    told = " Everyone invited is being told what changed." if version.notified_at else ""
    flash(f"Version {version.number} of the agenda is published.{told}", "success")
    return redirect(url_for("agenda.history", convening_id=convening_id))
