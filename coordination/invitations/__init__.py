"""Invitations by organisation, delegations and answers.

Three parts, by who uses them: ``manage`` (the team inviting, sending, reminding,
withdrawing, issuing links and telling of changes), ``answering`` (the focal point's link and
answer page: the answer, delegates, seats and the mail they send) and ``board`` (the team's
RSVP board, attendee list and check-in). What they share is here: the blueprint, the links
and the rule of who may answer.
"""
