"""The team's view of the answers: the RSVP board, the attendee list and check-in on the day."""
