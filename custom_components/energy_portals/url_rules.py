"""Which base URLs a flow accepts (no Home Assistant imports here).

Cloud vendors carry passwords and tokens: only https, except to this machine (the simulator).
A local device or proxy may use plain http on the local network (the form says that the
credentials then travel unencrypted), never to a public host. The rules decide on the address
the system resolver would use, not on how it is spelled (`http://134744072` and
`http://0x08080808` are 8.8.8.8). Credentials belong in the form's fields, never in the URL.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from yarl import URL

LOCAL_SUFFIXES = (".local", ".lan", ".home", ".internal", ".home.arpa", ".localdomain")


class InsecureUrlError(ValueError):
    """A URL the flow refuses; `key` is the form error to show."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _host(url: str) -> tuple[str, str] | None:
    try:
        parsed = URL(url)
    except ValueError:
        return None
    if not parsed.host:
        return None
    return parsed.scheme, parsed.host.lower().rstrip(".")


def has_credentials(url: str) -> bool:
    """The URL carries a user name or password (`http://user:secret@host`)."""
    try:
        parsed = URL(url)
    except ValueError:
        return False
    return parsed.user is not None or parsed.password is not None


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host name spells, as the system resolver reads it (decimal, hex and
    octal IPv4 forms, and IPv4 inside IPv6), else None for a real name."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:
            # inet_aton takes what the resolver takes: 134744072, 0x08080808, 010.010.010.010
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    address = _address(host)
    return address is not None and address.is_loopback


def is_local(host: str) -> bool:
    """A host on this machine or the local network: a private address or a local name."""
    if is_loopback(host):
        return True
    address = _address(host)
    if address is None:
        return "." not in host or host.endswith(LOCAL_SUFFIXES)
    return address.is_private or address.is_link_local


def _url_error(url: str, http_allowed: Callable[[str], bool], refusal: str) -> str | None:
    """`invalid_url`, `credentials_in_url`, `refusal` for plain http to a host not allowed
    it, or None."""
    parts = _host(url)
    if parts is None or parts[0] not in ("http", "https"):
        return "invalid_url"
    if has_credentials(url):
        return "credentials_in_url"
    scheme, host = parts
    return refusal if scheme == "http" and not http_allowed(host) else None


def cloud_url_error(url: str) -> str | None:
    """The form error for a cloud vendor's base URL, None when it is accepted."""
    return _url_error(url, is_loopback, "https_required")


def local_url_error(url: str) -> str | None:
    """The form error for a local device's or proxy's URL, None when it is accepted."""
    return _url_error(url, is_local, "insecure_public_url")


def require_cloud_url(url: str) -> None:
    """Refuse a cloud vendor's base URL that is not https (or on this machine)."""
    if problem := cloud_url_error(url):
        raise InsecureUrlError(problem)


def require_local_url(url: str) -> None:
    """Refuse a local device's URL that sends credentials in clear to a public host."""
    if problem := local_url_error(url):
        raise InsecureUrlError(problem)
