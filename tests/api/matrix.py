"""The API's rows of the permission matrix, gathered from each resource's ``matrix_*`` module.

Each module defines ``ROWS``: endpoint -> {method: roles allowed}. The API is called with a
bearer token of the role's user (anonymous: none), so a refusal is 401, 403 or 404.
"""

from __future__ import annotations

import importlib
import pkgutil

from tests.api import __path__ as _package_path


def api_rows() -> dict[str, dict[str, set[str]]]:
    rows: dict[str, dict[str, set[str]]] = {}
    for module in sorted(pkgutil.iter_modules(_package_path), key=lambda m: m.name):
        if not module.name.startswith("matrix_"):
            continue
        fragment = importlib.import_module(f"tests.api.{module.name}").ROWS
        overlap = rows.keys() & fragment.keys()
        assert not overlap, f"endpoints listed twice: {overlap}"
        rows.update(fragment)
    return rows
