"""Convenings through the API: what each role sees and may change."""

from __future__ import annotations

from coordination.models import Convening, ConveningStatus


def _create_body(**changes):
    body = {
        "title": "Madison Valleywood follow-up",
        "timezone": "America/New_York",
        "starts_local": "2027-03-02T09:00:00",
        "ends_local": "2027-03-02T13:00:00",
        "sensitivity": "Official",
    }
    body.update(changes)
    return body


def test_convening_list_shows_only_what_the_owner_sees(make, api_as):
    organiser = make.user()
    company = make.organisation()
    participant = make.participant(company)
    invited = make.convening("Invited", organisers=(organiser,))
    make.invitation(invited, company)
    make.convening("Draft", status=ConveningStatus.DRAFT, organisers=(organiser,))
    make.convening("Elsewhere")

    as_organiser = api_as(organiser).get("/api/v1/convenings").get_json()
    as_participant = api_as(participant).get("/api/v1/convenings").get_json()

    assert sorted(item["title"] for item in as_organiser["items"]) == ["Draft", "Invited"]
    assert [item["title"] for item in as_participant["items"]] == ["Invited"]


def test_convening_list_pages_with_a_cursor_stable_under_inserts(make, api_as):
    organiser = make.user()
    for number in range(5):
        make.convening(f"C{number}", organisers=(organiser,))
    api = api_as(organiser)

    first = api.get("/api/v1/convenings?limit=2").get_json()
    make.convening("Later", organisers=(organiser,))
    rest = api.get(f"/api/v1/convenings?limit=10&cursor={first['next_cursor']}").get_json()

    titles = [item["title"] for item in first["items"] + rest["items"]]
    assert titles[:2] == ["C0", "C1"]
    assert titles == ["C0", "C1", "C2", "C3", "C4", "Later"]
    assert rest["next_cursor"] is None


def test_convening_draft_is_not_found_for_a_participant(make, api_as):
    organiser = make.user()
    company = make.organisation()
    participant = make.participant(company)
    draft = make.convening(status=ConveningStatus.DRAFT, organisers=(organiser,))
    make.invitation(draft, company)

    response = api_as(participant).get(f"/api/v1/convenings/{draft.id}")

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_convening_created_by_an_organiser_is_a_draft_they_organise(make, api_as, db):
    organiser = make.user()
    make.convening(organisers=(organiser,))

    response = api_as(organiser).post("/api/v1/convenings", json=_create_body())

    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "draft"
    assert body["starts_at"] == "2027-03-02T14:00:00Z"
    assert body["local_start"] == "2027-03-02T09:00:00-05:00"
    assert response.headers["ETag"] == f'"convening-{body["id"]}-1"'
    assert db.get(Convening, body["id"]).team[0].user_id == organiser.id


def test_convening_creation_refuses_bad_fields_and_writes_nothing(make, api_as, db):
    organiser = make.user()
    make.convening(organisers=(organiser,))
    before = db.query(Convening).count()

    response = api_as(organiser).post(
        "/api/v1/convenings",
        json=_create_body(timezone="Mars/Olympus", ends_local="2027-03-01T09:00:00"),
    )

    assert response.status_code == 422
    pointers = {error["pointer"] for error in response.get_json()["errors"]}
    assert "#/timezone" in pointers
    assert db.query(Convening).count() == before


def test_convening_body_with_a_number_as_text_is_refused(make, api_as):
    organiser = make.user()
    make.convening(organisers=(organiser,))

    response = api_as(organiser).post(
        "/api/v1/convenings", json=_create_body(host_organisation_id="7")
    )

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "#/host_organisation_id"


def test_convening_update_with_a_stale_etag_is_refused(make, api_as, db):
    organiser = make.user()
    convening = make.convening("Before", organisers=(organiser,))
    api = api_as(organiser)
    etag = api.get(f"/api/v1/convenings/{convening.id}").headers["ETag"]
    assert (
        api.patch(
            f"/api/v1/convenings/{convening.id}",
            json={"title": "First"},
            headers={"If-Match": etag},
        ).status_code
        == 200
    )

    stale = api.patch(
        f"/api/v1/convenings/{convening.id}", json={"title": "Second"}, headers={"If-Match": etag}
    )

    assert stale.status_code == 412
    db.expire_all()
    assert db.get(Convening, convening.id).title == "First"


def test_convening_update_is_refused_to_a_coordinator(make, api_as, db):
    coordinator = make.user()
    convening = make.convening("Kept", coordinators=(coordinator,))

    response = api_as(coordinator).patch(
        f"/api/v1/convenings/{convening.id}", json={"title": "Taken"}
    )

    assert response.status_code == 403
    db.expire_all()
    assert db.get(Convening, convening.id).title == "Kept"


def test_convening_status_change_follows_the_pages_rules(make, api_as):
    organiser = make.user()
    convening = make.convening(status=ConveningStatus.DRAFT, organisers=(organiser,))

    response = api_as(organiser).post(
        f"/api/v1/convenings/{convening.id}/status", json={"status": "published"}
    )

    assert response.status_code == 422
    assert "venue" in response.get_json()["detail"].lower() or response.get_json()["errors"]


def test_convening_team_is_for_the_team(make, api_as):
    organiser, coordinator = make.user(name="Olive"), make.user(name="Cora")
    company = make.organisation()
    participant = make.participant(company)
    convening = make.convening(organisers=(organiser,), coordinators=(coordinator,))
    make.invitation(convening, company)

    team = api_as(coordinator).get(f"/api/v1/convenings/{convening.id}/team").get_json()
    refused = api_as(participant).get(f"/api/v1/convenings/{convening.id}/team")

    assert [(m["name"], m["role"]) for m in team["items"]] == [
        ("Olive", "organiser"),
        ("Cora", "coordinator"),
    ]
    assert refused.status_code == 403
