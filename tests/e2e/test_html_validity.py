"""The Nu Html Checker finds no error in any main page, exactly as the server sent it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from .checkers import describe_html_errors, validate_html
from .pages import PAGE_PARAMS, PAGES, visit

pytestmark = pytest.mark.shared_world


@dataclass
class Checked:
    status: int
    path: Path
    errors: list[dict]


@pytest.fixture(scope="module")
def checked_pages(role_pages, shared_world, tmp_path_factory) -> dict[str, Checked]:
    """Every page fetched as its user would, then checked in one run of the (slow) JVM."""
    folder = tmp_path_factory.mktemp("html")
    fetched: dict[str, tuple[int, Path]] = {}
    for spec in PAGES:
        tab = role_pages(spec.role)
        if spec.action is None and spec.before is None:
            # The bytes the server sent, through the tab's cookies, without rendering them.
            response = tab.context.request.get(spec.path(shared_world), max_redirects=0)
            status, body = response.status, response.text()
        else:
            response = visit(tab, spec, shared_world)
            status, body = response.status, response.text()
        path = folder / f"{spec.name}.html"
        path.write_text(body, encoding="utf-8")
        fetched[spec.name] = (status, path)
    errors = validate_html([path for _status, path in fetched.values()])
    return {
        name: Checked(status, path, errors[path.resolve()])
        for name, (status, path) in fetched.items()
    }


@pytest.mark.parametrize("spec", PAGE_PARAMS)
def test_page_is_valid_html(checked_pages, spec):
    checked = checked_pages[spec.name]

    assert checked.status == spec.status, f"{spec.name} answered {checked.status}"
    if checked.errors:
        report = describe_html_errors(checked.path, checked.errors)
        pytest.fail(f"Nu Html Checker errors in {spec.name}:\n{report}", pytrace=False)
