"""Signing a delivery so its receiver can tell it came from us, unchanged and recently.

The header is ``Coordination-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`` over
``f"{t}.{raw body}"`` under the subscription's secret (its UTF-8 text, prefix included), as
Stripe signs its webhooks. The time inside the signed text lets a receiver refuse an old
delivery replayed by whoever captured it; the delivery id lets it drop a copy.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Coordination-Signature"
EVENT_HEADER = "Coordination-Event"
DELIVERY_HEADER = "Coordination-Delivery"
SECRET_PREFIX = "whsec_"  # noqa: S105  (a marker, not a secret)


def new_secret() -> str:
    """A signing secret of 256 random bits."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The Coordination-Signature header's value for this body sent at ``timestamp``."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
