"""The team's management of a convening's invitations: inviting, sending, reminders,
withdrawal, links and change notices."""
