"""The served description covers every API operation and is what the validation enforces."""

from __future__ import annotations

from coordination.api.blueprint import OPEN_ENDPOINTS
from coordination.api.openapi import PREFIX


def test_description_is_openapi_3_1_and_public(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_description_lists_every_api_route_and_method(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    described = {
        (entry["operationId"])
        for methods in document["paths"].values()
        for entry in methods.values()
    }
    routes = {
        rule.endpoint.replace(".", "_") + "_" + method.lower()
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX) and rule.endpoint not in OPEN_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }

    assert routes - described == set()
    assert described - routes == set()


def test_description_of_a_body_forbids_what_validation_refuses(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]

    create = schemas["ConveningCreate"]

    assert create["additionalProperties"] is False
    assert set(create["required"]) == {
        "title",
        "timezone",
        "starts_local",
        "ends_local",
        "sensitivity",
    }


def test_reference_page_lists_each_operation(client):
    page = client.get("/api/v1/reference").get_data(as_text=True)

    assert "GET /api/v1/convenings" in page
    assert "PATCH /api/v1/convenings/{convening_id}" in page
    assert 'id="schema-ConveningOut"' in page


def test_unknown_api_address_answers_a_problem(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


def test_api_error_before_routing_answers_a_problem(make, api_as):
    response = api_as(make.user()).get("/api/v1/convenings?status=%00")

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "NUL" in response.get_json()["detail"]


def test_query_days_and_instants_are_refused_as_bare_numbers(make, api_as):
    organiser = make.user()
    make.convening(organisers=(organiser,))
    api = api_as(organiser)

    answers = [
        api.get("/api/v1/actions?due_before=0"),
        api.get("/api/v1/actions?due_after=20270302"),
        api.get("/api/v1/convenings?starts_after=0.5"),
    ]

    assert [answer.status_code for answer in answers] == [422, 422, 422]
    assert api.get("/api/v1/actions?due_before=2027-03-02").status_code == 200
