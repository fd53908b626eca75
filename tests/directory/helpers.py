"""Helpers shared by the directory tests."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from coordination.models import Organisation


def upload(client, content: bytes | str, filename: str = "organisations.csv"):
    """Post a file to the import's preview step."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        "/directory/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def payload_of(response) -> str:
    """The signed file carried by a preview's confirmation form."""
    match = re.search(
        r'name="payload" type="hidden" value="([^"]+)"', response.get_data(as_text=True)
    )
    assert match, "the preview offers no confirmation"
    return match.group(1)


def form_values(**overrides):
    values = {
        "name": "Acme Studios",
        "kind": "company",
        "country": "US",
        "sectors": "Film, Television",
        "website": "https://acme.example",
        "notes": "Met at the Los Angeles meeting.",
    }
    values.update(overrides)
    return values


def organisation_count(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Organisation))


def text_of(response) -> str:
    return response.get_data(as_text=True)
