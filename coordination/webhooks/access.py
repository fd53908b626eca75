"""Who may subscribe to webhooks and read their deliveries."""

from __future__ import annotations
