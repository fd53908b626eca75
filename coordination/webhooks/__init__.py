"""Signed webhooks: subscriptions to events, deliveries queued with the change they announce."""
