"""The timed agenda: building it, publishing numbered versions, showing each audience its own."""
