"""The webhook pages: subscribing, the delivery log, pausing, resuming, deleting, resending."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from coordination.models import (
    AuditEvent,
    DeliveryStatus,
    WebhookDelivery,
    WebhookSubscription,
)

from .conftest import signed_in
from .helpers import (
    change_status,
    deliver,
    deliveries,
    issued_secret,
    payload,
    subscribe,
    subscription_row,
)


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def _only_subscription(db) -> WebhookSubscription:
    db.expire_all()
    return db.scalars(select(WebhookSubscription)).one()


def test_subscribing_without_an_address_or_events_shows_both_problems(hooks_app, team, db):
    client = signed_in(hooks_app, team.organiser)

    response = client.post(f"/convenings/{team.convening.id}/webhooks", data={"url": ""})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the address that receives the events." in page
    assert "Choose at least one event to send." in page
    assert issued_secret(response) is None
    assert _count(db, WebhookSubscription) == 0


def test_subscribing_to_an_unknown_event_is_refused(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)

    response = subscribe(client, team.convening, receiver.url, ["convening.changed", "user.*"])

    assert response.status_code == 400
    assert "Choose events from the list." in response.get_data(as_text=True)
    assert _count(db, WebhookSubscription) == 0


def test_subscription_records_its_owner_events_and_an_audit_event(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)

    subscribe(client, team.convening, receiver.url, ["convening.cancelled", "action.created"])

    subscription = _only_subscription(db)
    assert subscription.owner_id == team.organiser.id
    assert subscription.convening_id == team.convening.id
    # Kept in the order the form lists them.
    assert subscription.events == ["action.created", "convening.cancelled"]
    audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "webhook.subscribed")).one()
    assert audit.changes == {"url": receiver.url, "events": "action.created, convening.cancelled"}
    assert subscription.secret not in str(audit.changes)


def test_subscribing_needs_the_form_token_when_tokens_are_checked(make_app, team, receiver, db):
    from .conftest import HOOKS_SETTINGS

    app = make_app(**HOOKS_SETTINGS, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    sign_in_page = client.get("/account/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', sign_in_page).group(1)
    client.post(
        "/account/sign-in",
        data={
            "email": team.organiser.email,
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    path = f"/convenings/{team.convening.id}/webhooks"
    form_token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', client.get(path).get_data(as_text=True)
    ).group(1)
    data = {"url": receiver.url, "events": ["convening.changed"]}

    forged = client.post(path, data=data)
    genuine = client.post(path, data={**data, "csrf_token": form_token})

    assert forged.status_code == 400
    assert "form has expired" in forged.get_data(as_text=True)
    assert genuine.status_code == 201
    assert _count(db, WebhookSubscription) == 1


def test_convening_page_links_to_its_webhooks_for_organisers_only(hooks_app, team):
    path = f"/convenings/{team.convening.id}"
    link = f'href="/convenings/{team.convening.id}/webhooks"'

    as_organiser = signed_in(hooks_app, team.organiser).get(path).get_data(as_text=True)
    as_coordinator = signed_in(hooks_app, team.coordinator).get(path).get_data(as_text=True)

    assert link in as_organiser
    assert link not in as_coordinator


def test_administration_links_to_the_installation_wide_webhooks(hooks_app, team):
    page = signed_in(hooks_app, team.admin).get("/admin/webhooks").get_data(as_text=True)

    assert '<a href="/admin/webhooks" aria-current="page">Webhooks</a>' in page


def test_installation_wide_subscription_is_not_shown_to_organisers(hooks_app, team, receiver, db):
    subscribe(signed_in(hooks_app, team.admin), None, receiver.url)
    subscription = _only_subscription(db)
    client = signed_in(hooks_app, team.organiser)

    shown = client.get(f"/webhooks/{subscription.id}")
    paused = client.post(f"/webhooks/{subscription.id}/pause")

    assert shown.status_code == 404
    assert paused.status_code == 404
    assert subscription_row(db, subscription.id).paused_at is None


def test_another_organiser_sees_the_log_and_manages_the_subscription(hooks_app, team, receiver, db):
    subscribe(signed_in(hooks_app, team.organiser), team.convening, receiver.url)
    subscription = _only_subscription(db)
    client = signed_in(hooks_app, team.other_organiser)

    listed = client.get(f"/convenings/{team.convening.id}/webhooks").get_data(as_text=True)
    paused = client.post(f"/webhooks/{subscription.id}/pause")

    assert receiver.url in listed
    assert "Olivia Organiser" in listed
    assert paused.status_code == 302
    assert subscription_row(db, subscription.id).paused_at is not None


def test_paused_by_hand_nothing_is_sent_until_resumed(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    subscription = _only_subscription(db)

    client.post(f"/webhooks/{subscription.id}/pause")
    change_status(client, team.convening, "published")
    while_paused = deliver(hooks_app)
    page = client.get(f"/webhooks/{subscription.id}").get_data(as_text=True)
    client.post(f"/webhooks/{subscription.id}/resume")
    resumed = deliver(hooks_app)

    assert while_paused.delivered == 0
    assert "Paused by hand." in page
    assert "When resumed" in page
    assert resumed.delivered == 1
    assert len(receiver.wait_for(1)) == 1


def test_delivery_log_shows_how_each_delivery_went(hooks_app, team, receiver, db):
    receiver.answer(500)
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    change_status(client, team.convening, "published")
    deliver(hooks_app)
    (delivery,) = deliveries(db)

    page = client.get(f"/webhooks/{delivery.subscription_id}").get_data(as_text=True)

    assert "convening.changed" in page
    assert "Waiting to be sent" in page
    assert "<td>500</td>" in page
    assert "The receiver answered 500 Internal Server Error: receiver broke" in page
    assert delivery.public_id in page
    assert f"/webhooks/deliveries/{delivery.id}/resend" in page


def test_resending_a_delivered_event_sends_it_again_with_the_same_ids(
    hooks_app, team, receiver, db
):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    change_status(client, team.convening, "published")
    deliver(hooks_app)
    (delivery,) = deliveries(db)

    resent = client.post(f"/webhooks/deliveries/{delivery.id}/resend")
    (queued,) = deliveries(db)
    deliver(hooks_app)

    first, again = receiver.wait_for(2)
    assert resent.status_code == 302
    assert queued.status == DeliveryStatus.PENDING
    assert queued.attempts == 0
    assert payload(again)["id"] == payload(first)["id"]
    assert again.headers["Coordination-Delivery"] == first.headers["Coordination-Delivery"]
    assert deliveries(db)[0].status == DeliveryStatus.DELIVERED


def test_resending_a_delivery_that_gave_up_gives_it_a_fresh_round(make_app, team, receiver, db):
    from .conftest import HOOKS_SETTINGS

    app = make_app(**{**HOOKS_SETTINGS, "WEBHOOK_MAX_ATTEMPTS": 1})
    receiver.answer(500)
    client = signed_in(app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    change_status(client, team.convening, "published")
    deliver(app)
    assert deliveries(db)[0].status == DeliveryStatus.FAILED

    client.post(f"/webhooks/deliveries/{deliveries(db)[0].id}/resend")
    report = deliver(app)

    assert report.delivered == 1
    assert deliveries(db)[0].status == DeliveryStatus.DELIVERED


def test_deleting_removes_the_subscription_and_its_log(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    change_status(client, team.convening, "published")
    subscription = _only_subscription(db)

    stale = client.post(f"/webhooks/{subscription.id}/delete", data={"version": "99"})
    kept = _count(db, WebhookSubscription)
    deleted = client.post(
        f"/webhooks/{subscription.id}/delete", data={"version": str(subscription.version)}
    )
    deliver(hooks_app)

    assert stale.status_code == 302
    assert kept == 1
    assert deleted.headers["Location"].endswith(f"/convenings/{team.convening.id}/webhooks")
    assert _count(db, WebhookSubscription) == 0
    assert _count(db, WebhookDelivery) == 0
    assert receiver.received == []


def test_pausing_and_resuming_from_the_list_returns_to_the_list(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    subscription = _only_subscription(db)
    list_path = f"/convenings/{team.convening.id}/webhooks"

    paused = client.post(f"/webhooks/{subscription.id}/pause", data={"back": "list"})
    listed = client.get(list_path).get_data(as_text=True)
    resumed = client.post(f"/webhooks/{subscription.id}/resume", data={"back": "list"})

    assert paused.headers["Location"] == list_path
    assert "Paused" in listed
    assert f'action="/webhooks/{subscription.id}/resume"' in listed
    assert resumed.headers["Location"] == list_path
    assert subscription_row(db, subscription.id).paused_at is None


def _more_deliveries(db, subscription: WebhookSubscription, count: int) -> None:
    from coordination.models import WebhookEvent, utcnow
    from coordination.webhooks.events import body_of, new_public_id

    for _ in range(count):
        event = WebhookEvent(
            public_id=new_public_id("evt"),
            type="convening.changed",
            occurred_at=utcnow(),
            convening_id=subscription.convening_id,
            object_type="Convening",
            object_id=subscription.convening_id,
        )
        db.add(event)
        db.add(
            WebhookDelivery(
                public_id=new_public_id("dlv"),
                subscription=subscription,
                event=event,
                body=body_of(event, "convening", {"id": subscription.convening_id}),
            )
        )
    db.commit()


def test_pages_query_count_does_not_grow_with_deliveries(app, team, db, count_queries):
    from .helpers import subscription_with_delivery

    subscription, _delivery = subscription_with_delivery(db, team.convening, team.organiser)
    subscription_with_delivery(db, team.convening, team.other_organiser)
    client = signed_in(app, team.organiser)
    pages = [f"/convenings/{team.convening.id}/webhooks", f"/webhooks/{subscription.id}"]

    def counts() -> list[int]:
        found = []
        for path in pages:
            with count_queries() as counted:
                assert client.get(path).status_code == 200
            found.append(counted.count)
        return found

    few = counts()
    _more_deliveries(db, subscription, 30)
    many = counts()

    assert many == few
