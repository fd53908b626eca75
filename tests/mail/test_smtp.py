"""Email as it arrives at a real SMTP server: headers, parts, injection, TLS and login."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from coordination.mail import SMTPBackend
from coordination.models import OutboxMessage

from .capture import SMTPCapture
from .helpers import queue_committed, reload, send_outbox

CALENDAR = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def test_message_carries_the_standard_headers(smtp_app, smtp_server, db):
    message = queue_committed(db, ["Jane Doe, OBE <jane@example.org>"], "Agenda for Thursday")

    send_outbox(smtp_app)

    (received,) = smtp_server.wait_for(1)
    email = received.message
    assert received.mail_from == "no-reply@coordination.invalid"
    assert received.rcpt_tos == ["jane@example.org"]
    assert email["From"].addresses[0].addr_spec == "no-reply@coordination.invalid"
    assert email["To"].addresses[0].display_name == "Jane Doe, OBE"
    assert email["To"].addresses[0].addr_spec == "jane@example.org"
    assert email["Subject"] == "Agenda for Thursday"
    assert email["Date"].datetime is not None
    assert email["Message-ID"].startswith(f"<outbox-{message.id}.")
    assert email["Message-ID"].endswith("@coordination.example.org>")


def test_text_and_html_arrive_as_alternatives_in_utf8(smtp_app, smtp_server, db):
    queue_committed(
        db,
        ["ana@example.org"],
        "Réunion à Genève — 会議",
        text="Bonjour Zoë,\nÀ bientôt.",
        html_body="<p>Bonjour Zoë,</p>",
    )

    send_outbox(smtp_app)

    (received,) = smtp_server.wait_for(1)
    assert received.message.get_content_type() == "multipart/alternative"
    assert received.subject == "Réunion à Genève — 会議"
    assert received.text().strip() == "Bonjour Zoë,\nÀ bientôt."
    assert received.html().strip() == "<p>Bonjour Zoë,</p>"


def test_calendar_is_an_alternative_with_its_method_and_an_ics_attachment(
    smtp_app, smtp_server, db
):
    attachment = {
        "filename": "invitation.ics",
        "content_type": "text/calendar",
        "params": {"method": "REQUEST", "charset": "utf-8"},
        "content": CALENDAR,
    }
    queue_committed(
        db, ["ana@example.org"], text="Text", html_body="<p>Html</p>", attachments=[attachment]
    )

    send_outbox(smtp_app)

    (received,) = smtp_server.wait_for(1)
    email = received.message
    assert email.get_content_type() == "multipart/mixed"
    alternative = email.get_payload()[0]
    assert [part.get_content_type() for part in alternative.iter_parts()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    calendar = alternative.get_payload()[2]
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_content() == CALENDAR
    attached = received.attachment("invitation.ics")
    assert attached is not None and attached.get_content_type() == "application/ics"
    assert attached.get_content() == CALENDAR.encode()


def test_line_breaks_in_a_subject_cannot_add_headers(smtp_app, smtp_server, db):
    queue_committed(db, ["ana@example.org"], "Hello\r\nBcc: evil@example.org\nX-Evil: 1")
    # A row written by other means than queue() is cleaned when composed.
    db.add(
        OutboxMessage(
            recipients=["ana@example.org"],
            subject="Direct\r\nBcc: evil@example.org",
            text_body="Body",
        )
    )
    db.commit()

    send_outbox(smtp_app)

    arrived = smtp_server.wait_for(2)
    assert sorted(m.subject for m in arrived) == [
        "Direct Bcc: evil@example.org",
        "Hello Bcc: evil@example.org X-Evil: 1",
    ]
    for received in arrived:
        assert received.rcpt_tos == ["ana@example.org"]
        assert received["Bcc"] is None and received["X-Evil"] is None
        assert b"\nBcc:" not in received.raw


@pytest.mark.parametrize(
    "recipient",
    [
        "ana@example.org\r\nBcc: evil@example.org",
        "ana@example.org, evil@example.org",
        "Ana <ana@example.org>, evil@example.org",
        "not an address",
    ],
)
def test_a_recipient_that_is_not_one_address_is_refused_for_good(
    smtp_app, smtp_server, db, recipient
):
    message = queue_committed(db, [recipient])

    assert send_outbox(smtp_app) == (0, 1)

    stored = reload(db, message)
    assert stored.failed_at is not None
    assert "Not a single email address" in stored.last_error
    assert smtp_server.messages == []


def test_unknown_security_setting_is_refused():
    config = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": 25,
        "SMTP_SECURITY": "ssl",
        "SMTP_USERNAME": None,
        "SMTP_PASSWORD": None,
        "SMTP_TIMEOUT": 5,
    }

    with pytest.raises(ValueError, match="none, starttls or tls"):
        SMTPBackend(config)


# --- TLS and login --------------------------------------------------------------------------

USERNAME, PASSWORD = "mailer", "correct horse battery"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed: no certificate for the TLS server")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USERNAME.encode(),
        PASSWORD.encode(),
    )
    # handled=False: aiosmtpd itself answers "535" to a refused login.
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@pytest.fixture
def starttls_server(certificate):
    """A server that refuses mail until STARTTLS, and wants a login."""
    _, context = certificate
    server = SMTPCapture().start(
        tls_context=context, require_starttls=True, authenticator=_authenticate
    )
    yield server
    server.stop()


def _app(make_app, server, certificate, **settings):
    cert, _ = certificate
    return make_app(
        MAIL_BACKEND="smtp",
        SMTP_HOST=server.host,
        SMTP_PORT=server.port,
        SMTP_CA_FILE=str(cert),
        SMTP_TIMEOUT=5,
        **settings,
    )


def test_starttls_with_login_delivers_over_an_encrypted_connection(
    make_app, starttls_server, certificate, db
):
    app = _app(
        make_app,
        starttls_server,
        certificate,
        SMTP_SECURITY="starttls",
        SMTP_USERNAME=USERNAME,
        SMTP_PASSWORD=PASSWORD,
    )
    queue_committed(db, ["ana@example.org"], "Over TLS")

    assert send_outbox(app) == (1, 0)

    (received,) = starttls_server.wait_for(1)
    assert received.secure and received.login == USERNAME and received.subject == "Over TLS"


def test_wrong_password_is_a_failure_to_retry(make_app, starttls_server, certificate, db):
    app = _app(
        make_app,
        starttls_server,
        certificate,
        SMTP_SECURITY="starttls",
        SMTP_USERNAME=USERNAME,
        SMTP_PASSWORD="wrong",
    )
    message = queue_committed(db, ["ana@example.org"])

    assert send_outbox(app) == (0, 1)

    stored = reload(db, message)
    assert "SMTPAuthenticationError: 535" in stored.last_error
    assert stored.failed_at is None  # an administrator can fix the setting
    assert starttls_server.messages == []


def test_plain_connection_to_a_server_wanting_starttls_sends_nothing(
    make_app, starttls_server, certificate, db
):
    app = _app(make_app, starttls_server, certificate, SMTP_SECURITY="none")
    message = queue_committed(db, ["ana@example.org"])

    assert send_outbox(app) == (0, 1)

    assert "530" in reload(db, message).last_error
    assert starttls_server.messages == []


def test_untrusted_certificate_is_refused(make_app, starttls_server, certificate, db):
    app = make_app(
        MAIL_BACKEND="smtp",
        SMTP_HOST=starttls_server.host,
        SMTP_PORT=starttls_server.port,
        SMTP_SECURITY="starttls",
    )
    message = queue_committed(db, ["ana@example.org"])

    assert send_outbox(app) == (0, 1)

    assert "CERTIFICATE_VERIFY_FAILED" in reload(db, message).last_error
    assert starttls_server.messages == []


def test_implicit_tls_delivers(make_app, certificate, db):
    _, context = certificate
    server = SMTPCapture().start(ssl_context=context)
    try:
        app = _app(make_app, server, certificate, SMTP_SECURITY="tls")
        queue_committed(db, ["ana@example.org"], "Implicit TLS")

        assert send_outbox(app) == (1, 0)

        (received,) = server.wait_for(1)
        assert received.secure and received.subject == "Implicit TLS"
    finally:
        server.stop()
