"""Account administration pages: who may do what, and what a person sees."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordination.models import (
    AuditEvent,
    Contact,
    Convening,
    OutboxMessage,
    TeamMembership,
    User,
)
from tests.auth.helpers import error_summary, is_signed_in, link_in, messages_to, path_of, sign_in

DUPLICATE = "An account with this email address already exists."


@pytest.fixture
def admin(make):
    return make.user(name="Ada Admin", email="ada.admin@example.org", is_admin=True)


@pytest.fixture
def organiser(make):
    user = make.user(name="Olu Organiser", email="olu@example.org")
    make.convening(organisers=(user,))
    return user


@pytest.fixture
def invited(make, db, organiser):
    """An organisation invited to the organiser's convening: its accounts are theirs to manage."""
    convening_id = db.scalar(
        select(TeamMembership.convening_id).where(TeamMembership.user_id == organiser.id)
    )
    organisation = make.organisation("Invited Here")
    make.invitation(db.get(Convening, convening_id), organisation)
    return organisation


def _as(app, user):
    browser = app.test_client()
    assert sign_in(browser, user.email).status_code == 302
    return browser


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def _user(db, email: str) -> User | None:
    db.expire_all()
    return db.scalar(select(User).where(User.email_normalized == email.lower()))


# --- Who may enter ---------------------------------------------------------------------------


def test_accounts_pages_refuse_people_who_do_not_manage_accounts(app, make, client):
    coordinator = make.user()
    make.convening(coordinators=(coordinator,))
    organisation = make.organisation()
    participant = make.participant(organisation)

    assert client.get("/admin/users").status_code == 302
    for person in (coordinator, participant):
        browser = _as(app, person)
        assert browser.get("/admin/users").status_code == 403
        assert browser.get("/admin/users/new").status_code == 403
        assert (
            browser.post(
                "/admin/users/new", data={"name": "X", "email": "x@example.org"}
            ).status_code
            == 403
        )
        # Accounts one may not manage are not shown to exist.
        assert browser.get(f"/admin/users/{person.id}").status_code == 404
        assert browser.get(f"/admin/users/{person.id}/edit").status_code == 404


def test_outbox_and_audit_log_are_for_administrators_only(app, admin, organiser):
    as_organiser = _as(app, organiser)
    as_admin = _as(app, admin)

    assert as_organiser.get("/admin/outbox").status_code == 403
    assert as_organiser.get("/admin/audit").status_code == 403
    assert as_admin.get("/admin/outbox").status_code == 200
    assert as_admin.get("/admin/audit").status_code == 200


def test_navigation_names_the_area_by_role(app, admin, organiser):
    assert ">Administration</a>" in _as(app, admin).get("/admin/users").get_data(as_text=True)
    page = _as(app, organiser).get("/admin/users").get_data(as_text=True)
    assert ">Accounts</a>" in page
    assert "/admin/outbox" not in page


# --- List -----------------------------------------------------------------------------------


def test_accounts_list_searches_by_name_and_email(app, admin, make):
    make.user(name="Grace Hopper", email="grace@navy.example")
    make.user(name="Alan Turing", email="alan@bletchley.example")
    browser = _as(app, admin)

    by_name = browser.get("/admin/users", query_string={"q": "hopper"}).get_data(as_text=True)
    by_email = browser.get("/admin/users", query_string={"q": "BLETCHLEY"}).get_data(as_text=True)
    wildcard = browser.get("/admin/users", query_string={"q": "%"}).get_data(as_text=True)

    assert "Grace Hopper" in by_name and "Alan Turing" not in by_name
    assert "Alan Turing" in by_email and "Grace Hopper" not in by_email
    assert "No accounts match." in wildcard


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        ("active", ["Active Person", "Ada Admin"], ["Gone Person"]),
        ("inactive", ["Gone Person"], ["Active Person", "Ada Admin"]),
        ("admins", ["Ada Admin"], ["Active Person", "Gone Person"]),
        ("awaiting_setup", ["Pending Person"], ["Active Person", "Ada Admin"]),
    ],
)
def test_accounts_list_filters_by_status(app, admin, make, status, shown, hidden):
    make.user(name="Active Person")
    make.user(name="Gone Person", active=False)
    make.user(name="Pending Person", password="")

    page = _as(app, admin).get("/admin/users", query_string={"status": status})

    text = page.get_data(as_text=True).split("<tbody>")[-1]
    assert all(name in text for name in shown)
    assert not any(name in text for name in hidden)


