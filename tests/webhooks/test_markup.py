"""The webhook pages, exactly as served, pass the Nu Html Checker."""

from __future__ import annotations

import pytest

from tests.e2e.checkers import VNU_JAR, describe_html_errors, validate_html

from .conftest import signed_in
from .helpers import change_status, deliver, deliveries, subscribe

pytestmark = pytest.mark.skipif(not VNU_JAR.exists(), reason="the Nu Html Checker is not installed")


def test_webhook_pages_are_valid_html(hooks_app, team, receiver, db, tmp_path):
    receiver.answer(500)
    organiser = signed_in(hooks_app, team.organiser)
    admin = signed_in(hooks_app, team.admin)
    list_path = f"/convenings/{team.convening.id}/webhooks"
    pages = {"empty-list": organiser.get(list_path)}
    pages["refused"] = organiser.post(list_path, data={"url": "ftp://example.org"})
    pages["subscribed"] = subscribe(organiser, team.convening, receiver.url)
    change_status(organiser, team.convening, "published")
    deliver(hooks_app)
    subscription_id = deliveries(db)[0].subscription_id
    pages["list"] = organiser.get(list_path)
    pages["log"] = organiser.get(f"/webhooks/{subscription_id}")
    organiser.post(f"/webhooks/{subscription_id}/pause")
    pages["log-paused"] = organiser.get(f"/webhooks/{subscription_id}")
    pages["installation"] = admin.get("/admin/webhooks")
    pages["installation-subscribed"] = subscribe(admin, None, receiver.url)

    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 201, 400), name
        path = tmp_path / f"{name}.html"
        path.write_text(response.get_data(as_text=True), encoding="utf-8")
        files.append(path)
    errors = validate_html(files)

    found = {path.stem: describe_html_errors(path, errors[path.resolve()]) for path in files}
    assert {name: report for name, report in found.items() if report} == {}
