"""Deliveries over HTTPS: the certificate must name the host, though the address is pinned."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest

from coordination.models import DeliveryStatus

from .conftest import signed_in
from .helpers import change_status, deliver, deliveries, issued_secret, subscribe, verify
from .receiver import Receiver


def _issue(directory: Path, host: str) -> tuple[Path, Path, Path]:
    """A certificate authority and a certificate it signs for ``host``, made with openssl."""

    def openssl(*arguments: str) -> None:
        subprocess.run(["openssl", *arguments], cwd=directory, check=True, capture_output=True)

    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Test authority",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    )
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        f"/CN={host}",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
    )
    (directory / "leaf.ext").write_text(
        f"subjectAltName=DNS:{host}\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
    )
    openssl(
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
        "-out",
        "leaf.pem",
    )
    return directory / "ca.pem", directory / "leaf.pem", directory / "leaf.key"


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch, request):
    """An HTTPS receiver whose certificate names ``request.param``, its authority trusted."""
    authority, certificate, key = _issue(tmp_path, request.param)
    # The sender's default context trusts what this names, as a system's store would.
    monkeypatch.setenv("SSL_CERT_FILE", str(authority))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    started = Receiver().start(tls=context)
    yield started
    started.stop()


@pytest.mark.parametrize("tls_receiver", ["localhost"], indirect=True)
def test_delivery_over_https_reaches_a_receiver_with_a_valid_certificate(
    hooks_app, team, tls_receiver, db
):
    client = signed_in(hooks_app, team.organiser)
    secret = issued_secret(subscribe(client, team.convening, tls_receiver.https_url))
    change_status(client, team.convening, "published")

    report = deliver(hooks_app)

    (received,) = tls_receiver.wait_for(1)
    assert report.delivered == 1
    assert verify(secret, received.headers["Coordination-Signature"], received.body)
    assert deliveries(db)[0].status == DeliveryStatus.DELIVERED


@pytest.mark.parametrize("tls_receiver", ["elsewhere.example"], indirect=True)
def test_delivery_over_https_refuses_a_certificate_for_another_name(
    hooks_app, team, tls_receiver, db
):
    client = signed_in(hooks_app, team.organiser)
    subscribe(client, team.convening, tls_receiver.https_url)
    change_status(client, team.convening, "published")

    report = deliver(hooks_app)

    (delivery,) = deliveries(db)
    assert report.failed == 1
    assert tls_receiver.received == []
    assert delivery.status == DeliveryStatus.PENDING
    assert "certificate" in delivery.last_error.lower()