def test_accounts_list_is_paginated(app, admin, make):
    for number in range(30):
        make.user(name=f"Member {number:02d}", commit=False)
    make.commit()
    browser = _as(app, admin)

    first = browser.get("/admin/users").get_data(as_text=True)
    second = browser.get("/admin/users", query_string={"page": 2}).get_data(as_text=True)

    assert "Showing 1\u201325 of 31" in first
    assert "Showing 26\u201331 of 31" in second
    assert "Member 00" in first and "Member 29" not in first
    assert "Member 29" in second


def test_accounts_list_issues_the_same_queries_whatever_the_number_of_rows(
    app, admin, make, count_queries
):
    browser = _as(app, admin)

    def queries_for_list() -> int:
        with count_queries() as counted:
            assert browser.get("/admin/users").status_code == 200
        return counted.count

    organisation = make.organisation()
    make.participant(organisation)
    few = queries_for_list()
    for number in range(20):
        other = make.organisation(commit=False)
        make.participant(other)
        make.user(name=f"Extra {number}")
    many = queries_for_list()

    assert few == many


# --- Create ---------------------------------------------------------------------------------


def test_organiser_creates_an_account_and_its_holder_is_emailed_a_set_up_link(
    app, organiser, invited, db
):
    browser = _as(app, organiser)

    response = browser.post(
        "/admin/users/new",
        data={"name": "Nia Newcomer", "email": "Nia@Example.org", "organisation": invited.id},
    )

    assert response.status_code == 302
    created = _user(db, "nia@example.org")
    assert created.name == "Nia Newcomer" and created.email == "Nia@Example.org"
    assert created.password_hash is None and not created.is_admin
    [message] = messages_to(db, "Nia@Example.org")
    assert link_in(message).startswith("https://coordination.example.org/account/reset/")
    assert "Olu Organiser has created an account for you" in message.text_body
    detail = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nia Newcomer" in detail and "Waiting for set-up" in detail


def test_create_account_with_a_duplicate_email_is_refused_and_writes_nothing(app, admin, make, db):
    make.user(email="taken@example.org")
    before = (_count(db, User), _count(db, OutboxMessage), _count(db, AuditEvent))

    response = _as(app, admin).post(
        "/admin/users/new", data={"name": "Copy", "email": " TAKEN@example.org "}
    )

    assert response.status_code == 400
    assert DUPLICATE in error_summary(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert (_count(db, User), _count(db, OutboxMessage), _count(db, AuditEvent)) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "email": "a@example.org"}, "This field is required."),
        ({"name": "Someone", "email": "not an address"}, "Enter an email address like"),
        ({"name": "x" * 201, "email": "a@example.org"}, "200 characters"),
        (
            {"name": "Someone", "email": "a@example.org", "contact": "999999"},
            "Choose a contact from the list",
        ),
    ],
)
def test_create_account_with_bad_input_is_refused_beside_the_field(app, admin, db, data, message):
    before = _count(db, User)

    response = _as(app, admin).post("/admin/users/new", data=data)

    assert response.status_code == 400
    assert message in error_summary(response)
    assert _count(db, User) == before


def test_create_account_linked_to_an_existing_contact(app, admin, make, db):
    organisation = make.organisation(name="British Embassy")
    contact = make.contact(organisation, name="Emma Envoy", email="emma@embassy.example")
    browser = _as(app, admin)
    form = browser.get("/admin/users/new").get_data(as_text=True)
    assert "British Embassy — Emma Envoy" in form

    response = browser.post(
        "/admin/users/new",
        data={"name": "Emma Envoy", "email": "emma@embassy.example", "contact": str(contact.id)},
    )

    assert response.status_code == 302
    created = _user(db, "emma@embassy.example")
    assert created.contact_id == contact.id
    detail = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "British Embassy" in detail


def test_create_account_adds_a_new_contact_at_the_chosen_organisation(app, admin, make, db):
    organisation = make.organisation(name="Snapchat")

    response = _as(app, admin).post(
        "/admin/users/new",
        data={
            "name": "Sam Snap",
            "email": "sam@snap.example",
            "organisation": str(organisation.id),
            "title": "Head of Safety",
        },
    )

    assert response.status_code == 302
    created = _user(db, "sam@snap.example")
    contact = db.get(Contact, created.contact_id)
    assert (contact.organisation_id, contact.name, contact.title) == (
        organisation.id,
        "Sam Snap",
        "Head of Safety",
    )


