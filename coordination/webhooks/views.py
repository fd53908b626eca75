"""Pages for webhook subscriptions and their delivery log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..db import get_session
from ..form_fields import parse_version
from ..models import Convening, WebhookDelivery, WebhookSubscription
from ..pagination import page_number
from ..permissions import Action, guard, load
from ..principal import current_principal, load_principal
from ..view_helpers import run_service
from . import queries, services
from .access import may_receive
from .events import EVENT_TYPES
from .forms import SubscriptionForm

blueprint = Blueprint("webhooks", __name__)


def _list_url(subscription: WebhookSubscription) -> str:
    if subscription.convening_id is None:
        return url_for("webhooks.installation_subscriptions")
    return url_for("webhooks.convening_subscriptions", convening_id=subscription.convening_id)


def _back(subscription: WebhookSubscription):
    """To the list when the button was pressed there, else to the subscription's page."""
    if request.form.get("back") == "list":
        return redirect(_list_url(subscription))
    return redirect(url_for(".show", subscription_id=subscription.id))


def _render_list(
    convening: Convening | None,
    form: SubscriptionForm,
    *,
    subscribed: services.Subscribed | None = None,
    problem: str | None = None,
    status: int = 200,
):
    page = render_template(
        "webhooks/subscriptions.html",
        convening=convening,
        listed=queries.subscriptions(get_session(), convening),
        form=form,
        subscribed=subscribed,
        problem=problem,
        event_types=EVENT_TYPES,
    )
    # The page may carry a secret shown once: no copy is kept along the way.
    return page, status, {"Cache-Control": "no-store"}


def _subscriptions_page(convening: Convening | None):
    form = SubscriptionForm()
    if request.method == "POST" and form.validate_on_submit():
        principal = current_principal()
        outcome = run_service(
            lambda session: services.subscribe(
                session,
                principal,
                convening,
                url=form.url.data or "",
                events=form.events.data or [],
            ),
            form,
        )
        if outcome.ok:
            return _render_list(
                convening, SubscriptionForm(formdata=None), subscribed=outcome.result, status=201
            )
        return _render_list(convening, form, problem=outcome.problem, status=outcome.status)
    return _render_list(convening, form, status=400 if request.method == "POST" else 200)


@blueprint.route("/convenings/<id:convening_id>/webhooks", methods=["GET", "POST"])
@guard(Action.MANAGE_WEBHOOKS, load(Convening, "convening_id", "convening"))
def convening_subscriptions(convening: Convening):
    """A convening's webhook subscriptions; a new one's secret is shown once, here."""
    return _subscriptions_page(convening)


@blueprint.route("/admin/webhooks", methods=["GET", "POST"])
@guard(Action.ADMINISTER)
def installation_subscriptions():
    """Subscriptions to the events of every convening; a new one's secret is shown once."""
    return _subscriptions_page(None)


@blueprint.route("/webhooks/<id:subscription_id>")
@guard(
    Action.MANAGE_WEBHOOK_SUBSCRIPTION,
    load(WebhookSubscription, "subscription_id", "subscription"),
)
def show(subscription: WebhookSubscription):
    """One subscription: its state and its delivery log, newest first."""
    session = get_session()
    page = queries.delivery_log(session, subscription, page_number(request.args.get("page")))
    return render_template(
        "webhooks/show.html",
        subscription=subscription,
        page=page,
        event_types=EVENT_TYPES,
        owner_may_receive=may_receive(load_principal(session, subscription.owner), subscription),
        list_url=_list_url(subscription),
    )


@blueprint.route("/webhooks/<id:subscription_id>/pause", methods=["POST"])
@guard(
    Action.MANAGE_WEBHOOK_SUBSCRIPTION,
    load(WebhookSubscription, "subscription_id", "subscription"),
)
def pause(subscription: WebhookSubscription):
    """Stop sending to the receiver until resumed."""
    principal = current_principal()
    outcome = run_service(
        lambda session: services.pause(session, principal, subscription), flash_refusal=True
    )
    if outcome.ok and outcome.result:
        flash("Paused: nothing is sent until you resume it; events meanwhile wait.", "success")
    return _back(subscription)


@blueprint.route("/webhooks/<id:subscription_id>/resume", methods=["POST"])
@guard(
    Action.MANAGE_WEBHOOK_SUBSCRIPTION,
    load(WebhookSubscription, "subscription_id", "subscription"),
)
def resume(subscription: WebhookSubscription):
    """Send again, starting with what waited while paused."""
    principal = current_principal()
    outcome = run_service(
        lambda session: services.resume(session, principal, subscription), flash_refusal=True
    )
    if outcome.ok and outcome.result:
        flash("Resumed: what waited is sent now.", "success")
    return _back(subscription)


@blueprint.route("/webhooks/<id:subscription_id>/delete", methods=["POST"])
@guard(
    Action.MANAGE_WEBHOOK_SUBSCRIPTION,
    load(WebhookSubscription, "subscription_id", "subscription"),
)
def delete(subscription: WebhookSubscription):
    """Remove the subscription and its delivery log."""
    principal = current_principal()
    back, subscription_id = _list_url(subscription), subscription.id
    outcome = run_service(
        lambda session: services.delete(
            session, principal, subscription, parse_version(request.form.get("version"))
        ),
        flash_refusal=True,
    )
    if not outcome.ok:
        return redirect(url_for(".show", subscription_id=subscription_id))
    flash("The subscription is deleted: nothing more is sent to it.", "success")
    return redirect(back)


@blueprint.route("/webhooks/deliveries/<id:delivery_id>/resend", methods=["POST"])
@guard(
    Action.MANAGE_WEBHOOK_SUBSCRIPTION,
    load(WebhookDelivery, "delivery_id", "delivery", judged_by=lambda d: d.subscription),
)
def resend(delivery: WebhookDelivery):
    """Send one delivery again, with a fresh signature and a fresh round of attempts."""
    principal = current_principal()
    subscription = delivery.subscription
    outcome = run_service(
        lambda session: services.resend(session, principal, delivery), flash_refusal=True
    )
    if outcome.ok:
        flash(
            f"The delivery of {delivery.event.type} is queued to be sent again"
            + (" once the subscription is resumed." if subscription.is_paused else "."),
            "success",
        )
    return redirect(url_for(".show", subscription_id=subscription.id))
