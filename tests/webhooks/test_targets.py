"""Where deliveries may go: never into the installation's own network, never redirected."""

from __future__ import annotations

import ipaddress
import time

import pytest
from sqlalchemy import func, select

from coordination.models import DeliveryStatus, WebhookSubscription
from coordination.service import InputError
from coordination.webhooks import services
from coordination.webhooks.targets import TargetRefused, is_public, parse
from tests.factories import principal

from .conftest import HOOKS_SETTINGS, signed_in
from .helpers import change_status, deliver, deliveries, subscribe
from .receiver import Receiver

INSIDE = [
    "http://127.0.0.1:{port}/hooks",
    "http://localhost:{port}/hooks",
    "http://[::1]:{port}/hooks",
    "http://2130706433:{port}/hooks",  # 127.0.0.1 written as one number
    "http://0x7f.1:{port}/hooks",
    "http://10.0.0.5/hooks",
    "http://192.168.1.20/hooks",
    "http://172.16.0.1/hooks",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/hooks",
    "http://0.0.0.0:{port}/hooks",
    "http://[fe80::1]/hooks",
    "http://[fd00::1]/hooks",
    "http://[::ffff:127.0.0.1]:{port}/hooks",
    "http://224.0.0.1/hooks",
    "http://240.0.0.1/hooks",
]


@pytest.fixture
def strict_app(make_app):
    """The application as installed: private addresses refused."""
    return make_app(**{**HOOKS_SETTINGS, "WEBHOOK_ALLOW_PRIVATE_TARGETS": False})


def _subscriptions(db) -> int:
    return db.scalar(select(func.count()).select_from(WebhookSubscription))


@pytest.mark.parametrize("url", INSIDE)
def test_subscribing_an_address_inside_the_network_is_refused(strict_app, team, receiver, db, url):
    client = signed_in(strict_app, team.organiser)

    response = subscribe(client, team.convening, url.format(port=receiver.port))

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "only to addresses on the internet" in page or "could not find the host" in page
    assert _subscriptions(db) == 0


def test_address_refused_at_subscription_names_the_address_it_leads_to(strict_app, team, db):
    client = signed_in(strict_app, team.organiser)

    page = subscribe(client, team.convening, "http://localhost:8080/hooks").get_data(as_text=True)

    assert "localhost leads to 127.0.0.1" in page or "localhost leads to ::1" in page


def test_address_inside_the_network_is_allowed_when_configured(hooks_app, team, receiver, db):
    client = signed_in(hooks_app, team.organiser)

    response = subscribe(client, team.convening, receiver.url)

    assert response.status_code == 201
    assert _subscriptions(db) == 1


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.org/hooks", "https://"),
        ("javascript:alert(1)", "https://"),
        ("//example.org/hooks", "https://"),
        ("https://user:secret@example.org/hooks", "no user name or password"),
        ("https://[::1]:99999/", "not a web address"),
        ("https://exa mple.org/", "spaces"),
        ("https://", "host name"),
        ("", "Enter the address"),
    ],
)
def test_malformed_address_is_refused_with_a_reason(app, url, words):
    with pytest.raises(TargetRefused) as refused:
        parse(url, {"ENV": "development"})

    assert words in str(refused.value)


def test_https_is_required_in_production(make_app, team, db):
    production = make_app(**HOOKS_SETTINGS, ENV="production")

    with production.test_request_context(), pytest.raises(InputError) as refused:
        services.subscribe(
            db,
            principal(team.organiser),
            team.convening,
            url="http://hooks.example.org/coordination",
            events=["convening.changed"],
        )

    assert refused.value.errors["url"] == "Use an https:// address."


def test_plain_http_address_is_not_sent_to_in_production(make_app, team, receiver, db):
    # Subscribed before the installation went into production.
    client = signed_in(make_app(**HOOKS_SETTINGS), team.organiser)
    subscribe(client, team.convening, receiver.url)
    change_status(client, team.convening, "published")
    production = make_app(**HOOKS_SETTINGS, ENV="production")

    report = deliver(production)

    (delivery,) = deliveries(db)
    assert report.failed == 1
    assert receiver.received == []
    assert delivery.last_error == "Not sent: Use an https:// address."


def test_address_that_leads_inside_the_network_later_is_not_sent_to(
    hooks_app, strict_app, team, receiver, db
):
    # As when a name's DNS answer changes after subscribing: checked again before sending.
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, f"http://localhost:{receiver.port}/hooks")
    change_status(client, team.convening, "published")

    report = deliver(strict_app)

    (delivery,) = deliveries(db)
    assert report.failed == 1
    assert receiver.received == []
    assert delivery.status == DeliveryStatus.PENDING
    assert "localhost leads to" in delivery.last_error
    assert "private, local or reserved" in delivery.last_error


def test_redirect_is_not_followed_and_counts_as_a_failure(hooks_app, team, receiver, db):
    elsewhere = Receiver().start()
    try:
        receiver.answer(("redirect", elsewhere.url))
        client = signed_in(hooks_app, team.organiser)
        subscribe(client, team.convening, receiver.url)
        change_status(client, team.convening, "published")

        report = deliver(hooks_app)
    finally:
        elsewhere.stop()

    (delivery,) = deliveries(db)
    assert report.failed == 1
    assert len(receiver.received) == 1
    assert elsewhere.received == []
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.response_status == 302
    assert "redirects are not followed" in delivery.last_error


def test_receiver_that_never_answers_is_cut_off_at_the_timeout(make_app, team, receiver, db):
    app = make_app(**{**HOOKS_SETTINGS, "WEBHOOK_TIMEOUT_SECONDS": 1})
    receiver.answer("hang")
    client = signed_in(app, team.organiser)
    subscribe(client, team.convening, receiver.url)
    change_status(client, team.convening, "published")

    started = time.monotonic()
    report = deliver(app)
    took = time.monotonic() - started

    (delivery,) = deliveries(db)
    assert report.failed == 1
    assert took < 3
    assert delivery.last_error == "No answer within 1 seconds."


def test_receiver_not_listening_is_a_failure_to_retry(hooks_app, team, db):
    from tests.mail.helpers import closed_port

    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, f"http://127.0.0.1:{closed_port()}/hooks")
    change_status(client, team.convening, "published")

    report = deliver(hooks_app)

    (delivery,) = deliveries(db)
    assert report.failed == 1
    assert delivery.status == DeliveryStatus.PENDING
    assert "refused the connection" in delivery.last_error


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("fe80::1", False),
        ("ff02::1", False),
        ("192.0.2.1", False),
    ],
)
def test_only_addresses_on_the_internet_are_public(address, public):
    assert is_public(ipaddress.ip_address(address)) is public