def test_create_account_refuses_a_contact_that_already_has_an_account(app, admin, make, db):
    organisation = make.organisation()
    holder = make.participant(organisation)

    response = _as(app, admin).post(
        "/admin/users/new",
        data={"name": "Other", "email": "other@example.org", "contact": str(holder.contact_id)},
    )

    assert response.status_code == 400
    assert _user(db, "other@example.org") is None


def test_create_account_refuses_both_a_contact_and_an_organisation(app, admin, make, db):
    organisation = make.organisation()
    contact = make.contact(organisation)

    response = _as(app, admin).post(
        "/admin/users/new",
        data={
            "name": "Both",
            "email": "both@example.org",
            "contact": str(contact.id),
            "organisation": str(organisation.id),
        },
    )

    assert response.status_code == 400
    assert "not both" in error_summary(response)
    assert _count(db, Contact) == 1


def test_organiser_sees_no_administrator_choice_and_cannot_create_an_administrator(
    app, organiser, db
):
    browser = _as(app, organiser)

    form = browser.get("/admin/users/new").get_data(as_text=True)
    response = browser.post(
        "/admin/users/new", data={"name": "Sneaky", "email": "sneaky@example.org", "is_admin": "y"}
    )

    assert 'name="is_admin"' not in form
    assert response.status_code == 403
    assert _user(db, "sneaky@example.org") is None


def test_administrator_creates_an_administrator(app, admin, db):
    browser = _as(app, admin)

    assert 'name="is_admin"' in browser.get("/admin/users/new").get_data(as_text=True)
    response = browser.post(
        "/admin/users/new", data={"name": "Second", "email": "second@example.org", "is_admin": "y"}
    )

    assert response.status_code == 302
    assert _user(db, "second@example.org").is_admin


# --- Detail ---------------------------------------------------------------------------------


def test_account_detail_shows_organisation_teams_last_sign_in_and_status(app, admin, make):
    organisation = make.organisation(name="Apple")
    person = make.participant(organisation, email="focal@apple.example")
    make.convening(title="Madison Valleywood", coordinators=(person,))
    sign_in(app.test_client(), person.email)

    page = _as(app, admin).get(f"/admin/users/{person.id}").get_data(as_text=True)

    assert "Apple" in page
    assert "Madison Valleywood" in page and "Coordinator" in page
    assert "UTC</time>" in page  # last signed in
    assert "Active" in page


def test_account_detail_of_unknown_account_is_404(app, admin):
    assert _as(app, admin).get("/admin/users/999999").status_code == 404


def test_account_detail_escapes_what_people_typed(app, admin, make):
    person = make.user(name="<script>alert(1)</script>")

    page = _as(app, admin).get(f"/admin/users/{person.id}").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- Edit -----------------------------------------------------------------------------------


def test_edit_account_changes_the_name_at_once_and_the_email_once_confirmed(app, admin, make, db):
    person = make.user(name="Old Name", email="old@example.org")

    response = _as(app, admin).post(
        f"/admin/users/{person.id}/edit", data={"name": "New Name", "email": "new@example.org"}
    )

    assert response.status_code == 302
    db.refresh(person)
    assert (person.name, person.email, person.pending_email) == (
        "New Name",
        "old@example.org",
        "new@example.org",
    )
    renamed = db.scalar(select(AuditEvent).where(AuditEvent.action == "user.updated"))
    asked = db.scalar(select(AuditEvent).where(AuditEvent.action == "user.email_change_requested"))
    assert renamed.changes == {"name": ["Old Name", "New Name"]}
    assert asked.changes == {"pending_email": [None, "new@example.org"]}
    assert "Ada Admin has asked" in messages_to(db, "new@example.org")[0].text_body
    assert "new@example.org" in messages_to(db, "old@example.org")[0].text_body
    detail = _as(app, admin).get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Waiting for confirmation" in detail


def test_edit_account_with_another_accounts_email_is_refused(app, admin, make, db):
    make.user(email="taken@example.org")
    person = make.user(name="Keep", email="keep@example.org")

    response = _as(app, admin).post(
        f"/admin/users/{person.id}/edit", data={"name": "Changed", "email": "Taken@Example.org"}
    )

    assert response.status_code == 400
    assert DUPLICATE in error_summary(response)
    db.refresh(person)
    assert (person.name, person.email) == ("Keep", "keep@example.org")


