from sqlalchemy import func, select

from coordination.demo.data import DEMO_ACCOUNTS
from coordination.models import (
    AttendanceMode,
    Base,
    Convening,
    ConveningStatus,
    Delegate,
    Invitation,
    InvitationStatus,
    Organisation,
    SeatRequestStatus,
    Series,
    User,
)


def _row_counts(db):
    return {
        table.name: db.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def test_seed_demo_loads_series_accounts_and_invitations(runner, db):
    result = runner.invoke(args=["seed-demo", "--password", "demo password 1"])

    assert result.exit_code == 0, result.output
    for email, *_ in DEMO_ACCOUNTS:
        assert email in result.output
    series = db.scalar(select(Series).where(Series.name == "Madison Valleywood"))
    titles = [convening.codename for convening in series.convenings]
    assert titles == [
        "Madison Valleywood: Valley",
        "Madison Valleywood: Hollywood",
        "Madison Valleywood",
    ]
    main = series.convenings[-1]
    assert main.status == ConveningStatus.PUBLISHED
    assert main.host_organisation.name == "Justice Department"
    invited = db.scalar(
        select(func.count()).select_from(Invitation).where(Invitation.convening_id == main.id)
    )
    assert 45 <= invited <= 55
    assert db.scalar(select(func.count()).select_from(Organisation)) == 50
    apple_focal = db.scalar(select(User).where(User.email_normalized == "focal.apple@example.org"))
    assert apple_focal.organisation.name == "Apple"


def test_seed_demo_twice_changes_nothing(runner, db):
    runner.invoke(args=["seed-demo"])
    before = _row_counts(db)

    result = runner.invoke(args=["seed-demo", "--password", "another password"])

    assert result.exit_code == 0
    assert "nothing changed" in result.output
    assert _row_counts(db) == before
    for table in ("agenda_item", "audience", "agenda_version", "minute_entry", "audit_event"):
        assert before[table] > 0, table


def test_seed_demo_accounts_sign_in_with_given_password(runner, auth, client):
    runner.invoke(args=["seed-demo", "--password", "valleywood-test"])

    response = auth.sign_in("organiser@example.org", "valleywood-test")

    assert response.status_code == 302
    assert "Olivia Organiser" in client.get("/dashboard").get_data(as_text=True)


def test_seed_demo_if_empty_skips_a_database_with_accounts(runner, db, make):
    make.user()

    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert "not loaded" in result.output
    assert db.scalar(select(func.count()).select_from(Convening)) == 0


def _invitations(db, codename: str) -> dict[str, Invitation]:
    convening = db.scalar(select(Convening).where(Convening.codename == codename))
    invitations = db.scalars(select(Invitation).where(Invitation.convening_id == convening.id))
    return {invitation.organisation.name: invitation for invitation in invitations}


def test_seed_demo_invites_in_every_state_with_delegations(runner, db):
    runner.invoke(args=["seed-demo"])

    invitations = _invitations(db, "Madison Valleywood")

    assert {invitation.status for invitation in invitations.values()} == set(InvitationStatus)
    for invitation in invitations.values():
        delegates = invitation.delegates
        if invitation.status in (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE):
            assert 1 <= len(delegates) <= invitation.seat_quota, invitation.organisation.name
            assert [d.is_head for d in delegates].count(True) == 1
            assert delegates[0].is_head
        else:
            assert delegates == [], invitation.organisation.name
        if invitation.status is InvitationStatus.DRAFT:
            assert (invitation.sent_at, invitation.token_hash) == (None, None)
        if invitation.status is InvitationStatus.SENT:
            assert invitation.sent_at is not None
            assert invitation.token_hash is not None
            assert invitation.responded_at is None
    every = [d for invitation in invitations.values() for d in invitation.delegates]
    assert any(d.attendance is AttendanceMode.REMOTE for d in every)
    assert any(d.accessibility_needs for d in every)
    assert any(d.dietary_needs for d in every)
    assert len({d.email_normalized for d in every}) == len(every)


def test_seed_demo_gives_the_focal_points_their_invitations(runner, db):
    runner.invoke(args=["seed-demo"])

    invitations = _invitations(db, "Madison Valleywood")

    embassy = invitations["British Embassy Washington"]
    assert embassy.status is InvitationStatus.SENT
    assert embassy.focal_point.email == "focal.embassy@example.org"
    assert embassy.last_reminded_at is not None
    apple = invitations["Apple"]
    assert apple.status is InvitationStatus.ACCEPTED
    assert apple.focal_point.email == "focal.apple@example.org"
    assert "focal.apple@example.org" in [d.email_normalized for d in apple.delegates]
    assert apple.extra_seats_status is SeatRequestStatus.PENDING
    assert apple.extra_seats_requested == 1
    assert apple.extra_seats_reason


def test_seed_demo_records_arrivals_at_the_concluded_convening(runner, db):
    runner.invoke(args=["seed-demo"])

    invitations = _invitations(db, "Madison Valleywood: Valley")

    delegates = [d for invitation in invitations.values() for d in invitation.delegates]
    arrived = [d for d in delegates if d.checked_in_at is not None]
    assert 0 < len(arrived) < len(delegates)
    assert {d.checked_in_by.email for d in arrived} == {"organiser@example.org"}
    washington = _invitations(db, "Madison Valleywood")
    assert all(
        d.checked_in_at is None for invitation in washington.values() for d in invitation.delegates
    )


def test_seed_demo_fills_in_delegates_missing_from_an_earlier_demo(runner, db):
    runner.invoke(args=["seed-demo"])
    apple = _invitations(db, "Madison Valleywood")["Apple"]
    for delegate in db.scalars(select(Delegate).where(Delegate.invitation_id == apple.id)):
        db.delete(delegate)
    db.commit()

    result = runner.invoke(args=["seed-demo"])

    assert "records added" in result.output
    db.expire_all()
    assert [d.name for d in _invitations(db, "Madison Valleywood")["Apple"].delegates] == [
        "Marcus Bell",
        "Priya Raman",
    ]
