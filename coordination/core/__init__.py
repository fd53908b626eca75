"""Pages that belong to no single domain: the dashboard and the health check."""