def test_edit_form_shows_the_current_values(app, admin, make):
    organisation = make.organisation(name="MTV")
    person = make.participant(organisation, email="vj@mtv.example")

    page = _as(app, admin).get(f"/admin/users/{person.id}/edit").get_data(as_text=True)

    assert 'value="vj@mtv.example"' in page
    assert f'<option selected value="{person.contact_id}">' in page or (
        f'value="{person.contact_id}" selected' in page
    )


def test_organiser_cannot_touch_an_administrators_account(app, admin, organiser, db):
    browser = _as(app, organiser)
    admin_browser = _as(app, admin)

    refused = [
        browser.get(f"/admin/users/{admin.id}").status_code,
        browser.get(f"/admin/users/{admin.id}/edit").status_code,
        browser.post(
            f"/admin/users/{admin.id}/edit", data={"name": "Hijacked", "email": "me@evil.example"}
        ).status_code,
        browser.post(f"/admin/users/{admin.id}/deactivate").status_code,
        browser.post(f"/admin/users/{admin.id}/sign-out").status_code,
        browser.post(f"/admin/users/{admin.id}/setup-link").status_code,
    ]

    assert refused == [404] * 6
    db.refresh(admin)
    assert admin.active and admin.name == "Ada Admin"
    assert is_signed_in(admin_browser)


def test_organiser_edits_an_ordinary_account_but_cannot_make_it_administrator(
    app, organiser, invited, make, db
):
    person = make.participant(invited, name="Plain Person")
    browser = _as(app, organiser)
    unchanged = {"email": person.email, "contact": person.contact_id}

    granted = browser.post(
        f"/admin/users/{person.id}/edit",
        data={"name": "Plain Person", "is_admin": "y", **unchanged},
    )
    renamed = browser.post(f"/admin/users/{person.id}/edit", data={"name": "Renamed", **unchanged})

    assert granted.status_code == 403
    assert renamed.status_code == 302
    db.refresh(person)
    assert person.name == "Renamed" and not person.is_admin


def test_organiser_cannot_take_over_another_team_members_account(app, organiser, make, db):
    # Changing a colleague's email would let an organiser reset their password and act on
    # convenings the organiser does not run.
    colleague = make.user(name="Cora Coordinator", email="cora@example.org")
    make.convening(coordinators=(colleague,))
    browser = _as(app, organiser)

    responses = [
        browser.get(f"/admin/users/{colleague.id}/edit").status_code,
        browser.post(
            f"/admin/users/{colleague.id}/edit", data={"name": "Cora", "email": "olu+x@example.org"}
        ).status_code,
        browser.post(f"/admin/users/{colleague.id}/deactivate").status_code,
    ]

    assert responses == [404, 404, 404]
    db.refresh(colleague)
    assert colleague.email == "cora@example.org" and colleague.active


def test_organiser_cannot_manage_their_own_account_from_the_accounts_pages(app, organiser, db):
    browser = _as(app, organiser)

    response = browser.post(
        f"/admin/users/{organiser.id}/edit", data={"name": "Olu", "email": "other@example.org"}
    )

    assert response.status_code == 404
    db.refresh(organiser)
    assert organiser.email == "olu@example.org"


def test_administrator_cannot_remove_their_own_administrator_rights(app, admin, db):
    response = _as(app, admin).post(
        f"/admin/users/{admin.id}/edit", data={"name": admin.name, "email": admin.email}
    )

    assert response.status_code == 400
    assert "cannot remove your own administrator rights" in error_summary(response)
    db.refresh(admin)
    assert admin.is_admin


def test_changing_the_email_of_a_pending_account_sends_the_link_to_the_new_address(app, admin, db):
    browser = _as(app, admin)
    browser.post("/admin/users/new", data={"name": "Typo", "email": "typo@exmaple.org"})
    old_link = path_of(link_in(messages_to(db, "typo@exmaple.org")[0]))
    person = _user(db, "typo@exmaple.org")

    browser.post(
        f"/admin/users/{person.id}/edit", data={"name": "Typo", "email": "typo@example.org"}
    )

    [message] = messages_to(db, "typo@example.org")
    assert app.test_client().get(old_link).status_code == 410
    assert app.test_client().get(path_of(link_in(message))).status_code == 200


# --- Deactivate, reactivate, sign out everywhere, resend ------------------------------------


