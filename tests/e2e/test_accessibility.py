"""axe-core finds no WCAG 2.1 A or AA violation on any main page, as its user sees it."""

from __future__ import annotations

import pytest

from .checkers import assert_accessible
from .pages import PAGE_PARAMS, visit

pytestmark = pytest.mark.shared_world


@pytest.mark.parametrize("spec", PAGE_PARAMS)
def test_page_has_no_accessibility_violations(page_as, shared_world, spec):
    page = page_as(spec.role)

    visit(page, spec, shared_world)

    assert_accessible(page)
