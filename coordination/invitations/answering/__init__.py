"""Answering an invitation by its link or the focal point's account: the answer, delegates,
more seats, and the mail they send to delegates (within its hourly limits)."""
