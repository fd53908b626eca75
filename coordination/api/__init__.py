"""The JSON API under /api/v1: bearer tokens, OpenAPI 3.1, the same rules and services as the
pages. Each domain's ``api.py`` registers its operations on this package's blueprint."""
