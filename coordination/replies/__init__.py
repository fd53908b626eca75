"""Calendar replies: addresses unique to each calendar request, and the LMTP receiver that
applies an Accept, Tentative or Decline through the same services as the answer page."""
