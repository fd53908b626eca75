"""Checkers nobody on the team wrote: axe-core for accessibility, the Nu Html Checker for markup."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Page

from .servers import PROJECT_ROOT

AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MISSING_TOOLS = "run `npm ci --ignore-scripts` (make install-test) to install axe-core and vnu-jar"


@cache
def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"{AXE_SCRIPT} is missing: {MISSING_TOOLS}")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as displayed; answer its WCAG 2.1 A/AA violations.

    The script goes in through the DevTools protocol, which the page's Content Security
    Policy (script-src 'self') does not govern, so the page is checked exactly as served.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    return result["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    if violations:
        pytest.fail(f"axe found on {page.url}:\n{describe_violations(violations)}", pytrace=False)


def java() -> str:
    found = shutil.which("java")
    if found is None:
        raise AssertionError("java is not installed: the Nu Html Checker needs it")
    return found


def validate_html(files: list[Path]) -> dict[Path, list[dict]]:
    """Run the Nu Html Checker once over all the files; answer the errors of each."""
    if not VNU_JAR.exists():
        raise AssertionError(f"{VNU_JAR} is missing: {MISSING_TOOLS}")
    result = subprocess.run(
        [java(), "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stderr.strip() or result.stdout.strip()
    try:
        messages = json.loads(output)["messages"]
    except (ValueError, KeyError) as error:
        raise AssertionError(f"the Nu Html Checker gave no report:\n{output[:2000]}") from error
    by_file: dict[Path, list[dict]] = {path.resolve(): [] for path in files}
    for message in messages:
        url = message.get("url", "")
        path = Path(url.removeprefix("file:")).resolve() if url else None
        if message.get("type") == "non-document-error" or path not in by_file:
            raise AssertionError(f"the Nu Html Checker could not check: {message}")
        by_file[path].append(message)
    return by_file


def describe_html_errors(path: Path, errors: list[dict]) -> str:
    lines = []
    source = path.read_text(encoding="utf-8").splitlines()
    for error in errors:
        line = error.get("lastLine") or error.get("firstLine") or 0
        context = source[line - 1].strip()[:160] if 0 < line <= len(source) else ""
        lines.append(f"{path.name}:{line}: {error.get('message')}\n    {context}")
    return "\n".join(lines)
