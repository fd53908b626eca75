"""Series pages: the list, one series, a new series; only convenings the viewer may see."""

from __future__ import annotations

from sqlalchemy import select

from coordination.models import ConveningStatus, Series


def test_series_list_shows_each_series_with_its_convenings(client, make, auth):
    organiser = make.user()
    series = make.series("West coast visits")
    make.convening("Studio heads", organisers=(organiser,), series=series)
    make.convening("Silicon Valley", organisers=(organiser,), series=series)
    auth.sign_in(organiser)

    page = client.get("/convenings/series").get_data(as_text=True)

    assert "West coast visits" in page
    assert "Studio heads" in page and "Silicon Valley" in page
    assert 'href="/convenings/series" aria-current="page"' in page


def test_series_pages_show_participants_only_convenings_they_may_see(client, make, auth):
    organisation = make.organisation()
    participant = make.participant(organisation)
    series = make.series("Valleywood")
    shown = make.convening("Invited meeting", series=series)
    make.invitation(shown, organisation)
    make.convening("Uninvited meeting", series=series)
    draft = make.convening("Draft meeting", series=series, status=ConveningStatus.DRAFT)
    make.invitation(draft, organisation)
    auth.sign_in(participant)

    listing = client.get("/convenings/series").get_data(as_text=True)
    detail = client.get(f"/convenings/series/{series.id}").get_data(as_text=True)
    convening_page = client.get(f"/convenings/{shown.id}").get_data(as_text=True)

    for page in (listing, detail):
        assert "Invited meeting" in page
        assert "Uninvited meeting" not in page
        assert "Draft meeting" not in page
    assert "Uninvited meeting" not in convening_page


def test_series_with_nothing_visible_is_hidden_from_participants(client, make, auth):
    participant = make.participant(make.organisation())
    series = make.series("Confidential effort")
    make.convening("Private", series=series)
    auth.sign_in(participant)

    assert "Confidential effort" not in client.get("/convenings/series").get_data(as_text=True)
    assert client.get(f"/convenings/series/{series.id}").status_code == 404


def test_series_detail_lists_its_convenings_for_the_team(client, make, auth):
    organiser = make.user()
    series = make.series("Valleywood")
    make.convening("First", organisers=(organiser,), series=series)
    make.convening("Someone else's draft", series=series, status=ConveningStatus.DRAFT)
    auth.sign_in(organiser)

    page = client.get(f"/convenings/series/{series.id}").get_data(as_text=True)

    assert "First" in page
    assert "Someone else&#39;s draft" not in page


def test_create_series_starts_it(client, db, make, auth):
    organiser = make.user()
    make.convening(organisers=(organiser,))
    auth.sign_in(organiser)

    response = client.post(
        "/convenings/series/new", data={"name": "Outreach", "description": "Visits"}
    )

    series = db.scalar(select(Series))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/convenings/series/{series.id}")
    assert (series.name, series.description) == ("Outreach", "Visits")


def test_create_series_with_a_taken_name_is_refused_beside_the_field(client, db, make, auth):
    organiser = make.user()
    make.convening(organisers=(organiser,))
    make.series("Outreach")
    auth.sign_in(organiser)

    response = client.post("/convenings/series/new", data={"name": "outreach"})

    assert response.status_code == 400
    assert 'id="name-error"' in response.get_data(as_text=True)
    assert len(db.scalars(select(Series)).all()) == 1


def test_create_series_is_refused_to_coordinators(client, db, make, auth):
    coordinator = make.user()
    make.convening(coordinators=(coordinator,))
    auth.sign_in(coordinator)

    response = client.post("/convenings/series/new", data={"name": "Mine"})

    assert response.status_code == 403
    assert db.scalars(select(Series)).all() == []


def test_series_list_queries_do_not_grow_with_series(client, make, auth, count_queries):
    organiser = make.user()
    auth.sign_in(organiser)

    def add(rows: int) -> int:
        for _ in range(rows):
            series = make.series(commit=False)
            make.convening(organisers=(organiser,), series=series, commit=False)
        make.commit()
        client.get("/convenings/series")
        with count_queries() as queries:
            client.get("/convenings/series")
        return queries.count

    assert add(3) == add(27)
