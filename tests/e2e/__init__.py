"""Browser journeys, accessibility and HTML validity, against the application as served."""
