"""The roles of the permission matrix, shared by its API fragments."""

from __future__ import annotations

ROLES = ("anonymous", "outsider", "participant", "coordinator", "organiser", "admin")

EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
MEMBERS = {"participant", "coordinator", "organiser", "admin"}
TEAM = {"coordinator", "organiser", "admin"}
ORGANISERS = {"organiser", "admin"}
ADMIN = {"admin"}
# The world's participant is the focal point of their organisation's invitation.
ANSWERERS = {"participant", "organiser", "admin"}
