"""Where a webhook may be sent: never into the installation's own network.

An address is checked when someone subscribes and again before every attempt, on the
addresses its name resolves to then: a name that pointed outside when subscribed may point at
the metadata service or a database later (DNS rebinding). The connection is then made to the
very address that was checked, never to a name resolved a second time.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(ValueError):
    """The address may not receive webhooks; the message says why, to the person subscribing."""


@dataclass(frozen=True)
class Target:
    url: str
    https: bool
    # The host as written (a name or an address), for the Host header and TLS.
    host: str
    port: int
    # The path and query sent in the request line.
    path: str


def _production(config) -> bool:
    return config["ENV"] == "production"


def parse(url: str, config) -> Target:
    """The parts of a receiver's address, or TargetRefused saying what is wrong with it."""
    url = (url or "").strip()
    if not url:
        raise TargetRefused("Enter the address that receives the events.")
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"Keep the address to {MAX_URL_LENGTH} characters or fewer.")
    if any(character.isspace() or ord(character) < 32 for character in url):
        raise TargetRefused("The address cannot contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError:
        raise TargetRefused("This is not a web address we can read.") from None
    scheme = parts.scheme.lower()
    allowed = ("https",) if _production(config) else ("https", "http")
    if scheme not in allowed:
        raise TargetRefused(
            "Use an https:// address."
            if _production(config)
            else "Use an https:// address (or http:// outside production)."
        )
    if not host:
        raise TargetRefused("The address needs a host name, such as https://example.org/hooks.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(
            "Put no user name or password in the address: receivers check the signature instead."
        )
    try:
        host.encode("idna")
    except UnicodeError:
        raise TargetRefused("The host name is not one we can look up.") from None
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(
        url=url,
        https=scheme == "https",
        host=host,
        port=port or (443 if scheme == "https" else 80),
        path=path,
    )


def is_public(address: IPAddress) -> bool:
    """Whether an address belongs to the public internet, not to any private network."""
    mapped = getattr(address, "ipv4_mapped", None) or getattr(address, "sixtofour", None)
    if mapped is not None and not is_public(mapped):
        return False
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def resolve(target: Target, config) -> list[str]:
    """Every address the host names now, each checked; TargetRefused if any may not be used."""
    try:
        found = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(f"We could not find the host {target.host}.") from None
    addresses = list(dict.fromkeys(str(entry[4][0]).split("%")[0] for entry in found))
    if not addresses:
        raise TargetRefused(f"We could not find the host {target.host}.")
    if not config["WEBHOOK_ALLOW_PRIVATE_TARGETS"]:
        for text in addresses:
            if not is_public(ipaddress.ip_address(text)):
                raise TargetRefused(
                    f"{target.host} leads to {text}, an address of a private, local or reserved "
                    "network: webhooks go only to addresses on the internet."
                )
    return addresses


def check(url: str, config) -> tuple[Target, list[str]]:
    """The address's parts and its checked addresses, or TargetRefused."""
    target = parse(url, config)
    return target, resolve(target, config)
