"""Minutes: the team's notes and decisions, kept against agenda items, shared when published."""
