"""Which base URLs the flows accept: https for the cloud, http only on the local network."""

from __future__ import annotations

import json
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.energy_portals.const import DOMAIN
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
        ("https://owner:secret@enlighten.enphaseenergy.com", "credentials_in_url"),
        ("http://2130706433:8300/allume", None),  # 127.0.0.1
        ("http://0x7f000001:8300/allume", None),
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
        # 8.8.8.8 spelled as the resolver also reads it: decimal, hex, octal, IPv6-mapped.
        ("http://134744072", "insecure_public_url"),
        ("http://0x08080808", "insecure_public_url"),
        ("http://0x8.0x8.0x8.0x8", "insecure_public_url"),
        ("http://010.010.010.010", "insecure_public_url"),
        ("http://[::ffff:8.8.8.8]", "insecure_public_url"),
        ("http://8.8.8.8.", "insecure_public_url"),
        # ... and private or loopback addresses spelled so stay local.
        ("http://3232235796", None),  # 192.168.1.20
        ("http://0xc0a80114", None),
        ("http://127.1:3000", None),
        ("http://[::ffff:192.168.1.20]", None),
        ("http://user:secret@192.168.1.20", "credentials_in_url"),
        ("https://:secret@proxy.example.com", "credentials_in_url"),
    ],
)
def test_local_devices_may_use_http_only_on_the_local_network(url: str, error: str | None) -> None:
    """A proxy or controller on the local network may use http; a public host may not."""
    assert local_url_error(url) == error


@pytest.mark.parametrize(
    ("vendor", "form"),
    [
        ("jspro", {"url": "http://admin:secret@192.168.1.20", "verify_ssl": True}),
        ("jspro", {"url": "http://0x08080808", "verify_ssl": True}),
        ("emporia", {"url": "http://134744072:3000", "email": "a@b.c", "password": "x"}),
        (
            "flowerhub",
            {
                "username": "owner",
                "password": "x",
                "advanced": {"base_url": "https://owner:secret@api.flowerhub.se"},
            },
        ),
    ],
)
async def test_the_form_refuses_a_public_or_credentialed_url(
    hass: HomeAssistant, vendor: str, form: dict[str, Any]
) -> None:
    """The form says what is wrong with the address, and nothing is sent anywhere."""
    result: Any = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": vendor}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.FORM
    expected = "credentials_in_url" if "secret@" in json.dumps(form) else "insecure_public_url"
    assert result["errors"] == {"base": expected}
