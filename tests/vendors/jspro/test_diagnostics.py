"""JSPro diagnostics: the site's data without its token, address, names or serials."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_portals.diagnostics import async_get_config_entry_diagnostics
from tests.simulator.jspro import SERIAL, SITE_ID, SITE_NAME, TOKEN, JsproSimulator


async def test_diagnostics_are_redacted(
    hass: HomeAssistant, loaded_jspro: MockConfigEntry, jspro: JsproSimulator
) -> None:
    """Diagnostics keep the data but no token, serial, site, address or code."""
    jspro.missing.add("/api/v1/loggers/data/overview")
    diagnostics = await async_get_config_entry_diagnostics(hass, loaded_jspro)
    text = json.dumps(diagnostics, default=str)
    for secret in (
        TOKEN,
        SERIAL,
        SITE_ID,
        SITE_NAME,
        "Jl. Bakti",
        "127.0.0.1",
        "AO67950111",
        "TBI24032703195",
    ):
        assert secret not in text
    entry = diagnostics["entry"]
    assert entry["data"]["api_token"] == "**REDACTED**"
    assert entry["data"]["url"].startswith("url-")
    assert entry["data"]["vendor"] == "jspro"
    assert entry["title"].startswith("label-")
    data = diagnostics["data"]
    serial = data["information"]["serial_number"]
    assert serial.startswith("serial-")
    assert entry["unique_id"] == f"jspro_{serial}"  # the same placeholder everywhere
    assert data["information"]["model"] == "JSPro MPPT"
    pack = data["monitoring"]["battery"]["usb0_1"]
    assert pack["pack_voltage"] == 54.24
    assert pack["serial_code"].startswith("serial-")
    assert pack["pcb_code"].startswith("pcb-")
    assert data["system"]["resources"]["cpu_usage"] == 40
    assert data["intervals"] == {"monitoring": "0:00:10", "system": "0:01:00"}
    assert data["unsupported_endpoints"] == []
