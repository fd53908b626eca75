"""Calendar files (iCalendar) for convenings, invitations and feeds."""
