"""Which base URLs the flows accept: https for the cloud, http only on the local network."""

from __future__ import annotations

import pytest

from custom_components.energy_portals.url_rules import cloud_url_error, local_url_error


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("https://enlighten.enphaseenergy.com", None),
        ("https://my-proxy.example.com:8443/allume", None),
        ("http://127.0.0.1:8300/allume", None),
        ("http://localhost:8300/flowerhub", None),
        ("http://[::1]:8300/enphase", None),
        ("http://enlighten.enphaseenergy.com", "https_required"),
        ("http://192.168.1.20", "https_required"),
        ("ftp://example.com", "invalid_url"),
        ("not a url", "invalid_url"),
    ],
)
def test_cloud_vendors_need_https(url: str, error: str | None) -> None:
    """Passwords and tokens to a cloud vendor travel encrypted, except to this machine."""
    assert cloud_url_error(url) == error


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://192.168.1.20", None),
        ("http://10.0.0.5:3000", None),
        ("http://172.16.4.1", None),
        ("http://169.254.10.10", None),
        ("http://[fd00::1]:3000", None),
        ("http://powerdesk", None),
        ("http://powerdesk.local", None),
        ("http://vue-proxy.home.arpa:3000", None),
        ("https://proxy.example.com", None),
        ("http://proxy.example.com", "insecure_public_url"),
        ("http://8.8.8.8", "insecure_public_url"),
        ("gopher://powerdesk", "invalid_url"),
    ],
)
def test_local_devices_may_use_http_only_on_the_local_network(url: str, error: str | None) -> None:
    """A proxy or controller on the local network may use http; a public host may not."""
    assert local_url_error(url) == error
