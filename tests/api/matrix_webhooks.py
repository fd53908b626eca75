"""Matrix rows of the webhook pages: a convening's organisers manage its subscriptions (the
world's is the organiser's, on the world's convening); administrators manage every one, and
alone the installation-wide ones."""

from __future__ import annotations

from tests.api.roles import ADMIN, ORGANISERS

ROWS = {
    "webhooks.convening_subscriptions": {"GET": ORGANISERS, "POST": ORGANISERS},
    "webhooks.installation_subscriptions": {"GET": ADMIN, "POST": ADMIN},
    "webhooks.show": {"GET": ORGANISERS},
    "webhooks.pause": {"POST": ORGANISERS},
    "webhooks.resume": {"POST": ORGANISERS},
    # Posted without the version its page carries: refused as stale, not as forbidden.
    "webhooks.delete": {"POST": ORGANISERS},
    "webhooks.resend": {"POST": ORGANISERS},
}