def test_deactivate_and_reactivate_an_account(app, organiser, invited, make, db):
    person = make.participant(invited)
    person_browser = _as(app, person)
    browser = _as(app, organiser)

    deactivated = browser.post(f"/admin/users/{person.id}/deactivate")
    assert deactivated.status_code == 302
    assert not is_signed_in(person_browser)
    assert sign_in(person_browser, person.email).status_code == 400

    browser.post(f"/admin/users/{person.id}/reactivate")

    assert sign_in(person_browser, person.email).status_code == 302
    actions = list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["user.deactivated", "user.activated"]


def test_nobody_can_deactivate_their_own_account(app, admin, db):
    browser = _as(app, admin)

    response = browser.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)

    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    db.refresh(admin)
    assert admin.active


def test_sign_out_everywhere_ends_every_session_of_the_account(app, admin, make):
    person = make.user()
    laptop, phone = _as(app, person), _as(app, person)

    response = _as(app, admin).post(f"/admin/users/{person.id}/sign-out", follow_redirects=True)

    assert "signed out on every device" in response.get_data(as_text=True)
    assert not is_signed_in(laptop) and not is_signed_in(phone)


def test_resend_set_up_link_replaces_the_earlier_one(app, admin, db):
    browser = _as(app, admin)
    browser.post("/admin/users/new", data={"name": "Late", "email": "late@example.org"})
    person = _user(db, "late@example.org")

    browser.post(f"/admin/users/{person.id}/setup-link")

    first, second = messages_to(db, "late@example.org")
    assert app.test_client().get(path_of(link_in(first))).status_code == 410
    assert app.test_client().get(path_of(link_in(second))).status_code == 200


def test_resend_set_up_link_is_refused_once_a_password_is_chosen(app, admin, make, db):
    person = make.user()

    response = _as(app, admin).post(f"/admin/users/{person.id}/setup-link", follow_redirects=True)

    assert "already chosen a password" in response.get_data(as_text=True)
    assert messages_to(db, person.email) == []


def test_account_actions_need_a_post(app, admin, make):
    person = make.user()
    browser = _as(app, admin)

    for action in ("deactivate", "reactivate", "sign-out", "setup-link"):
        assert browser.get(f"/admin/users/{person.id}/{action}").status_code == 405


# --- Outbox and audit log -------------------------------------------------------------------


def test_outbox_shows_a_failed_messages_error_to_administrators(app, admin, db):
    db.add_all(
        [
            OutboxMessage(
                recipients=["sent@example.org"], subject="Delivered fine", text_body="secret-body"
            ),
            OutboxMessage(
                recipients=["bounce@example.org"],
                subject="Your invitation",
                text_body="secret-body",
                attempts=3,
                last_error="SMTPRecipientsRefused: <bounce@example.org> 550 no such user",
            ),
        ]
    )
    db.commit()
    browser = _as(app, admin)

    page = browser.get("/admin/outbox").get_data(as_text=True)
    failed_only = browser.get("/admin/outbox", query_string={"status": "failed"}).get_data(
        as_text=True
    )

    assert "SMTPRecipientsRefused: &lt;bounce@example.org&gt; 550 no such user" in page
    assert "Failed" in page and "Pending" in page
    assert "secret-body" not in page
    assert "Your invitation" in failed_only and "Delivered fine" not in failed_only


def test_audit_log_lists_changes_filtered_by_action_and_actor(app, admin, organiser, invited, make):
    person = make.participant(invited, name="Subject Person")
    _as(app, organiser).post(
        f"/admin/users/{person.id}/edit",
        data={"name": "<b>Bold</b> Person", "email": person.email, "contact": person.contact_id},
    )
    browser = _as(app, admin)
    browser.post(f"/admin/users/{person.id}/sign-out")

    everything = browser.get("/admin/audit").get_data(as_text=True)
    updates = browser.get("/admin/audit", query_string={"action": "user.upd"}).get_data(
        as_text=True
    )
    by_admin = browser.get("/admin/audit", query_string={"actor": "ada.admin"}).get_data(
        as_text=True
    )

    assert "user.updated" in everything and "user.sessions_ended" in everything
    hidden = '<span class="visually-hidden">'
    assert f"<del>{hidden}before: </span>Subject Person</del>" in updates
    assert f"<ins>{hidden}after: </span>&lt;b&gt;Bold&lt;/b&gt; Person</ins>" in updates
    assert "user.sessions_ended" not in updates
    assert "user.sessions_ended" in by_admin and "user.updated" not in by_admin
