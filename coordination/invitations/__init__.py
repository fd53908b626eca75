"""Invitations by organisation, delegations and answers."""
