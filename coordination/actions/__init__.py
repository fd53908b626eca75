"""Action items agreed at convenings: ownership, updates, tracking and reminders."""
