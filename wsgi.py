"""Entry point for WSGI servers: gunicorn wsgi:app."""

from coordination import create_app

app = create_app()
